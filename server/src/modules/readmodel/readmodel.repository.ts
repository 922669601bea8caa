import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { DB, Db } from '../../base/db';
import type { LogId } from '../../base/storage';
import type { ReadModelRows } from './project-board';

/** What a board's rows were projected from. */
export interface ProjectionSource {
  /** The last update-log entry applied to the document. */
  logId: LogId;
  /** `Y.encodeStateVector` of the document. */
  stateVector: Uint8Array;
}

export interface StoredProjection {
  rows: ReadModelRows;
  source: ProjectionSource;
  projectedAt: Date;
}

/** The tables below rm_projects (each row belongs to a project). */
const CHILD_TABLES = [
  'rm_partner_orgs',
  'rm_checklist_items',
  'rm_funding',
  'rm_expenses',
  'rm_ledger_entries',
  'rm_indicators',
  'rm_scores',
] as const;

/** Rows per INSERT: PostgreSQL takes at most 65 535 parameters a statement, and the widest table has 27 columns. */
const ROWS_PER_INSERT = 500;

@Injectable()
export class ReadModelRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  /**
   * Replaces every row of the board in one transaction, unless what is stored was projected from
   * a later log entry, or from this same state on the same day (then nothing changes and it
   * returns false). With `force`, rewrites the same state too (reproject). Writing the board row
   * first locks it, so two projections of one board take turns.
   */
  async replaceBoard(
    rows: ReadModelRows,
    source: ProjectionSource,
    options: { force?: boolean } = {},
  ): Promise<boolean> {
    const boardId = rows.board.board_id;
    const { ms, seq } = source.logId;
    const stored = sql`(rm_boards.log_ms, rm_boards.log_seq)`;
    const ours = sql`(${ms}::bigint, ${seq}::bigint)`;
    const newer = options.force
      ? sql<boolean>`${stored} <= ${ours}`
      : sql<boolean>`${stored} < ${ours} or (${stored} = ${ours} and (rm_boards.state_vector <> ${source.stateVector} or rm_boards.as_of <> ${rows.board.as_of}::date))`;
    const board = { ...rows.board, log_ms: ms, log_seq: seq, state_vector: source.stateVector };
    return this.db.transaction().execute(async (trx) => {
      const result = await trx
        .insertInto('rm_boards')
        .values(board)
        .onConflict((oc) =>
          oc
            .column('board_id')
            .doUpdateSet({ ...board, projected_at: sql`now()` })
            .where(newer),
        )
        .executeTakeFirst();
      if (Number(result.numInsertedOrUpdatedRows ?? 0) === 0) return false;
      for (const table of CHILD_TABLES) await trx.deleteFrom(table).where('board_id', '=', boardId).execute();
      await trx.deleteFrom('rm_projects').where('board_id', '=', boardId).execute();
      await inChunks(rows.projects, (batch) => trx.insertInto('rm_projects').values(batch).execute());
      await inChunks(rows.partnerOrgs, (batch) => trx.insertInto('rm_partner_orgs').values(batch).execute());
      await inChunks(rows.checklistItems, (batch) => trx.insertInto('rm_checklist_items').values(batch).execute());
      await inChunks(rows.funding, (batch) => trx.insertInto('rm_funding').values(batch).execute());
      await inChunks(rows.expenses, (batch) => trx.insertInto('rm_expenses').values(batch).execute());
      await inChunks(rows.ledgerEntries, (batch) => trx.insertInto('rm_ledger_entries').values(batch).execute());
      await inChunks(rows.indicators, (batch) => trx.insertInto('rm_indicators').values(batch).execute());
      await inChunks(rows.scores, (batch) => trx.insertInto('rm_scores').values(batch).execute());
      return true;
    });
  }

  /** The board's stored rows, each table in primary-key order, shaped as `boardRows` makes them; null when it has none. */
  async readBoard(boardId: string): Promise<StoredProjection | null> {
    const board = await this.db.selectFrom('rm_boards').selectAll().where('board_id', '=', boardId).executeTakeFirst();
    if (!board) return null;
    const { log_ms, log_seq, state_vector, projected_at, ...boardRow } = board;
    const projects = await this.db
      .selectFrom('rm_projects')
      .selectAll()
      .where('board_id', '=', boardId)
      .orderBy('project_id')
      .execute();
    return {
      rows: {
        board: boardRow,
        projects: projects.map(({ projected_at: _projectedAt, created_at, ...project }) => ({
          ...project,
          created_at: created_at === null ? null : new Date(created_at).toISOString(),
        })),
        partnerOrgs: await this.db
          .selectFrom('rm_partner_orgs')
          .selectAll()
          .where('board_id', '=', boardId)

          .orderBy('project_id')
          .orderBy('role')
          .orderBy('org_id')
          .execute(),
        checklistItems: await this.db
          .selectFrom('rm_checklist_items')
          .selectAll()
          .where('board_id', '=', boardId)

          .orderBy('project_id')
          .orderBy('item_id')
          .execute(),
        funding: await this.db
          .selectFrom('rm_funding')
          .selectAll()
          .where('board_id', '=', boardId)

          .orderBy('project_id')
          .orderBy('org_id')
          .execute(),
        expenses: await this.db
          .selectFrom('rm_expenses')
          .selectAll()
          .where('board_id', '=', boardId)

          .orderBy('project_id')
          .orderBy('expense_id')
          .execute(),
        ledgerEntries: await this.db
          .selectFrom('rm_ledger_entries')
          .selectAll()
          .where('board_id', '=', boardId)

          .orderBy('project_id')
          .orderBy('entry_id')
          .execute(),
        indicators: await this.db
          .selectFrom('rm_indicators')
          .selectAll()
          .where('board_id', '=', boardId)

          .orderBy('project_id')
          .orderBy('indicator_id')
          .execute(),
        scores: await this.db
          .selectFrom('rm_scores')
          .selectAll()
          .where('board_id', '=', boardId)

          .orderBy('project_id')
          .orderBy('scorer_org_id')
          .orderBy('criterion_id')
          .execute(),
      },
      source: { logId: { ms: log_ms, seq: log_seq }, stateVector: new Uint8Array(state_vector) },
      projectedAt: projected_at,
    };
  }

  /** Boards in storage that have no read-model rows (seeded, or stored before the read model existed), by id. */
  async unprojectedBoardIds(): Promise<string[]> {
    const rows = await this.db
      .selectFrom('boards')
      .leftJoin('rm_boards', 'rm_boards.board_id', 'boards.id')
      .select('boards.id')
      .where('rm_boards.board_id', 'is', null)
      .orderBy('boards.id')
      .execute();
    return rows.map((row) => row.id);
  }

  /** Every board in storage (the `boards` table), by id. */
  async boardIds(): Promise<string[]> {
    const rows = await this.db.selectFrom('boards').select('id').orderBy('id').execute();
    return rows.map((row) => row.id);
  }
}

async function inChunks<T>(rows: T[], insert: (batch: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) await insert(rows.slice(i, i + ROWS_PER_INSERT));
}
