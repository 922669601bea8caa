import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface UsersTable {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  is_admin: Generated<boolean>;
  disabled: Generated<boolean>;
  org_id: string | null;
  created_at: Timestamp;
}

export interface SessionsTable {
  id_hash: string;
  user_id: string;
  created_at: Timestamp;
  expires_at: Timestamp;
}

/** Sign-in failures per username and per client address, and their locks (migration 0005). */
export interface LoginFailuresTable {
  scope: 'user' | 'ip';
  key: string;
  failures: number;
  window_started_at: Timestamp;
  locked_until: Timestamp | null;
}

export interface BoardsTable {
  id: string;
  title: string;
  created_by: string | null;
  created_at: Timestamp;
}

export interface BoardMembersTable {
  board_id: string;
  user_id: string;
  role: 'coordinator' | 'editor' | 'viewer';
}

export interface BoardSnapshotsTable {
  board_id: string;
  state: Uint8Array;
  /** Hex SHA-256 of `state`, checked on every load so a damaged snapshot is never served. */
  state_sha256: string;
  /** Id of the last update-log entry merged into `state` (ms and seq compare in order). */
  log_ms: number;
  log_seq: number;
  updated_at: Timestamp;
}

export interface BoardHistoryTable {
  id: Generated<number>;
  board_id: string;
  state: Uint8Array;
  log_ms: number;
  log_seq: number;
  created_at: Timestamp;
}

/** The update log of embedded mode (no REDIS_URL); Redis streams replace it otherwise. */
export interface UpdateLogTable {
  seq: Generated<number>;
  board_id: string;
  data: Uint8Array;
  origin: string;
  /** The entry's audit facts (JSON, `AuditFacts`); null for entries written before migration 0004. */
  audit: string | null;
}

export interface BoardOrgMembersTable {
  board_id: string;
  org_id: string;
  role: 'coordinator' | 'editor' | 'viewer';
}

/** Append-only audit trail: one row per accepted update (migration 0004). */
export interface AuditLogTable {
  board_id: string;
  log_ms: number;
  log_seq: number;
  at: Timestamp;
  user_id: string;
  org_id: string | null;
  project_ids: string[];
  summary: string;
  changes: ColumnType<unknown, string, string>;
  bytes: number;
}

export interface RegionsTable {
  id: string;
  name: string;
  level: 'city' | 'district' | 'township';
  parent_id: string | null;
}

export interface OrgsTable {
  id: string;
  name: string;
  kind: 'union' | 'youth' | 'women' | 'other';
  region_id: string;
}

/**
 * The read model (migrations 0003, 0006): rows the projector derives from board documents. Dates are
 * `YYYY-MM-DD` strings (the `date` type is read as text), money is fen, `projected_at` is set by
 * the database.
 */
export interface RmBoardsTable {
  board_id: string;
  title: string;
  region_id: string | null;
  year: number | null;
  schema_version: number;
  project_count: number;
  as_of: string;
  log_ms: number;
  log_seq: number;
  state_vector: Uint8Array;
  /** The projection that wrote the rows (migration 0006): a random id per write of a server's projector; null from storage. */
  projection_id: string | null;
  projected_at: Generated<Date>;
}

export interface RmProjectsTable {
  board_id: string;
  project_id: string;
  region_id: string | null;
  title: string;
  description: string;
  category: string;
  brand_activity: string | null;
  stage: string;
  rank: string;
  lead_org_id: string;
  start_date: string | null;
  end_date: string | null;
  created_by: string;
  /** ISO 8601 when written; read as a Date. */
  created_at: ColumnType<Date | null, string | null, string | null>;
  linkages: string[];
  venue_ids: string[];
  planned_fen: number;
  spent_fen: number;
  checklist_total: number;
  checklist_done: number;
  checklist_waived: number;
  checklist_overdue: number;
  indicator_attainment: number | null;
  evaluation_score: number | null;
  evaluation_scorers: number;
  projected_at: Generated<Date>;
}

/** Columns every row below a project carries. */
interface RmProjectChild {
  board_id: string;
  project_id: string;
  region_id: string | null;
}

export interface RmPartnerOrgsTable extends RmProjectChild {
  org_id: string;
  role: 'partner' | 'reviewer';
  score_total: number | null;
}

export interface RmChecklistItemsTable extends RmProjectChild {
  item_id: string;
  rank: string;
  text: string;
  org_id: string | null;
  assignee: string;
  due: string | null;
  status: 'todo' | 'doing' | 'done' | 'waived';
  waive_reason: string;
  evidence: string;
  overdue: boolean;
}

export interface RmFundingTable extends RmProjectChild {
  org_id: string;
  planned_fen: number;
}

export interface RmExpensesTable extends RmProjectChild {
  expense_id: string;
  date: string | null;
  amount_fen: number;
  org_id: string;
  purpose: string;
  voucher_no: string;
}

export interface RmLedgerEntriesTable extends RmProjectChild {
  entry_id: string;
  date: string | null;
  title: string;
  venue_id: string | null;
  participants: number;
  org_ids: string[];
  attachments: string[];
  notes: string;
}

export interface RmIndicatorsTable extends RmProjectChild {
  indicator_id: string;
  name: string;
  unit: string;
  target: number;
  actual: number | null;
  ratio: number | null;
}

export interface RmScoresTable extends RmProjectChild {
  scorer_org_id: string;
  criterion_id: string;
  score: number;
}

export interface Database {
  regions: RegionsTable;
  orgs: OrgsTable;
  users: UsersTable;
  sessions: SessionsTable;
  login_failures: LoginFailuresTable;
  boards: BoardsTable;
  board_members: BoardMembersTable;
  board_snapshots: BoardSnapshotsTable;
  board_history: BoardHistoryTable;
  update_log: UpdateLogTable;
  board_org_members: BoardOrgMembersTable;
  audit_log: AuditLogTable;
  rm_boards: RmBoardsTable;
  rm_projects: RmProjectsTable;
  rm_partner_orgs: RmPartnerOrgsTable;
  rm_checklist_items: RmChecklistItemsTable;
  rm_funding: RmFundingTable;
  rm_expenses: RmExpensesTable;
  rm_ledger_entries: RmLedgerEntriesTable;
  rm_indicators: RmIndicatorsTable;
  rm_scores: RmScoresTable;
}
