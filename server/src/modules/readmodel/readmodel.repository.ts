import { Inject, Injectable } from '@nestjs/common';
import { sql, type Transaction } from 'kysely';
import { DB, Db, type Database } from '../../base/db';
import type { LogId } from '../../base/storage';
import type { BoardRow, ProjectRows, ReadModelRows } from './project-board';

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
  /** The projection that wrote the rows (see replaceProjects); null from storage. */
  projectionId: string | null;
  projectedAt: Date;
}

/** What a board's stored rows were projected from, and by which projection. */
export interface StoredSource extends ProjectionSource {
  asOf: string;
  projectionId: string | null;
  /** How long ago they were written, by the database's clock. */
  ageMs: number;
}

/** The rows of some projects of a board, and the board row that goes with them. */
export interface ProjectsChange {
  board: BoardRow;
  /** Every project whose rows are dropped first: those rewritten and those gone from the document. */
  projectIds: string[];
  rows: ProjectRows;
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

type RowTable = 'rm_projects' | (typeof CHILD_TABLES)[number];

/** Each table of ProjectRows, in an order that inserts a project before the rows below it. */
const ROW_TABLES: [keyof ProjectRows, RowTable][] = [
  ['projects', 'rm_projects'],
  ['partnerOrgs', 'rm_partner_orgs'],
  ['checklistItems', 'rm_checklist_items'],
  ['funding', 'rm_funding'],
  ['expenses', 'rm_expenses'],
  ['ledgerEntries', 'rm_ledger_entries'],
  ['indicators', 'rm_indicators'],
  ['scores', 'rm_scores'],
];

/**
 * Rows per INSERT. Rows travel as one JSON parameter per statement (no parameter limit), so this
 * only bounds how long building one statement's JSON holds the event loop: ≈ 6 ms for 2,000
 * checklist rows (15 ms for 5,000), and the loop turns between statements.
 */
const ROWS_PER_INSERT = 2000;

@Injectable()
export class ReadModelRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  /**
   * Replaces every row of the board in one transaction, unless what is stored was projected from
   * a later log entry, or from this same state on the same day (then nothing changes and it
   * returns false). With `force`, rewrites the same state too (reproject). Writing the board row
   * first locks it, so two projections of one board take turns. `projectionId` names this write
   * (see replaceProjects).
   */
  async replaceBoard(
    rows: ReadModelRows,
    source: ProjectionSource,
    options: { force?: boolean; projectionId?: string | null } = {},
  ): Promise<boolean> {
    const boardId = rows.board.board_id;
    const { ms, seq } = source.logId;
    const stored = sql`(rm_boards.log_ms, rm_boards.log_seq)`;
    const ours = sql`(${ms}::bigint, ${seq}::bigint)`;
    const newer = options.force
      ? sql<boolean>`${stored} <= ${ours}`
      : sql<boolean>`${stored} < ${ours} or (${stored} = ${ours} and (rm_boards.state_vector <> ${source.stateVector} or rm_boards.as_of <> ${rows.board.as_of}::date))`;
    const board = {
      ...rows.board,
      log_ms: ms,
      log_seq: seq,
      state_vector: source.stateVector,
      projection_id: options.projectionId ?? null,
    };
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
      await insertRows(trx, rows);
      return true;
    });
  }

  /**
   * Rewrites the rows of some projects and the board row, in one transaction, but only while the
   * board's rows are still those that projection `after` wrote, projected from this source's log
   * entry or an earlier one, on the same day: then the other projects' rows are known, and
   * writing these makes the whole the rows of this state. Returns false, writing nothing,
   * otherwise (another writer came between; project the whole board instead). Updating the
   * board row first locks it, as in replaceBoard.
   */
  async replaceProjects(
    change: ProjectsChange,
    source: ProjectionSource,
    options: { after: string; projectionId: string },
  ): Promise<boolean> {
    const boardId = change.board.board_id;
    const { ms, seq } = source.logId;
    return this.db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('rm_boards')
        .set({
          ...change.board,
          log_ms: ms,
          log_seq: seq,
          state_vector: source.stateVector,
          projection_id: options.projectionId,
          projected_at: sql`now()`,
        })
        .where('board_id', '=', boardId)
        .where('projection_id', '=', options.after)
        .where('as_of', '=', change.board.as_of)
        .where(sql<boolean>`(log_ms, log_seq) <= (${ms}::bigint, ${seq}::bigint)`)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) return false;
      if (change.projectIds.length > 0) {
        // The rows below each project go with it (foreign keys cascade).
        await trx
          .deleteFrom('rm_projects')
          .where('board_id', '=', boardId)
          .where(
            'project_id',
            'in',
            sql<string>`(select json_array_elements_text(${JSON.stringify(change.projectIds)}::json))`,
          )
          .execute();
      }
      await insertRows(trx, change.rows);
      return true;
    });
  }

  /** What the board's rows were projected from, or null when it has none. */
  async storedSource(boardId: string): Promise<StoredSource | null> {
    const row = await this.db
      .selectFrom('rm_boards')
      .select([
        'log_ms',
        'log_seq',
        'state_vector',
        'as_of',
        'projection_id',
        sql<number>`extract(epoch from (now() - projected_at)) * 1000`.as('age_ms'),
      ])
      .where('board_id', '=', boardId)
      .executeTakeFirst();
    if (!row) return null;
    return {
      logId: { ms: row.log_ms, seq: row.log_seq },
      stateVector: new Uint8Array(row.state_vector),
      asOf: row.as_of,
      projectionId: row.projection_id,
      ageMs: Number(row.age_ms),
    };
  }

  /** The board's stored rows, each table in primary-key order, shaped as `boardRows` makes them; null when it has none. */
  async readBoard(boardId: string): Promise<StoredProjection | null> {
    const board = await this.db.selectFrom('rm_boards').selectAll().where('board_id', '=', boardId).executeTakeFirst();
    if (!board) return null;
    const { log_ms, log_seq, state_vector, projection_id, projected_at, ...boardRow } = board;
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
      projectionId: projection_id,
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

/**
 * Inserts each table's rows with as few statements as it can: the rows as one JSON parameter,
 * turned into records by the database (`json_populate_recordset`), ROWS_PER_INSERT at a time.
 */
async function insertRows(trx: Transaction<Database>, rows: ProjectRows): Promise<void> {
  for (const [name, table] of ROW_TABLES) {
    const tableRows: object[] = rows[name];
    for (let i = 0; i < tableRows.length; i += ROWS_PER_INSERT) {
      const batch = tableRows.slice(i, i + ROWS_PER_INSERT);
      const columns = sql.join(Object.keys(batch[0]).map((column) => sql.ref(column)));
      await sql`insert into ${sql.table(table)} (${columns})
        select ${columns} from json_populate_recordset(null::${sql.table(table)}, ${JSON.stringify(batch)}::json)`.execute(
        trx,
      );
    }
  }
}
