import pino from 'pino';
import { randomBytes } from 'node:crypto';
import { Db, migrateToLatest, openDatabase } from '../../server/src/base/db';
import {
  CorruptSnapshotError,
  SNAPSHOT_CHUNK_BYTES,
  snapshotChecksum,
  SnapshotRepository,
} from '../../server/src/modules/sync';
import { createTestDatabase, TestDatabase } from '../support/postgres';
import { tempDataDir } from '../support/server-process';

interface Mode {
  name: string;
  open(): Promise<{ db: Db; close(): Promise<void> }>;
}

const modes: Mode[] = [
  {
    name: 'PostgreSQL',
    open: async () => {
      const database: TestDatabase = await createTestDatabase();
      const { db } = await openDatabase({ databaseUrl: database.url, dataDir: '' });
      return { db, close: async () => (await db.destroy(), await database.drop()) };
    },
  },
  {
    name: 'PGlite',
    open: async () => {
      const data = tempDataDir();
      const { db } = await openDatabase({ databaseUrl: undefined, dataDir: data.dir });
      return { db, close: async () => (await db.destroy(), data.remove()) };
    },
  },
];

/** Big snapshots are read in chunks (the event loop free in between), checked against their checksum. */
describe.each(modes)('snapshot reads ($name)', (mode) => {
  let db: Db;
  let close: () => Promise<void>;
  let sut: SnapshotRepository;

  beforeAll(async () => {
    ({ db, close } = await mode.open());
    await migrateToLatest(db, pino({ level: 'silent' }));
    for (const id of ['small', 'big', 'exact', 'bad', 'cached', 'history']) {
      await db.insertInto('boards').values({ id, title: id, created_by: null }).execute();
    }
    // No cache: every read below goes to the database.
    sut = new SnapshotRepository(db, 0);
  }, 60_000);
  afterAll(() => close());

  it.each([
    ['small', 1000],
    ['exact', SNAPSHOT_CHUNK_BYTES],
    ['big', 3 * SNAPSHOT_CHUNK_BYTES + 12345],
  ])(
    'reads back a %s snapshot byte for byte',
    async (id, size) => {
      const state = randomBytes(size);
      expect(await sut.save(id, { state, logId: { ms: 5, seq: 1 } }, 0)).toBe(true);
      const read = await sut.get(id);
      expect(read?.logId).toEqual({ ms: 5, seq: 1 });
      expect(read?.sha256).toBe(snapshotChecksum(state));
      expect(Buffer.from(read!.state).equals(state)).toBe(true);
    },
    60_000,
  );

  it('reads a snapshot replaced after it was read, not a mix of both', async () => {
    const first = randomBytes(2 * SNAPSHOT_CHUNK_BYTES + 7);
    await sut.save('big', { state: first, logId: { ms: 10, seq: 0 } }, 0);
    const reading = sut.get('big');
    const second = randomBytes(2 * SNAPSHOT_CHUNK_BYTES + 9);
    await sut.save('big', { state: second, logId: { ms: 11, seq: 0 } }, 0);
    const read = await reading;
    const expected = read?.logId.ms === 10 ? first : second;
    expect(Buffer.from(read!.state).equals(expected)).toBe(true);
    expect(read?.sha256).toBe(snapshotChecksum(expected));
  }, 60_000);

  it('refuses a big snapshot that does not match its checksum', async () => {
    await sut.save('bad', { state: randomBytes(2 * SNAPSHOT_CHUNK_BYTES), logId: { ms: 5, seq: 0 } }, 0);
    await db
      .updateTable('board_snapshots')
      .set({ state_sha256: 'f'.repeat(64) })
      .where('board_id', '=', 'bad')
      .execute();
    await expect(sut.get('bad')).rejects.toBeInstanceOf(CorruptSnapshotError);
  });

  it('uses again the big state it wrote or read while the stored checksum is its own', async () => {
    const cached = new SnapshotRepository(db, 16 * SNAPSHOT_CHUNK_BYTES);
    const other = new SnapshotRepository(db, 0);
    const mine = randomBytes(2 * SNAPSHOT_CHUNK_BYTES + 3);
    expect(await cached.save('cached', { state: mine, logId: { ms: 5, seq: 0 } }, 0)).toBe(true);
    // The stored bytes damaged behind its back (checksum unchanged): a read from the database
    // would refuse them, so getting the good state back shows it was not read again.
    await db
      .updateTable('board_snapshots')
      .set({ state: randomBytes(2 * SNAPSHOT_CHUNK_BYTES + 3) })
      .where('board_id', '=', 'cached')
      .execute();
    await expect(other.get('cached')).rejects.toBeInstanceOf(CorruptSnapshotError);
    const read = await cached.get('cached');
    expect(Buffer.from(read!.state).equals(mine)).toBe(true);
    expect(read?.sha256).toBe(snapshotChecksum(mine));
    // Replaced by another instance: the new one is read from the database, and kept.
    const theirs = randomBytes(2 * SNAPSHOT_CHUNK_BYTES + 5);
    expect(await other.save('cached', { state: theirs, logId: { ms: 6, seq: 0 } }, 0)).toBe(true);
    const after = await cached.get('cached');
    expect(after?.logId).toEqual({ ms: 6, seq: 0 });
    expect(Buffer.from(after!.state).equals(theirs)).toBe(true);
    expect((await cached.get('cached'))?.state).toBe(after?.state);
  }, 60_000);

  it('keeps exactly what was saved in a replaced snapshot and its history rows, and an older save changes neither', async () => {
    const first = randomBytes(SNAPSHOT_CHUNK_BYTES + 7);
    const second = randomBytes(SNAPSHOT_CHUNK_BYTES + 9);
    expect(await sut.save('history', { state: first, logId: { ms: 7, seq: 0 } }, 0)).toBe(true);
    expect(await sut.save('history', { state: second, logId: { ms: 8, seq: 1 } }, 0)).toBe(true);
    const stored = await sut.get('history');
    expect(Buffer.from(stored!.state).equals(second)).toBe(true);
    expect(stored?.logId).toEqual({ ms: 8, seq: 1 });
    const history = await db
      .selectFrom('board_history')
      .select(['state', 'log_ms', 'log_seq'])
      .where('board_id', '=', 'history')
      .orderBy('log_ms')
      .execute();
    expect(history.map((row) => [Number(row.log_ms), Number(row.log_seq)])).toEqual([
      [7, 0],
      [8, 1],
    ]);
    expect(Buffer.from(history[0].state).equals(first)).toBe(true);
    expect(Buffer.from(history[1].state).equals(second)).toBe(true);
    // An older one is not written over the newer, nor kept in the history.
    expect(await sut.save('history', { state: first, logId: { ms: 6, seq: 0 } }, 0)).toBe(false);
    expect(Buffer.from((await sut.get('history'))!.state).equals(second)).toBe(true);
    expect(
      await db.selectFrom('board_history').where('board_id', '=', 'history').select('log_ms').execute(),
    ).toHaveLength(2);
  }, 60_000);

  it('has nothing for a board without a snapshot', async () => {
    await db.insertInto('boards').values({ id: 'none', title: 'none', created_by: null }).execute();
    expect(await sut.get('none')).toBeNull();
  });
});
