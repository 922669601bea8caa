import pino from 'pino';
import { Db, migrateToLatest, openDatabase } from '../../server/src/base/db';
import { AuditRepository, AuditRow } from '../../server/src/modules/audit';
import { createTestDatabase, TestDatabase } from '../support/postgres';

/**
 * Compaction writes the audit rows of every entry it merges in one call: a board with 10,000
 * pending updates must not hit PostgreSQL's 65,535 parameters per statement (found by the S5
 * benchmark: compaction failed for good past ~6,500 entries).
 */
describe('audit rows in bulk (PostgreSQL)', () => {
  let database: TestDatabase;
  let db: Db;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = (await openDatabase({ databaseUrl: database.url, dataDir: '' })).db;
    await migrateToLatest(db, pino({ level: 'silent' }));
    await db.insertInto('boards').values({ id: 'bulk', title: 'bulk', created_by: null }).execute();
  });

  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('writes 10,000 rows in one call, in one transaction, and a second call writes nothing twice', async () => {
    const repository = new AuditRepository(db);
    const rows: AuditRow[] = Array.from({ length: 10_000 }, (_, i) => ({
      boardId: 'bulk',
      logId: { ms: 1_700_000_000_000 + i, seq: 0 },
      bytes: 10,
      facts: {
        userId: 'u',
        orgId: null,
        at: new Date(1_700_000_000_000 + i).toISOString(),
        projectIds: ['p1'],
        summary: `第 ${i} 次`,
        changes: [],
      },
    }));
    await db.transaction().execute((trx) => repository.insert(rows, trx));
    await repository.insert(rows.slice(0, 2_000));
    expect(await repository.count('bulk')).toBe(10_000);
  }, 60_000);
});
