import { Kysely, sql } from 'kysely';

/**
 * The read model (DESIGN.md §4): relational rows that the projector derives from each board's
 * document, for ledger tables, dashboards and exports. Every row can be rebuilt from the stored
 * boards (`npm run reproject`). A board's rows hang off its `rm_boards` row, and that row off
 * `boards`, so that deleting a board deletes its rows. Money is fen in bigint; dates the document
 * keeps as `YYYY-MM-DD` are `date`; each row carries the board's region so that dashboards filter
 * by region without a join.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('rm_boards')
    .addColumn('board_id', 'text', (c) => c.primaryKey().references('boards.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('region_id', 'text')
    .addColumn('year', 'integer')
    .addColumn('schema_version', 'integer', (c) => c.notNull())
    .addColumn('project_count', 'integer', (c) => c.notNull())
    // The day (Asia/Shanghai) that overdue figures were counted for.
    .addColumn('as_of', 'date', (c) => c.notNull())
    // What the rows were projected from: the last update-log entry applied, and the state vector.
    .addColumn('log_ms', 'bigint', (c) => c.notNull())
    .addColumn('log_seq', 'bigint', (c) => c.notNull())
    .addColumn('state_vector', 'bytea', (c) => c.notNull())
    .addColumn('projected_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('rm_boards_region_idx').on('rm_boards').column('region_id').execute();

  await db.schema
    .createTable('rm_projects')
    .addColumn('board_id', 'text', (c) => c.notNull().references('rm_boards.board_id').onDelete('cascade'))
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('region_id', 'text')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('brand_activity', 'text')
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('rank', 'text', (c) => c.notNull())
    .addColumn('lead_org_id', 'text', (c) => c.notNull())
    .addColumn('start_date', 'date')
    .addColumn('end_date', 'date')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz')
    .addColumn('linkages', sql`text[]`, (c) => c.notNull())
    .addColumn('venue_ids', sql`text[]`, (c) => c.notNull())
    .addColumn('planned_fen', 'bigint', (c) => c.notNull())
    .addColumn('spent_fen', 'bigint', (c) => c.notNull())
    .addColumn('checklist_total', 'integer', (c) => c.notNull())
    .addColumn('checklist_done', 'integer', (c) => c.notNull())
    .addColumn('checklist_waived', 'integer', (c) => c.notNull())
    .addColumn('checklist_overdue', 'integer', (c) => c.notNull())
    .addColumn('indicator_attainment', 'double precision')
    .addColumn('evaluation_score', 'double precision')
    .addColumn('evaluation_scorers', 'integer', (c) => c.notNull())
    .addColumn('projected_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('rm_projects_pk', ['board_id', 'project_id'])
    .execute();
  await db.schema.createIndex('rm_projects_region_idx').on('rm_projects').columns(['region_id', 'stage']).execute();
  await db.schema.createIndex('rm_projects_lead_org_idx').on('rm_projects').column('lead_org_id').execute();

  const projectKey: ['board_id', 'project_id'] = ['board_id', 'project_id'];
  const child = (table: string) =>
    db.schema
      .createTable(table)
      .addColumn('board_id', 'text', (c) => c.notNull())
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('region_id', 'text')
      .addForeignKeyConstraint(`${table}_project_fk`, projectKey, 'rm_projects', projectKey, (fk) =>
        fk.onDelete('cascade'),
      );

  await child('rm_partner_orgs')
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('partner', 'reviewer')`))
    // The org's weighted evaluation total, once it has scored every criterion.
    .addColumn('score_total', 'double precision')
    .addPrimaryKeyConstraint('rm_partner_orgs_pk', ['board_id', 'project_id', 'role', 'org_id'])
    .execute();
  await db.schema.createIndex('rm_partner_orgs_org_idx').on('rm_partner_orgs').column('org_id').execute();

  await child('rm_checklist_items')
    .addColumn('item_id', 'text', (c) => c.notNull())
    .addColumn('rank', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text')
    .addColumn('assignee', 'text', (c) => c.notNull())
    .addColumn('due', 'date')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('todo', 'doing', 'done', 'waived')`))
    .addColumn('waive_reason', 'text', (c) => c.notNull())
    .addColumn('evidence', 'text', (c) => c.notNull())
    .addColumn('overdue', 'boolean', (c) => c.notNull())
    .addPrimaryKeyConstraint('rm_checklist_items_pk', ['board_id', 'project_id', 'item_id'])
    .execute();
  await db.schema
    .createIndex('rm_checklist_items_org_idx')
    .on('rm_checklist_items')
    .columns(['org_id', 'due'])
    .execute();
  await db.schema
    .createIndex('rm_checklist_items_region_idx')
    .on('rm_checklist_items')
    .columns(['region_id', 'due'])
    .execute();

  await child('rm_funding')
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('planned_fen', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('rm_funding_pk', ['board_id', 'project_id', 'org_id'])
    .execute();
  await db.schema.createIndex('rm_funding_org_idx').on('rm_funding').column('org_id').execute();
  await db.schema.createIndex('rm_funding_region_idx').on('rm_funding').column('region_id').execute();

  await child('rm_expenses')
    .addColumn('expense_id', 'text', (c) => c.notNull())
    .addColumn('date', 'date')
    .addColumn('amount_fen', 'bigint', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('voucher_no', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('rm_expenses_pk', ['board_id', 'project_id', 'expense_id'])
    .execute();
  await db.schema.createIndex('rm_expenses_org_idx').on('rm_expenses').columns(['org_id', 'date']).execute();
  await db.schema.createIndex('rm_expenses_region_idx').on('rm_expenses').columns(['region_id', 'date']).execute();

  await child('rm_ledger_entries')
    .addColumn('entry_id', 'text', (c) => c.notNull())
    .addColumn('date', 'date')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('venue_id', 'text')
    .addColumn('participants', 'integer', (c) => c.notNull())
    .addColumn('org_ids', sql`text[]`, (c) => c.notNull())
    .addColumn('attachments', sql`text[]`, (c) => c.notNull())
    .addColumn('notes', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('rm_ledger_entries_pk', ['board_id', 'project_id', 'entry_id'])
    .execute();
  // "Which entries involve this org": org_ids @> array['org'].
  await db.schema
    .createIndex('rm_ledger_entries_orgs_idx')
    .on('rm_ledger_entries')
    .using('gin')
    .column('org_ids')
    .execute();
  await db.schema
    .createIndex('rm_ledger_entries_region_idx')
    .on('rm_ledger_entries')
    .columns(['region_id', 'date'])
    .execute();
  await db.schema.createIndex('rm_ledger_entries_venue_idx').on('rm_ledger_entries').column('venue_id').execute();

  await child('rm_indicators')
    .addColumn('indicator_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('target', 'double precision', (c) => c.notNull())
    .addColumn('actual', 'double precision')
    // actual / target, uncapped; null without an actual or with a zero target.
    .addColumn('ratio', 'double precision')
    .addPrimaryKeyConstraint('rm_indicators_pk', ['board_id', 'project_id', 'indicator_id'])
    .execute();

  await child('rm_scores')
    .addColumn('scorer_org_id', 'text', (c) => c.notNull())
    .addColumn('criterion_id', 'text', (c) => c.notNull())
    .addColumn('score', 'double precision', (c) => c.notNull())
    .addPrimaryKeyConstraint('rm_scores_pk', ['board_id', 'project_id', 'scorer_org_id', 'criterion_id'])
    .execute();
  await db.schema.createIndex('rm_scores_scorer_idx').on('rm_scores').column('scorer_org_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'rm_scores',
    'rm_indicators',
    'rm_ledger_entries',
    'rm_expenses',
    'rm_funding',
    'rm_checklist_items',
    'rm_partner_orgs',
    'rm_projects',
    'rm_boards',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
