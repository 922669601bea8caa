import { createProject, deleteProject, initBoard, projectsMap, setCriteria, setFunding } from '@gongjian/shared';
import pino from 'pino';
import * as Y from 'yjs';
import { loadConfig } from '../../base/config';
import { MetricsService } from '../../base/metrics';
import { compareLogIds, type BoardLocks, type Lease, type UpdateLog } from '../../base/storage';
import type { BoardStoreService, BoardWatcher, SnapshotRepository } from '../sync';
import { LoadedBoard } from '../sync/loaded-board';
import { boardRows, type ProjectRows, type ReadModelRows, todayInShanghai } from './project-board';
import { ProjectorService } from './projector.service';
import type { ProjectionSource, ProjectsChange, ReadModelRepository, StoredSource } from './readmodel.repository';

const DEBOUNCE_MS = 40;
const MAX_WAIT_MS = 120;
const ORIGIN = 'spec';
const NOW = '2026-03-01T08:00:00.000Z';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * ReadModelRepository in memory, with its rules: replaceBoard never goes back to an older state
 * (nor rewrites the same one on the same day); replaceProjects writes only over the rows of the
 * projection it names, on the same day.
 */
class MemoryReadModel {
  stored: { rows: ReadModelRows; source: ProjectionSource; projectionId: string | null; at: number } | null = null;
  fail = false;

  readonly replaceBoard = jest.fn(
    async (
      rows: ReadModelRows,
      source: ProjectionSource,
      options: { force?: boolean; projectionId?: string | null } = {},
    ) => {
      if (this.fail) throw new Error('database down');
      const stored = this.stored;
      if (stored) {
        const order = compareLogIds(stored.source.logId, source.logId);
        const same =
          order === 0 &&
          Buffer.from(stored.source.stateVector).equals(Buffer.from(source.stateVector)) &&
          stored.rows.board.as_of === rows.board.as_of;
        if (order > 0 || (same && !options.force)) return false;
      }
      this.stored = { rows: clone(rows), source, projectionId: options.projectionId ?? null, at: Date.now() };
      return true;
    },
  );

  readonly replaceProjects = jest.fn(
    async (change: ProjectsChange, source: ProjectionSource, options: { after: string; projectionId: string }) => {
      if (this.fail) throw new Error('database down');
      const stored = this.stored;
      if (!stored || stored.projectionId !== options.after || stored.rows.board.as_of !== change.board.as_of)
        return false;
      const gone = new Set(change.projectIds);
      const rows = { board: change.board } as ReadModelRows;
      for (const table of Object.keys(change.rows) as (keyof ProjectRows)[]) {
        const kept = (stored.rows[table] as { project_id: string }[]).filter((row) => !gone.has(row.project_id));
        (rows[table] as unknown[]) = [...kept, ...clone<unknown[]>(change.rows[table])];
      }
      this.stored = { rows, source, projectionId: options.projectionId, at: Date.now() };
      return true;
    },
  );

  readonly storedSource = jest.fn(async (): Promise<StoredSource | null> => {
    if (this.fail) throw new Error('database down');
    const stored = this.stored;
    if (!stored) return null;
    return {
      ...stored.source,
      asOf: stored.rows.board.as_of,
      projectionId: stored.projectionId,
      ageMs: Date.now() - stored.at,
    };
  });

  readonly unprojectedBoardIds = jest.fn(async () => [] as string[]);

  writes(): number {
    return this.replaceBoard.mock.calls.length + this.replaceProjects.mock.calls.length;
  }
}

const clone = <T>(value: T): T => structuredClone(value);

/** Each table's rows in one order. */
function sorted(rows: ReadModelRows): ReadModelRows {
  const order = (table: unknown[]) => [...table].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  const result: Record<string, unknown> = { board: rows.board };
  for (const [table, value] of Object.entries(rows)) if (table !== 'board') result[table] = order(value as unknown[]);
  return result as unknown as ReadModelRows;
}

function aProject(doc: Y.Doc, id: string, title = `项目 ${id}`): void {
  createProject(
    doc,
    { id, category: 'culture', title, leadOrgId: 'o1', partnerOrgIds: ['o2'], createdBy: 'u', now: NOW },
    ORIGIN,
  );
}

const running: { sut: ProjectorService; board: LoadedBoard }[] = [];

function setup(options: { lease?: () => Lease | null; projects?: string[] } = {}) {
  let watcher: BoardWatcher | undefined;
  const doc = new Y.Doc();
  initBoard(doc, { title: '一', regionId: 'liangxi', year: 2026 }, ORIGIN);
  for (const id of options.projects ?? []) aProject(doc, id);
  const board = new LoadedBoard('b1', doc, { ms: 7, seq: 0 }, 0, 0);
  const store = {
    watch: jest.fn((w: BoardWatcher) => {
      watcher = w;
      return () => undefined;
    }),
    get: jest.fn((id: string) => (id === board.id ? board : undefined)),
  } as unknown as jest.Mocked<BoardStoreService>;
  const memory = new MemoryReadModel();
  const repository = memory as unknown as ReadModelRepository;
  const snapshots = { get: jest.fn(async () => null) } as unknown as jest.Mocked<SnapshotRepository>;
  const log = { readAfter: jest.fn(async () => []) } as unknown as jest.Mocked<UpdateLog>;
  const release = jest.fn(async () => undefined);
  const locks = {
    tryAcquire: jest.fn(async () => (options.lease ? options.lease() : { renew: async () => true, release })),
  } as unknown as jest.Mocked<BoardLocks>;
  const metrics = new MetricsService();
  const config = loadConfig({
    PROJECTION_DEBOUNCE_MS: String(DEBOUNCE_MS),
    PROJECTION_MAX_WAIT_MS: String(MAX_WAIT_MS),
  });
  const sut = new ProjectorService(
    store,
    repository,
    snapshots,
    log,
    locks,
    metrics,
    config,
    pino({ level: 'silent' }),
  );
  sut.onModuleInit();
  running.push({ sut, board });
  /** A change as the board store reports it: applied to the document, the log id moved on. */
  const change = (edit: (doc: Y.Doc) => void) => {
    edit(board.doc);
    board.noteLogged({ ms: board.lastLogId.ms + 1, seq: 0 }, 1);
    watcher!.onChanged(board);
  };
  /** Waits out the debounce and the projection. */
  const settled = () => sleep(DEBOUNCE_MS * 3);
  const expectStoredMatches = () =>
    expect(sorted(memory.stored!.rows)).toEqual(sorted(boardRows('b1', board.doc, memory.stored!.rows.board.as_of)));
  return {
    sut,
    board,
    watcher: watcher!,
    memory,
    locks,
    release,
    metrics,
    change,
    settled,
    expectStoredMatches,
    edit: (title: string) => board.doc.getMap('meta').set('title', title),
  };
}

describe(ProjectorService.name, () => {
  afterEach(async () => {
    jest.useRealTimers();
    for (const { sut, board } of running.splice(0)) {
      await sut.onModuleDestroy();
      board.destroy();
    }
  });

  it('projects a changed board once it has been quiet for PROJECTION_DEBOUNCE_MS, under the projection lease', async () => {
    const { watcher, board, memory, locks, release, edit } = setup();
    edit('二');
    watcher.onChanged(board);
    await sleep(DEBOUNCE_MS / 2);
    expect(memory.writes()).toBe(0);
    await sleep(DEBOUNCE_MS * 2);
    expect(locks.tryAcquire).toHaveBeenCalledWith('b1', expect.any(Number), 'projection');
    expect(memory.replaceBoard).toHaveBeenCalledTimes(1);
    const [rows, source, options] = memory.replaceBoard.mock.calls[0];
    expect(rows.board).toMatchObject({ board_id: 'b1', title: '二' });
    expect(source.logId).toEqual({ ms: 7, seq: 0 });
    expect(source.stateVector).toEqual(Y.encodeStateVector(board.doc));
    expect(options?.projectionId).toEqual(expect.any(String));
    expect(release).toHaveBeenCalledTimes(1);
  });

  it('projects a burst of changes once', async () => {
    const { watcher, board, memory } = setup();
    for (let i = 0; i < 5; i++) watcher.onChanged(board);
    await sleep(DEBOUNCE_MS * 3);
    expect(memory.writes()).toBe(1);
  });

  it('under constant changes, projects at least every PROJECTION_MAX_WAIT_MS', async () => {
    const { change, memory } = setup();
    const started = Date.now();
    for (let i = 0; Date.now() - started < MAX_WAIT_MS * 3; i++) {
      change((doc) => doc.getMap('meta').set('title', `t${i}`));
      await sleep(DEBOUNCE_MS / 4);
    }
    expect(memory.writes()).toBeGreaterThanOrEqual(2);
  });

  it('tries again later while another instance holds the projection lease', async () => {
    let free = false;
    const { watcher, board, memory, locks } = setup({
      lease: () => (free ? { renew: async () => true, release: async () => undefined } : null),
    });
    watcher.onChanged(board);
    await sleep(DEBOUNCE_MS * 2);
    expect(locks.tryAcquire).toHaveBeenCalled();
    expect(memory.writes()).toBe(0);
    free = true;
    await sleep(250);
    expect(memory.writes()).toBe(1);
  });

  it('counts a failed projection and retries it in full', async () => {
    const { change, memory, metrics, expectStoredMatches } = setup({ projects: ['p1'] });
    change(() => undefined);
    await sleep(DEBOUNCE_MS * 3);
    memory.fail = true;
    change((doc) => setFunding(doc, 'p1', 'o1', 5_000, ORIGIN));
    await sleep(DEBOUNCE_MS * 3);
    expect((await metrics.projectionFailures.get()).values[0].value).toBe(1);
    memory.fail = false;
    await sleep(1200);
    expect(memory.replaceProjects).toHaveBeenCalledTimes(1);
    expect(memory.replaceBoard).toHaveBeenCalledTimes(2);
    expectStoredMatches();
    expect(await lagOf(metrics)).toBe(0);
  });

  it('projects pending changes at once when the board unloads', async () => {
    const { watcher, board, memory } = setup();
    watcher.onChanged(board);
    await watcher.onUnloading(board);
    expect(memory.writes()).toBe(1);
    await sleep(DEBOUNCE_MS * 2);
    expect(memory.writes()).toBe(1);
  });

  it('does not project an unloading board that has nothing pending', async () => {
    const { watcher, board, memory } = setup();
    watcher.onChanged(board);
    await sleep(DEBOUNCE_MS * 2);
    await watcher.onUnloading(board);
    expect(memory.writes()).toBe(1);
  });

  it('at start, projects from storage the boards without rows that are not loaded', async () => {
    const { sut, memory, locks } = setup();
    memory.unprojectedBoardIds.mockResolvedValue(['b1', 'b2']);
    sut.onApplicationBootstrap();
    await sleep(100);
    expect(memory.replaceBoard).toHaveBeenCalledTimes(1);
    const [rows, source, options] = memory.replaceBoard.mock.calls[0];
    expect(rows.board.board_id).toBe('b2');
    expect(source.logId).toEqual({ ms: 0, seq: 0 });
    expect(options).toEqual({ force: false });
    expect(locks.tryAcquire).toHaveBeenCalledWith('b2', expect.any(Number), 'projection');
  });

  it('reports as lag the age of the oldest change not projected yet, and 0 once it is', async () => {
    const { watcher, board, metrics } = setup();
    watcher.onChanged(board);
    await sleep(DEBOUNCE_MS / 2);
    expect(await lagOf(metrics)).toBeGreaterThan(0);
    await sleep(DEBOUNCE_MS * 2);
    expect(await lagOf(metrics)).toBe(0);
  });

  describe('incremental projection', () => {
    it('after its own projection, rewrites only the projects changed since, and the board row', async () => {
      const { change, settled, memory, metrics, expectStoredMatches } = setup({ projects: ['p1', 'p2', 'p3'] });
      change(() => undefined);
      await settled();
      expect(memory.replaceBoard).toHaveBeenCalledTimes(1);

      change((doc) => setFunding(doc, 'p2', 'o1', 80_000, ORIGIN));
      change((doc) => doc.getMap('meta').set('title', '新标题'));
      await settled();
      expect(memory.replaceBoard).toHaveBeenCalledTimes(1);
      expect(memory.replaceProjects).toHaveBeenCalledTimes(1);
      const [written, source, options] = memory.replaceProjects.mock.calls[0];
      expect(written.projectIds).toEqual(['p2']);
      expect(written.rows.projects.map((row) => row.project_id)).toEqual(['p2']);
      expect(written.board).toMatchObject({ title: '新标题', project_count: 3 });
      expect(source.logId).toEqual({ ms: 10, seq: 0 });
      expect(options.after).toBe(memory.replaceBoard.mock.calls[0][2]?.projectionId);
      expectStoredMatches();
      expect(await outcomes(metrics)).toMatchObject({ full: 1, incremental: 1 });
    });

    it('drops the rows of a removed project and counts the rest', async () => {
      const { change, settled, memory, expectStoredMatches } = setup({ projects: ['p1', 'p2'] });
      change(() => undefined);
      await settled();
      change((doc) => deleteProject(doc, 'p1', ORIGIN));
      await settled();
      const [written] = memory.replaceProjects.mock.calls[0];
      expect(written.projectIds).toEqual(['p1']);
      expect(written.rows.projects).toEqual([]);
      expect(written.board.project_count).toBe(1);
      expectStoredMatches();
    });

    it('projects the whole board when another writer came between (rows no longer its own)', async () => {
      const { change, settled, memory, board, expectStoredMatches } = setup({ projects: ['p1', 'p2'] });
      change(() => undefined);
      await settled();
      // reproject, say: the same rows under no projection id.
      const today = todayInShanghai(new Date());
      await memory.replaceBoard(boardRows('b1', board.doc, today), memory.stored!.source, { force: true });
      change((doc) => setFunding(doc, 'p2', 'o1', 1_000, ORIGIN));
      await settled();
      expect(memory.replaceProjects).toHaveBeenCalledTimes(1);
      await expect(memory.replaceProjects.mock.results[0].value).resolves.toBe(false);
      expect(memory.replaceBoard).toHaveBeenCalledTimes(3);
      expectStoredMatches();
    });

    it('projects the whole board on a new day, when overdue figures may have changed', async () => {
      // Only the clock: timers run as usual.
      jest.useFakeTimers({
        doNotFake: [
          'setTimeout',
          'clearTimeout',
          'setInterval',
          'clearInterval',
          'setImmediate',
          'clearImmediate',
          'nextTick',
          'queueMicrotask',
          'performance',
          'hrtime',
        ],
      });
      jest.setSystemTime(new Date('2026-03-10T12:00:00+08:00'));
      const { change, settled, memory } = setup({ projects: ['p1'] });
      change(() => undefined);
      await settled();
      jest.setSystemTime(new Date('2026-03-11T00:00:01+08:00'));
      change((doc) => setFunding(doc, 'p1', 'o1', 1_000, ORIGIN));
      await settled();
      expect(memory.replaceProjects).not.toHaveBeenCalled();
      expect(memory.replaceBoard).toHaveBeenCalledTimes(2);
      expect(memory.stored!.rows.board.as_of).toBe('2026-03-11');
    });

    it('projects the whole board when the rubric changes, which every project’s figures depend on', async () => {
      const { change, settled, memory, expectStoredMatches } = setup({ projects: ['p1', 'p2'] });
      change(() => undefined);
      await settled();
      change((doc) => setCriteria(doc, [{ id: 'q', name: '质量', weight: 100 }], ORIGIN));
      await settled();
      expect(memory.replaceProjects).not.toHaveBeenCalled();
      expect(memory.replaceBoard).toHaveBeenCalledTimes(2);
      expectStoredMatches();
    });

    it('always projects the whole of a board whose project ids differ from their keys', async () => {
      const { change, settled, memory, expectStoredMatches } = setup({ projects: ['p1', 'p2'] });
      change((doc) => (projectsMap(doc).get('p2') as Y.Map<unknown>).set('id', 'p1'));
      await settled();
      change((doc) => setFunding(doc, 'p1', 'o1', 1_000, ORIGIN));
      await settled();
      expect(memory.replaceBoard).toHaveBeenCalledTimes(2);
      expect(memory.replaceProjects).not.toHaveBeenCalled();
      expectStoredMatches();
    });
  });

  describe('with the board loaded on another instance too', () => {
    it('derives and writes nothing when the stored rows already have its state', async () => {
      const { change, settled, memory, board, metrics } = setup({ projects: ['p1'] });
      await memory.replaceBoard(
        boardRows('b1', board.doc, todayInShanghai(new Date())),
        {
          logId: { ms: 7, seq: 0 },
          stateVector: Y.encodeStateVector(board.doc),
        },
        { projectionId: 'other' },
      );
      change(() => undefined);
      memory.stored!.source = { logId: { ...board.lastLogId }, stateVector: Y.encodeStateVector(board.doc) };
      await settled();
      expect(memory.writes()).toBe(1);
      expect(await outcomes(metrics)).toMatchObject({ covered: 1 });
    });

    it('leaves its changes to the instance that keeps projecting the board, and projects itself when that one stops', async () => {
      const { change, memory, board, metrics, expectStoredMatches } = setup({ projects: ['p1'] });
      const other = () =>
        memory.replaceBoard(
          boardRows('b1', board.doc, todayInShanghai(new Date())),
          {
            logId: { ...board.lastLogId },
            stateVector: Y.encodeStateVector(board.doc),
          },
          { projectionId: `other-${Date.now()}` },
        );
      await other();
      change((doc) => setFunding(doc, 'p1', 'o1', 1_000, ORIGIN));
      await sleep(DEBOUNCE_MS * 2);
      expect(await outcomes(metrics)).toMatchObject({ deferred: 1 });
      expect(memory.writes()).toBe(1);
      // The other instance projects what this one had, and more.
      change((doc) => setFunding(doc, 'p1', 'o2', 2_000, ORIGIN));
      await other();
      await sleep(MAX_WAIT_MS * 2 + DEBOUNCE_MS);
      expect(await outcomes(metrics)).toMatchObject({ covered: 1 });
      expect(memory.writes()).toBe(2);
      // It projects one more change and stops: after one more deferral, this instance projects the board itself.
      change((doc) => setFunding(doc, 'p1', 'o2', 3_000, ORIGIN));
      await other();
      change((doc) => setFunding(doc, 'p1', 'o2', 4_000, ORIGIN));
      await sleep(DEBOUNCE_MS * 2);
      expect(await outcomes(metrics)).toMatchObject({ deferred: 2 });
      await sleep(MAX_WAIT_MS * 2 + DEBOUNCE_MS * 2);
      expect(await outcomes(metrics)).toMatchObject({ full: 1 });
      expectStoredMatches();
    });
  });
});

async function lagOf(metrics: MetricsService): Promise<number> {
  return (await metrics.projectionLag.get()).values[0].value;
}

async function outcomes(metrics: MetricsService): Promise<Record<string, number>> {
  const values = (await metrics.projectionOutcomes.get()).values;
  return Object.fromEntries(values.map((value) => [String(value.labels.outcome), value.value]));
}
