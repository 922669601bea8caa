import type { BrandActivity, ChecklistStatus, Linkage, ProjectCategory, Stage } from './board-enums';
import type { Criterion } from './board-values';

/**
 * Plain snapshots of the board document, as accessors read them and as gates, derived figures,
 * the read model and the UI consume them. Collections are arrays ordered by rank (or by date
 * for expenses, ledger entries and the stage log); sets are sorted arrays.
 */

export interface BoardMetaData {
  schemaVersion: number;
  title: string;
  regionId: string | null;
  year: number | null;
  criteria: Criterion[];
}

export interface ChecklistItemData {
  id: string;
  rank: string;
  text: string;
  orgId: string | null;
  assignee: string;
  due: string | null;
  status: ChecklistStatus;
  waiveReason: string;
  evidence: string;
}

export interface ExpenseData {
  id: string;
  date: string;
  amountFen: number;
  orgId: string;
  purpose: string;
  voucherNo: string;
}

export interface LedgerEntryData {
  id: string;
  date: string;
  title: string;
  venueId: string | null;
  participants: number;
  orgIds: string[];
  attachments: string[];
  notes: string;
}

export interface IndicatorData {
  id: string;
  name: string;
  unit: string;
  target: number;
  actual: number | null;
}

export interface ScoreData {
  /** criterion id → 0–100 */
  criteria: Record<string, number>;
  comment: string;
  at: string | null;
}

export interface StageLogEntryData {
  id: string;
  from: Stage;
  to: Stage;
  by: string;
  at: string;
  reason: string;
}

export interface ProjectData {
  id: string;
  title: string;
  description: string;
  category: ProjectCategory;
  brandActivity: BrandActivity | null;
  stage: Stage;
  rank: string;
  leadOrgId: string;
  startDate: string | null;
  endDate: string | null;
  createdBy: string;
  createdAt: string;
  linkages: Linkage[];
  partnerOrgIds: string[];
  reviewerOrgIds: string[];
  venueIds: string[];
  checklist: ChecklistItemData[];
  /** org id → planned contribution in fen */
  funding: Record<string, number>;
  expenses: ExpenseData[];
  ledger: LedgerEntryData[];
  indicators: IndicatorData[];
  /** scorer org id → its scores */
  scores: Record<string, ScoreData>;
  stageLog: StageLogEntryData[];
}

export interface BoardData {
  meta: BoardMetaData;
  projects: ProjectData[];
}
