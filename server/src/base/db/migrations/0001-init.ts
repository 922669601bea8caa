import { Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('is_admin', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('disabled', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_user_id_idx').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('boards')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('board_members')
    .addColumn('board_id', 'text', (c) => c.notNull().references('boards.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) =>
      c.notNull().check(sql`role in ('coordinator', 'editor', 'viewer')`),
    )
    .addPrimaryKeyConstraint('board_members_pk', ['board_id', 'user_id'])
    .execute();
  await db.schema.createIndex('board_members_user_idx').on('board_members').column('user_id').execute();

  await db.schema
    .createTable('board_snapshots')
    .addColumn('board_id', 'text', (c) => c.primaryKey().references('boards.id').onDelete('cascade'))
    .addColumn('state', 'bytea', (c) => c.notNull())
    .addColumn('state_sha256', 'text', (c) => c.notNull())
    .addColumn('log_ms', 'bigint', (c) => c.notNull())
    .addColumn('log_seq', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('board_history')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('board_id', 'text', (c) => c.notNull().references('boards.id').onDelete('cascade'))
    .addColumn('state', 'bytea', (c) => c.notNull())
    .addColumn('log_ms', 'bigint', (c) => c.notNull())
    .addColumn('log_seq', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('board_history_board_idx')
    .on('board_history')
    .columns(['board_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('update_log')
    .addColumn('seq', 'bigserial', (c) => c.primaryKey())
    .addColumn('board_id', 'text', (c) => c.notNull().references('boards.id').onDelete('cascade'))
    .addColumn('data', 'bytea', (c) => c.notNull())
    .addColumn('origin', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('update_log_board_idx').on('update_log').columns(['board_id', 'seq']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['update_log', 'board_history', 'board_snapshots', 'board_members', 'boards', 'sessions', 'users']) {
    await db.schema.dropTable(table).execute();
  }
}
