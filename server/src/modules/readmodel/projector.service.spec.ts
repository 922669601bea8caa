import pino from 'pino';
import * as Y from 'yjs';
import { loadConfig } from '../../base/config';
import { MetricsService } from '../../base/metrics';
import type { BoardLocks, Lease, UpdateLog } from '../../base/storage';
import type { BoardStoreService, BoardWatcher, SnapshotRepository } from '../sync';
import { LoadedBoard } from '../sync/loaded-board';
import { ProjectorService } from './projector.service';
import type { ReadModelRepository } from './readmodel.repository';

const DEBOUNCE_MS = 40;
const MAX_WAIT_MS = 120;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const running: { sut: ProjectorService; board: LoadedBoard }[] = [];

function setup(options: { lease?: () => Lease | null; replace?: () => Promise<boolean> } = {}) {
  let watcher: BoardWatcher | undefined;
  const board = new LoadedBoard('b1', new Y.Doc(), { ms: 7, seq: 0 }, 0, 0);
  const store = {
    watch: jest.fn((w: BoardWatcher) => {
      watcher = w;
      return () => undefined;
    }),
    get: jest.fn((id: string) => (id === board.id ? board : undefined)),
  } as unknown as jest.Mocked<BoardStoreService>;
  const repository = {
    replaceBoard: jest.fn(options.replace ?? (async () => true)),
    unprojectedBoardIds: jest.fn(async () => ['b1', 'b2']),
  } as unknown as jest.Mocked<ReadModelRepository>;
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
  const sut = new ProjectorService(store, repository, snapshots, log, locks, metrics, config, pino({ level: 'silent' }));
  sut.onModuleInit();
  running.push({ sut, board });
  const edit = (title: string) => board.doc.getMap('meta').set('title', title);
  return { sut, board, watcher: watcher!, repository, locks, release, metrics, edit };
}

describe(ProjectorService.name, () => {
  afterEach(async () => {
    for (const { sut, board } of running.splice(0)) {
      await sut.onModuleDestroy();
      board.destroy();
    }
  });

  it('projects a changed board once it has been quiet for PROJECTION_DEBOUNCE_MS, under the projection lease', async () => {
    const { watcher, board, repository, locks, release, edit } = setup();
    edit('一');
    watcher.onChanged(board);
    await sleep(DEBOUNCE_MS / 2);
    expect(repository.replaceBoard).not.toHaveBeenCalled();
    await sleep(DEBOUNCE_MS * 2);
    expect(locks.tryAcquire).toHaveBeenCalledWith('b1', expect.any(Number), 'projection');
    expect(repository.replaceBoard).toHaveBeenCalledTimes(1);
    const [rows, source] = repository.replaceBoard.mock.calls[0];
    expect(rows.board).toMatchObject({ board_id: 'b1', title: '一' });
    expect(source.logId).toEqual({ ms: 7, seq: 0 });
    expect(source.stateVector).toEqual(Y.encodeStateVector(board.doc));
    expect(release).toHaveBeenCalledTimes(1);
  });

  it('projects a burst of changes once', async () => {
    const { watcher, board, repository } = setup();
    for (let i = 0; i < 5; i++) watcher.onChanged(board);
    await sleep(DEBOUNCE_MS * 3);
    expect(repository.replaceBoard).toHaveBeenCalledTimes(1);
  });

  it('under constant changes, projects at least every PROJECTION_MAX_WAIT_MS', async () => {
    const { watcher, board, repository } = setup();
    const started = Date.now();
    while (Date.now() - started < MAX_WAIT_MS * 3) {
      watcher.onChanged(board);
      await sleep(DEBOUNCE_MS / 4);
    }
    expect(repository.replaceBoard.mock.calls.length).toBeGreaterThanOrEqual(2);
  });

  it('tries again later while another instance holds the projection lease', async () => {
    let free = false;
    const { watcher, board, repository, locks } = setup({
      lease: () => (free ? { renew: async () => true, release: async () => undefined } : null),
    });
    watcher.onChanged(board);
    await sleep(DEBOUNCE_MS * 2);
    expect(locks.tryAcquire).toHaveBeenCalled();
    expect(repository.replaceBoard).not.toHaveBeenCalled();
    free = true;
    await sleep(250);
    expect(repository.replaceBoard).toHaveBeenCalledTimes(1);
  });

  it('counts a failed projection and retries it', async () => {
    let fail = true;
    const { watcher, board, repository, metrics } = setup({
      replace: async () => {
        if (fail) throw new Error('database down');
        return true;
      },
    });
    watcher.onChanged(board);
    await sleep(DEBOUNCE_MS * 2);
    expect(repository.replaceBoard).toHaveBeenCalledTimes(1);
    expect((await metrics.projectionFailures.get()).values[0].value).toBe(1);
    fail = false;
    await sleep(1200);
    expect(repository.replaceBoard).toHaveBeenCalledTimes(2);
    expect(await lagOf(metrics)).toBe(0);
  });

  it('projects pending changes at once when the board unloads', async () => {
    const { watcher, board, repository } = setup();
    watcher.onChanged(board);
    await watcher.onUnloading(board);
    expect(repository.replaceBoard).toHaveBeenCalledTimes(1);
    await sleep(DEBOUNCE_MS * 2);
    expect(repository.replaceBoard).toHaveBeenCalledTimes(1);
  });

  it('does not project an unloading board that has nothing pending', async () => {
    const { watcher, board, repository } = setup();
    watcher.onChanged(board);
    await sleep(DEBOUNCE_MS * 2);
    await watcher.onUnloading(board);
    expect(repository.replaceBoard).toHaveBeenCalledTimes(1);
  });

  it('at start, projects from storage the boards without rows that are not loaded', async () => {
    const { sut, repository, locks } = setup();
    sut.onApplicationBootstrap();
    await sleep(100);
    expect(repository.replaceBoard).toHaveBeenCalledTimes(1);
    const [rows, source, options] = repository.replaceBoard.mock.calls[0];
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
});

async function lagOf(metrics: MetricsService): Promise<number> {
  return (await metrics.projectionLag.get()).values[0].value;
}
