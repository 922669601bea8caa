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

export interface Database {
  regions: RegionsTable;
  orgs: OrgsTable;
  users: UsersTable;
  sessions: SessionsTable;
  boards: BoardsTable;
  board_members: BoardMembersTable;
  board_snapshots: BoardSnapshotsTable;
  board_history: BoardHistoryTable;
  update_log: UpdateLogTable;
}
