import {
  type BoardData,
  type BoardMetaData,
  compareRanked,
  isoDateSchema,
  isoDateTimeSchema,
  type ProjectData,
  projectSummary,
  readBoard,
} from '@gongjian/shared';
import type { Insertable } from 'kysely';
import * as Y from 'yjs';
import type {
  RmBoardsTable,
  RmChecklistItemsTable,
  RmExpensesTable,
  RmFundingTable,
  RmIndicatorsTable,
  RmLedgerEntriesTable,
  RmPartnerOrgsTable,
  RmProjectsTable,
  RmScoresTable,
} from '../../base/db';

/** A row as the projector writes it: every column given, apart from what the database sets. */
type Row<Table> = Required<Omit<Insertable<Table>, 'projected_at'>>;

/** The board's own row, without where it was projected from and by which projection (the repository adds that). */
export type BoardRow = Omit<Row<RmBoardsTable>, 'log_ms' | 'log_seq' | 'state_vector' | 'projection_id'>;
export type ProjectRow = Row<RmProjectsTable>;
export type PartnerOrgRow = Row<RmPartnerOrgsTable>;
export type ChecklistItemRow = Row<RmChecklistItemsTable>;
export type FundingRow = Row<RmFundingTable>;
export type ExpenseRow = Row<RmExpensesTable>;
export type LedgerEntryRow = Row<RmLedgerEntriesTable>;
export type IndicatorRow = Row<RmIndicatorsTable>;
export type ScoreRow = Row<RmScoresTable>;

/** Every read-model row of one board. */
export interface ReadModelRows {
  board: BoardRow;
  projects: ProjectRow[];
  partnerOrgs: PartnerOrgRow[];
  checklistItems: ChecklistItemRow[];
  funding: FundingRow[];
  expenses: ExpenseRow[];
  ledgerEntries: LedgerEntryRow[];
  indicators: IndicatorRow[];
  scores: ScoreRow[];
}

const shanghaiDate = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** Today's date (`YYYY-MM-DD`) in Asia/Shanghai, where the boards' people live (DESIGN.md §2). */
export function todayInShanghai(now: Date): string {
  // One formatter for the process: building one costs far more than formatting with it.
  return shanghaiDate.format(now);
}

/** `today` as the `as_of` date of a projection; throws unless it starts with a date. */
export function asOfDate(today: string): string {
  const asOf = dateOrNull(today.slice(0, 10));
  if (asOf === null) throw new Error(`today must be a date (YYYY-MM-DD), not ${today}`);
  return asOf;
}

/** Read-model rows with no board row yet: what `addProjectRows` fills. */
export type ProjectRows = Omit<ReadModelRows, 'board'>;

export function emptyProjectRows(): ProjectRows {
  return {
    projects: [],
    partnerOrgs: [],
    checklistItems: [],
    funding: [],
    expenses: [],
    ledgerEntries: [],
    indicators: [],
    scores: [],
  };
}

/** The board's own row; `projectCount` is the number of projects whose rows go with it. */
export function boardRow(boardId: string, meta: BoardMetaData, asOf: string, projectCount: number): BoardRow {
  return {
    board_id: boardId,
    title: text(meta.title),
    region_id: meta.regionId,
    year: meta.year,
    schema_version: meta.schemaVersion,
    project_count: projectCount,
    as_of: asOf,
  };
}

/**
 * A board's read-model rows: what its document says, flattened into the tables of migration 0003,
 * with the figures of `projectSummary` (shared/src/board/derived.ts) on each project, so that the
 * read model and the client never disagree about a number. Overdue figures count as of `today`.
 *
 * Pure, and total on any document: it reads through the shared readers (which never throw),
 * keeps the first of entries that claim the same id, reads a date or time the database would
 * refuse as null, and drops what PostgreSQL text cannot hold (NUL, lone surrogates).
 */
export function boardRows(boardId: string, source: Y.Doc | BoardData, today: string): ReadModelRows {
  const asOf = asOfDate(today);
  const board = source instanceof Y.Doc ? readBoard(source) : source;
  const projects = uniqueProjects(board.projects);
  const rows = emptyProjectRows();
  for (const project of projects) addProjectRows(rows, boardId, board.meta, asOf, project);
  return { board: boardRow(boardId, board.meta, asOf, projects.length), ...rows };
}

/**
 * The projects that get rows, in board order (rank, then id): of projects that claim the same id
 * (only in a document that breaks the schema), the first.
 */
export function uniqueProjects(projects: ProjectData[]): ProjectData[] {
  return uniqueById([...projects].sort(compareRanked));
}

/** Appends one project's rows (as `boardRows` makes them) to `rows`. */
export function addProjectRows(
  rows: ProjectRows,
  boardId: string,
  meta: Pick<BoardMetaData, 'regionId' | 'criteria'>,
  asOf: string,
  project: ProjectData,
): void {
  const key = { board_id: boardId, project_id: project.id, region_id: meta.regionId };
  const summary = projectSummary(project, meta.criteria, asOf);
  rows.projects.push({
    ...key,
    title: text(project.title),
    description: text(project.description),
    category: project.category,
    brand_activity: project.brandActivity,
    stage: project.stage,
    rank: project.rank,
    lead_org_id: project.leadOrgId,
    start_date: dateOrNull(project.startDate),
    end_date: dateOrNull(project.endDate),
    created_by: text(project.createdBy),
    created_at: dateTimeOrNull(project.createdAt),
    linkages: [...project.linkages],
    venue_ids: [...project.venueIds],
    planned_fen: summary.funding.totalFen,
    spent_fen: summary.spending.totalFen,
    checklist_total: summary.checklist.total,
    checklist_done: summary.checklist.done,
    checklist_waived: summary.checklist.waived,
    checklist_overdue: summary.overdue.length,
    indicator_attainment: summary.attainment.overall,
    evaluation_score: summary.evaluation.average,
    evaluation_scorers: summary.evaluation.scorers,
  });

  const scoreTotal = (orgId: string) =>
    Object.hasOwn(summary.evaluation.byOrg, orgId) ? summary.evaluation.byOrg[orgId] : null;
  for (const [role, orgIds] of [
    ['partner', project.partnerOrgIds],
    ['reviewer', project.reviewerOrgIds],
  ] as const) {
    for (const orgId of new Set(orgIds))
      rows.partnerOrgs.push({ ...key, org_id: orgId, role, score_total: scoreTotal(orgId) });
  }

  const overdue = new Set(summary.overdue.map((item) => item.id));
  for (const item of uniqueById(project.checklist)) {
    rows.checklistItems.push({
      ...key,
      item_id: item.id,
      rank: item.rank,
      text: text(item.text),
      org_id: item.orgId,
      assignee: text(item.assignee),
      due: dateOrNull(item.due),
      status: item.status,
      waive_reason: text(item.waiveReason),
      evidence: text(item.evidence),
      overdue: overdue.has(item.id),
    });
  }

  for (const [orgId, fen] of Object.entries(project.funding)) {
    rows.funding.push({ ...key, org_id: orgId, planned_fen: fen });
  }

  for (const expense of uniqueById(project.expenses)) {
    rows.expenses.push({
      ...key,
      expense_id: expense.id,
      date: dateOrNull(expense.date),
      amount_fen: expense.amountFen,
      org_id: expense.orgId,
      purpose: text(expense.purpose),
      voucher_no: text(expense.voucherNo),
    });
  }

  for (const entry of uniqueById(project.ledger)) {
    rows.ledgerEntries.push({
      ...key,
      entry_id: entry.id,
      date: dateOrNull(entry.date),
      title: text(entry.title),
      venue_id: entry.venueId,
      participants: entry.participants,
      org_ids: [...entry.orgIds],
      attachments: entry.attachments.map(text),
      notes: text(entry.notes),
    });
  }

  for (const indicator of uniqueById(summary.attainment.indicators)) {
    rows.indicators.push({
      ...key,
      indicator_id: indicator.id,
      name: text(indicator.name),
      unit: text(indicator.unit),
      target: indicator.target,
      actual: indicator.actual,
      ratio: indicator.ratio,
    });
  }

  for (const [scorerOrgId, score] of Object.entries(project.scores)) {
    for (const [criterionId, value] of Object.entries(score.criteria)) {
      rows.scores.push({ ...key, scorer_org_id: scorerOrgId, criterion_id: criterionId, score: value });
    }
  }
}

/** Entries whose ids repeat (only in a document that breaks the schema) keep the first. */
function uniqueById<T extends { id: string }>(entries: T[]): T[] {
  const seen = new Set<string>();
  return entries.filter((entry) => !seen.has(entry.id) && seen.add(entry.id));
}

function dateOrNull(value: string | null): string | null {
  return value !== null && isoDateSchema.safeParse(value).success ? value : null;
}

/** A moment as `toISOString` writes it (millisecond precision), which is what the database gives back. */
function dateTimeOrNull(value: string | null): string | null {
  if (value === null || !isoDateTimeSchema.safeParse(value).success) return null;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? null : time.toISOString();
}

// eslint-disable-next-line no-control-regex
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** PostgreSQL text holds no NUL, and UTF-8 has no lone surrogates (the drivers would write U+FFFD). */
function text(value: string): string {
  return value.replace(UNSTORABLE, (match) => (match === '\u0000' ? '' : '\uFFFD'));
}
