import pino from 'pino';
import * as Y from 'yjs';
import { loadConfig } from '../../base/config';
import { MetricsService } from '../../base/metrics';
import type { AwarenessBus, LogEntry, UpdateLog } from '../../base/storage';
import type { BoardsRepository } from '../boards';
import { BoardStoreService } from './board-store.service';
import type { CompactorService } from './compactor.service';
import { DocWorkerService } from './doc-worker.service';
import type { SnapshotRepository } from './snapshot.repository';

function updateSetting(key: string, value: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getMap('meta').set(key, value);
  return Y.encodeStateAsUpdate(doc);
}

const running: BoardStoreService[] = [];

function setup(overrides: { snapshot?: () => Promise<unknown>; exists?: boolean } = {}) {
  const followed = new Set<string>();
  const entries: LogEntry[] = [{ id: { ms: 5, seq: 0 }, update: updateSetting('title', '共建'), origin: 'other' }];
  const log = {
    kind: 'redis',
    readAfter: jest.fn(async () => entries),
    // As the Redis log does: one follower per board and instance.
    follow: jest.fn((boardId: string) => {
      if (followed.has(boardId)) throw new Error(`board ${boardId} is already followed`);
      followed.add(boardId);
      return { close: jest.fn(() => followed.delete(boardId)) };
    }),
    append: jest.fn(async () => ({ ms: 6, seq: 0 })),
  } as unknown as jest.Mocked<UpdateLog>;
  const snapshots = {
    get: jest.fn(overrides.snapshot ?? (async () => null)),
    save: jest.fn(),
  } as unknown as jest.Mocked<SnapshotRepository>;
  const boards = { exists: jest.fn(async () => overrides.exists ?? true) } as unknown as jest.Mocked<BoardsRepository>;
  const compactor = {
    compact: jest.fn(async () => ({ compacted: true, merged: 1, trimmed: 1, snapshotBytes: 10 })),
  } as unknown as jest.Mocked<CompactorService>;
  const bus: AwarenessBus = { publish: jest.fn(), subscribe: jest.fn(() => () => {}), close: jest.fn() };
  const config = loadConfig({ BOARD_IDLE_MS: '100' });
  const logger = pino({ level: 'silent' });
  const sut = new BoardStoreService(
    log,
    bus,
    'me',
    snapshots,
    boards,
    compactor,
    new DocWorkerService(config, logger),
    new MetricsService(),
    config,
    logger,
  );
  running.push(sut);
  return { sut, log, snapshots, boards, compactor };
}

describe(BoardStoreService.name, () => {
  afterEach(async () => {
    for (const sut of running.splice(0)) await sut.onModuleDestroy();
  });

  it('loads a board from its snapshot and log tail', async () => {
    const { sut } = setup();
    const board = await sut.acquire('b1');
    expect(board.doc.getMap('meta').get('title')).toBe('共建');
    expect(board.lastLogId).toEqual({ ms: 5, seq: 0 });
  });

  it('refuses to load a board written in a newer schema version than this code knows', async () => {
    const newer = new Y.Doc();
    newer.getMap('meta').set('schemaVersion', 99);
    const { sut, log } = setup({
      snapshot: async () => ({ state: Y.encodeStateAsUpdate(newer), logId: { ms: 1, seq: 0 } }),
    });
    await expect(sut.acquire('b1')).rejects.toMatchObject({ code: 'unavailable' });
    expect(sut.get('b1')).toBeUndefined();
    expect(log.append).not.toHaveBeenCalled();
  });

  it('shares one load between concurrent acquirers', async () => {
    const { sut, snapshots } = setup();
    const [a, b] = await Promise.all([sut.acquire('b1'), sut.acquire('b1')]);
    expect(a).toBe(b);
    expect(snapshots.get).toHaveBeenCalledTimes(1);
  });

  it('refuses an unknown board with not_found', async () => {
    const { sut } = setup({ exists: false });
    await expect(sut.acquire('b1')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('never caches a failed load, and writes nothing for it', async () => {
    let fail = true;
    const { sut, snapshots, compactor } = setup({
      snapshot: async () => {
        if (fail) throw new Error('database down');
        return null;
      },
    });
    await expect(sut.acquire('b1')).rejects.toMatchObject({ code: 'unavailable' });
    expect(sut.get('b1')).toBeUndefined();
    expect(snapshots.save).not.toHaveBeenCalled();
    expect(compactor.compact).not.toHaveBeenCalled();
    fail = false;
    expect((await sut.acquire('b1')).doc.getMap('meta').get('title')).toBe('共建');
  });

  it('unloads a board after it has had no socket for BOARD_IDLE_MS, compacting it first', async () => {
    const { sut, compactor } = setup();
    const board = await sut.acquire('b1');
    sut.attach(board, 's1');
    sut.detach(board, 's1');
    expect(sut.get('b1')).toBe(board);
    await new Promise((r) => setTimeout(r, 250));
    expect(compactor.compact).toHaveBeenCalledWith('b1', { force: true });
    expect(sut.get('b1')).toBeUndefined();
  });

  it('tells watchers of a load and of every change to the document', async () => {
    const { sut } = setup();
    const changed: string[] = [];
    sut.watch({ onChanged: (board) => changed.push(board.id), onUnloading: async () => undefined });
    const board = await sut.acquire('b1');
    board.doc.getMap('meta').set('title', '新');
    expect(changed).toEqual(['b1', 'b1']);
  });

  it('lets watchers read an unloading board before it is destroyed', async () => {
    const { sut } = setup();
    const titles: unknown[] = [];
    sut.watch({
      onChanged: () => undefined,
      onUnloading: async (board) => {
        await new Promise((r) => setTimeout(r, 20));
        titles.push(board.doc.getMap('meta').get('title'));
      },
    });
    const board = await sut.acquire('b1');
    sut.attach(board, 's1');
    sut.detach(board, 's1');
    await new Promise((r) => setTimeout(r, 250));
    expect(sut.get('b1')).toBeUndefined();
    expect(titles).toEqual(['共建']);
  });

  it('loads a board again for a join that comes while it is leaving memory, once it has left', async () => {
    const { sut, log } = setup();
    let unloading: (() => void) | undefined;
    sut.watch({
      onChanged: () => undefined,
      // The first unload waits until told; any later one (at shutdown) does not.
      onUnloading: () => (unloading ? Promise.resolve() : new Promise<void>((resolve) => (unloading = resolve))),
    });
    const board = await sut.acquire('b1');
    sut.attach(board, 's1');
    sut.detach(board, 's1');
    await new Promise((r) => setTimeout(r, 200));
    expect(sut.get('b1')).toBeUndefined();
    const again = sut.acquire('b1');
    await new Promise((r) => setTimeout(r, 20));
    unloading?.();
    const loaded = await again;
    expect(loaded).not.toBe(board);
    expect(loaded.doc.getMap('meta').get('title')).toBe('共建');
    expect(sut.get('b1')).toBe(loaded);
    expect(log.follow).toHaveBeenCalledTimes(2);
  });

  it('keeps a board that a socket rejoined before the idle time ran out', async () => {
    const { sut } = setup();
    const board = await sut.acquire('b1');
    sut.attach(board, 's1');
    sut.detach(board, 's1');
    sut.attach(board, 's2');
    await new Promise((r) => setTimeout(r, 250));
    expect(sut.get('b1')).toBe(board);
  });
});
