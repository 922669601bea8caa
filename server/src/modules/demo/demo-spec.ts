import type { BoardRole, BrandActivity, Criterion, Linkage, ProjectCategory, Stage } from '@gongjian/shared';

/**
 * The shape of the demo content (issue 3, item 7): boards and their projects as plain data, which
 * `buildDemoBoard` (demo-content.ts) turns into board documents with the shared board commands.
 * Everything here is fixed — ids, dates, amounts — so that building twice gives the same bytes.
 */

/** The demo's "today": stage moves, scores, expenses and ledger entries are on or before it. */
export const DEMO_TODAY = '2026-11-24';

/** Money in fen (分) from yuan (元), e.g. `yuan(12_800)` = 1 280 000 fen. */
export function yuan(amount: number): number {
  return Math.round(amount * 100);
}

/** Money in fen from 万元, e.g. `wan(5)` = 5 万元 = 5 000 000 fen. */
export function wan(amount: number): number {
  return Math.round(amount * 1_000_000);
}

/** An expense: `[date, amount in fen, paying org, purpose, voucher no.]`. */
export type DemoExpense = readonly [date: string, fen: number, orgId: string, purpose: string, voucherNo: string];

export interface DemoLedgerEntry {
  date: string;
  title: string;
  /** A venue (阵地) id of DEMO_VENUES, or none. */
  venueId?: string;
  participants: number;
  orgIds: readonly string[];
  notes: string;
  attachments?: readonly string[];
}

/** A checklist item beyond the template's: its responsible org and due date. */
export interface DemoExtraItem {
  text: string;
  orgId: string;
  due: string;
}

/**
 * How far the checklist has got. Items are numbered from 1 in checklist order (the template's
 * items first, then `extra`), as their ids end (`…-c3`). Which items are done follows from the
 * stage: none before `in_progress`; in `in_progress` those due before DEMO_TODAY unless listed
 * in `open` or `doing`; all of them in `evaluation` and `archived` except the `waived` ones.
 */
export interface DemoChecklistProgress {
  /** Items due before today left open (todo): what the "overdue" views show. */
  open?: readonly number[];
  /** Items being worked on. */
  doing?: readonly number[];
  /** Items done although the stage rule leaves them open (e.g. a plan written before approval). */
  done?: readonly number[];
  /** Items waived (免做), with the reason. */
  waived?: Readonly<Record<number, string>>;
  /** Evidence of done items, instead of the default. */
  evidence?: Readonly<Record<number, string>>;
}

/** An indicator (实施效益): `[name, unit, target]`. */
export type DemoIndicator = readonly [name: string, unit: string, target: number];

/** One org's scores: one per criterion of the board's rubric, in its order, and a comment. */
export type DemoScore = readonly [scores: readonly number[], comment: string];

/** A move back (退回) by a coordinator, and the move forward again. */
export interface DemoSetback {
  /** The stage the project was in when it was sent back. */
  from: Stage;
  to: Stage;
  on: string;
  reason: string;
  /** When it moved forward to `from` again. */
  resumedOn: string;
}

export interface DemoProjectSpec {
  /** Stable project id; its checklist items, indicators, expenses and ledger entries are `<id>-c1`, `<id>-i1`, … */
  id: string;
  title: string;
  description: string;
  category: ProjectCategory;
  /** The brand activity it builds on (共建突破点); its template is used instead of the category's. */
  brandActivity?: BrandActivity;
  /** The stage it ends in; it is moved there through every gate on the way. */
  stage: Stage;
  leadOrgId: string;
  partnerOrgIds?: readonly string[];
  reviewerOrgIds?: readonly string[];
  /** Linkages (八联) beyond the template's; `joint_review` and `joint_venues` are added when it has reviewers or venues. */
  linkages?: readonly Linkage[];
  venueIds?: readonly string[];
  createdOn: string;
  startDate?: string;
  endDate?: string;
  /** Default: 10 days after `createdOn`. */
  approvedOn?: string;
  /** Default: 5 days after `endDate`. */
  evaluationOn?: string;
  /** Default: 25 days after the move to evaluation. */
  archivedOn?: string;
  setback?: DemoSetback;
  /** Planned contribution per org, in fen. */
  funding?: Readonly<Record<string, number>>;
  extraItems?: readonly DemoExtraItem[];
  checklist?: DemoChecklistProgress;
  /** Due dates replacing the template's (start date + its offset), by item number. */
  dueDates?: Readonly<Record<number, string>>;
  /** Indicators replacing the template's: `[name, unit, target]`. */
  indicators?: readonly DemoIndicator[];
  /** Targets replacing the template's, in its order (null keeps the template's). */
  targets?: readonly (number | null)[];
  /** Actual values of the indicators (template's or `indicators`, then `extraIndicators`), in order; null while not measured. */
  actuals?: readonly (number | null)[];
  extraIndicators?: readonly DemoIndicator[];
  expenses?: readonly DemoExpense[];
  ledger?: readonly DemoLedgerEntry[];
  /** Scorer org → its scores. Archived projects need every partner and reviewer's. */
  scores?: Readonly<Record<string, DemoScore>>;
}

export interface DemoBoardSpec {
  id: string;
  title: string;
  regionId: string;
  year: number;
  criteria: Criterion[];
  /** The Yjs client id the board is written with, fixed so that the document is the same every time. */
  clientId: number;
  /** When the board row was created (orders the board list). */
  createdAt: string;
  /** Demo username → role on the board. */
  members: Readonly<Record<string, BoardRole>>;
  /** Org id → role on the board, for every user of the org without a membership of their own. */
  orgMembers?: Readonly<Record<string, BoardRole>>;
  /** The user id that moves projects back (a coordinator of the board). */
  coordinatorUserId: string;
  projects: readonly DemoProjectSpec[];
}
