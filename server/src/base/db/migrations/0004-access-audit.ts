import { Kysely, sql } from 'kysely';

/**
 * Board membership by organization, the audit trail of accepted updates, and the audit facts
 * each entry of the embedded update log carries (Redis stream entries carry them as a field).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('board_org_members')
    .addColumn('board_id', 'text', (c) => c.notNull().references('boards.id').onDelete('cascade'))
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('coordinator', 'editor', 'viewer')`))
    .addPrimaryKeyConstraint('board_org_members_pk', ['board_id', 'org_id'])
    .execute();
  await db.schema.createIndex('board_org_members_org_idx').on('board_org_members').column('org_id').execute();

  // Append-only: one row per accepted update, keyed by its log id so writing it twice is harmless.
  await db.schema
    .createTable('audit_log')
    .addColumn('board_id', 'text', (c) => c.notNull().references('boards.id').onDelete('cascade'))
    .addColumn('log_ms', 'bigint', (c) => c.notNull())
    .addColumn('log_seq', 'bigint', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text')
    .addColumn('project_ids', sql`text[]`, (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('changes', 'jsonb', (c) => c.notNull())
    .addColumn('bytes', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('audit_log_pk', ['board_id', 'log_ms', 'log_seq'])
    .execute();
  await db.schema.createIndex('audit_log_board_at_idx').on('audit_log').columns(['board_id', 'at']).execute();
  await db.schema.createIndex('audit_log_user_at_idx').on('audit_log').columns(['user_id', 'at']).execute();
  await sql`create index audit_log_projects_idx on audit_log using gin (project_ids)`.execute(db);

  await db.schema.alterTable('update_log').addColumn('audit', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('update_log').dropColumn('audit').execute();
  await db.schema.dropTable('audit_log').execute();
  await db.schema.dropTable('board_org_members').execute();
}
