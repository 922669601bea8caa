import pino from 'pino';
import * as Y from 'yjs';
import { loadConfig } from '../../server/src/base/config';
import { Db, openDatabase } from '../../server/src/base/db';
import { MetricsService } from '../../server/src/base/metrics';
import { openStorage, Storage, ZERO_LOG_ID } from '../../server/src/base/storage';
import { CompactorService, DocWorkerService, SnapshotRepository } from '../../server/src/modules/sync';
import { AuditRepository } from '../../server/src/modules/audit';
import { login } from '../support/api';
import { loadFresh, openClient } from '../support/clients';
import { createTestDatabase, TestDatabase } from '../support/postgres';
import { fingerprint, prng, randomEdit } from '../support/random-edits';
import { createTestRedis, TestRedis } from '../support/redis';
import { startServer, tempDataDir } from '../support/server-process';

const BOARD = 'demo-liangxi-2026';
const logger = pino({ level: 'silent' });

interface Mode {
  name: string;
  setup(): Promise<Record<string, string>>;
  teardown(): Promise<void>;
}

let database: TestDatabase;
let redis: TestRedis;
const data = tempDataDir();
const modes: Mode[] = [
  {
    name: 'Redis + PostgreSQL',
    setup: async () => {
      database = await createTestDatabase();
      redis = await createTestRedis();
      return { REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix, DATABASE_URL: database.url };
    },
    teardown: async () => {
      await redis.cleanup();
      await database.drop();
    },
  },
  { name: 'embedded', setup: async () => ({ DATA_DIR: data.dir }), teardown: async () => data.remove() },
];

/** Edits the board through a running server; returns the acked state's fingerprint. */
async function editThroughServer(env: Record<string, string>, seed: number, edits: number) {
  const server = await startServer({ DEMO: '1', COMPACT_AFTER_UPDATES: '100000', ...env });
  try {
    const client = openClient(server.url, BOARD, await login(server.url, 'coord', 'demo12345'));
    await client.whenSaved();
    const random = prng(seed);
    for (let i = 0; i < edits; i++) randomEdit(client.doc, random, 'test');
    await client.whenSaved();
    const expected = fingerprint(client.doc);
    client.destroy();
    return expected;
  } finally {
    // kill -9, so that no compaction on shutdown touches the log.
    await server.crash();
  }
}

describe.each(modes)('compaction ($name)', (mode) => {
  let env: Record<string, string>;
  let db: Db;
  let storage: Storage;
  let sut: CompactorService;
  let snapshots: SnapshotRepository;
  let docWorker: DocWorkerService;

  async function openCompactor() {
    // WORKER_MIN_BYTES 0: every merge goes through the worker thread, as a big board's does.
    const config = loadConfig({
      ...env,
      COMPACT_AFTER_UPDATES: '100000',
      COMPACT_TRIM_GRACE_MS: '0',
      WORKER_MIN_BYTES: '0',
    });
    db = (await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR })).db;
    storage = openStorage(config, db, logger, () => {});
    snapshots = new SnapshotRepository(db);
    docWorker = new DocWorkerService(config, logger);
    sut = new CompactorService(
      storage.log,
      storage.locks,
      snapshots,
      new AuditRepository(db),
      docWorker,
      new MetricsService(),
      config,
      logger,
    );
  }
  async function closeCompactor() {
    await docWorker.onModuleDestroy();
    await storage.close();
    await db.destroy();
  }
  /** The board as a load sees it: snapshot + log entries after the snapshot's id. */
  async function loadFromStorage(): Promise<{ doc: Y.Doc; tail: number }> {
    const snapshot = await snapshots.get(BOARD);
    const entries = await storage.log.readAfter(BOARD, snapshot?.logId ?? ZERO_LOG_ID);
    const doc = new Y.Doc();
    if (snapshot) Y.applyUpdate(doc, snapshot.state);
    for (const entry of entries) Y.applyUpdate(doc, entry.update);
    return { doc, tail: entries.length };
  }

  beforeAll(async () => {
    env = await mode.setup();
  });
  afterAll(() => mode.teardown());

  it('merges the log into the snapshot and trims the log; the snapshot holds every acked update', async () => {
    const expected = await editThroughServer(env, 3, 300);
    await openCompactor();
    try {
      expect(await storage.log.length(BOARD)).toBeGreaterThanOrEqual(300);
      const result = await sut.compact(BOARD, { force: true });
      expect(result.compacted).toBe(true);
      expect(result.merged).toBeGreaterThanOrEqual(300);
      expect(await storage.log.length(BOARD)).toBe(0);
      const snapshot = await snapshots.get(BOARD);
      const fromSnapshot = new Y.Doc();
      Y.applyUpdate(fromSnapshot, snapshot!.state);
      expect(fingerprint(fromSnapshot)).toEqual(expected);
    } finally {
      await closeCompactor();
    }
  });

  it('a crash between the snapshot write and the trim neither loses nor duplicates anything', async () => {
    const expected = await editThroughServer(env, 4, 200);
    await openCompactor();
    try {
      const pending = await storage.log.length(BOARD);
      expect(pending).toBeGreaterThanOrEqual(200);
      sut.afterSnapshotHook = () => {
        throw new Error('crash after the snapshot commit');
      };
      await expect(sut.compact(BOARD, { force: true })).rejects.toThrow('crash after the snapshot commit');
      sut.afterSnapshotHook = undefined;

      // The snapshot is written, the log untrimmed; a load reads no entry twice.
      expect(await storage.log.length(BOARD)).toBe(pending);
      const afterCrash = await loadFromStorage();
      expect(afterCrash.tail).toBe(0);
      expect(fingerprint(afterCrash.doc)).toEqual(expected);

      // The next compaction finds nothing new to merge and trims what the crash left.
      const next = await sut.compact(BOARD, { force: true });
      expect(next.compacted).toBe(false);
      expect(next.trimmed).toBe(pending);
      expect(await storage.log.length(BOARD)).toBe(0);
      expect(fingerprint((await loadFromStorage()).doc)).toEqual(expected);
    } finally {
      await closeCompactor();
    }

    const server = await startServer({ DEMO: '1', ...env });
    try {
      const loaded = await loadFresh(server.url, BOARD, await login(server.url, 'youth', 'demo12345'));
      expect(fingerprint(loaded)).toEqual(expected);
    } finally {
      await server.stop();
    }
  });

  it('does not write over a newer snapshot', async () => {
    await openCompactor();
    try {
      const current = await snapshots.get(BOARD);
      const older = { state: new Uint8Array([0, 0]), logId: ZERO_LOG_ID };
      expect(await snapshots.save(BOARD, older, 0)).toBe(false);
      expect(await snapshots.get(BOARD)).toEqual(current);
    } finally {
      await closeCompactor();
    }
  });
});
