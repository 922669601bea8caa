import { Kysely, sql } from 'kysely';

/**
 * Sign-in throttling (docs/security.md), in the database so that every instance counts the same
 * failures (embedded mode has no Redis). One row per username (`scope = 'user'`) and per client
 * address (`scope = 'ip'`): failures within the current window, and a lock once they reach the
 * limit. A successful sign-in deletes the username's row; old rows are swept.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('login_failures')
    .addColumn('scope', 'text', (c) => c.notNull().check(sql`scope in ('user', 'ip')`))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('window_started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('locked_until', 'timestamptz')
    .addPrimaryKeyConstraint('login_failures_pk', ['scope', 'key'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('login_failures').execute();
}
