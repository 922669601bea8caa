import { BRAND_ACTIVITIES, PROJECT_CATEGORIES, STAGES } from './board-enums';
import type { BrandActivity, ProjectCategory, Stage } from './board-enums';
import type { ChecklistItemData, ProjectData } from './board-data';
import type { Criterion } from './board-values';

/**
 * Figures derived from a project's plain data (DESIGN.md §1 台账, issue 3 "derived figures"). The
 * ledger tables, the dashboard and the read model's totals all come from these functions, so that
 * the client, the server and the projector never disagree about a number.
 *
 * Money is integer fen and is only ever added or subtracted as integers (exact below 2^53 fen,
 * ninety billion yuan). Ratios and scores are the only floating-point figures.
 */

/** A sum of money in fen, in total and per organization. */
export interface FenTotals {
  totalFen: number;
  /** org id → fen */
  byOrg: Record<string, number>;
}

export interface ChecklistProgress {
  total: number;
  done: number;
  waived: number;
  /** todo + doing */
  open: number;
  /** (done + waived) / total; 0 for an empty checklist. */
  ratio: number;
}

export interface IndicatorAttainmentRow {
  id: string;
  name: string;
  unit: string;
  target: number;
  actual: number | null;
  /** actual / target, uncapped (150% shows as 1.5); null without an actual or with a zero target. */
  ratio: number | null;
}

export interface IndicatorAttainment {
  indicators: IndicatorAttainmentRow[];
  /** Mean of the defined ratios, each capped at 1; null when no ratio is defined. */
  overall: number | null;
}

export interface EvaluationScore {
  /** scorer org id → weighted total (0–100), for every counted scorer. */
  byOrg: Record<string, number>;
  /** Mean of `byOrg`; null when nobody has a counted score. */
  average: number | null;
  /** How many orgs' scores are counted. */
  scorers: number;
  /** Orgs expected to score (partners and reviewers other than the lead) that have not scored every criterion. */
  pending: string[];
}

export interface ProjectSummary {
  id: string;
  title: string;
  category: ProjectCategory;
  brandActivity: BrandActivity | null;
  stage: Stage;
  leadOrgId: string;
  funding: FenTotals;
  spending: FenTotals;
  balance: FenTotals;
  checklist: ChecklistProgress;
  overdue: ChecklistItemData[];
  attainment: IndicatorAttainment;
  evaluation: EvaluationScore;
}

export interface BoardTotals {
  projects: number;
  byStage: Record<Stage, number>;
  byCategory: Record<ProjectCategory, number>;
  /** Projects without a brand activity are in no count here. */
  byBrandActivity: Record<BrandActivity, number>;
  funding: FenTotals;
  spending: FenTotals;
  balance: FenTotals;
  checklist: ChecklistProgress;
  overdueItems: number;
  /** Projects with at least one counted score, and the mean of their average scores. */
  evaluation: { scoredProjects: number; averageScore: number | null };
}

/**
 * Adds fen per org. Accumulates in a Map and builds the record with Object.fromEntries, so that
 * org ids such as `__proto__` or `toString` (valid ids) are plain keys, not prototype lookups.
 */
function sumByOrg(amounts: Iterable<readonly [string, number]>): FenTotals {
  const byOrg = new Map<string, number>();
  let totalFen = 0;
  for (const [orgId, fen] of amounts) {
    byOrg.set(orgId, (byOrg.get(orgId) ?? 0) + fen);
    totalFen += fen;
  }
  return { totalFen, byOrg: Object.fromEntries(byOrg) };
}

/** Planned contributions (资金投入计划), in total and per org. */
export function plannedFunding(project: ProjectData): FenTotals {
  return sumByOrg(Object.entries(project.funding));
}

/** Actual expenses, in total and per paying org. */
export function spending(project: ProjectData): FenTotals {
  return sumByOrg(project.expenses.map((expense) => [expense.orgId, expense.amountFen] as const));
}

/**
 * Planned minus spent, in total and for every org on either side: an org that spent without a
 * plan shows a negative balance, an org that planned and has not spent shows its whole plan.
 */
export function balance(project: ProjectData): FenTotals {
  return balanceOf(plannedFunding(project), spending(project));
}

function balanceOf(planned: FenTotals, spent: FenTotals): FenTotals {
  const negated = Object.entries(spent.byOrg).map(([orgId, fen]) => [orgId, -fen] as const);
  return sumByOrg([...Object.entries(planned.byOrg), ...negated]);
}

/**
 * Checklist completion. A waived item counts as complete, as it does for the evaluation gate
 * (DESIGN.md §3); whether it gave its reason is the gate's question, not this figure's.
 */
export function checklistProgress(project: ProjectData): ChecklistProgress {
  const count = (status: ChecklistItemData['status']) =>
    project.checklist.filter((item) => item.status === status).length;
  const total = project.checklist.length;
  const done = count('done');
  const waived = count('waived');
  return { total, done, waived, open: total - done - waived, ratio: total === 0 ? 0 : (done + waived) / total };
}

const isOpen = (item: ChecklistItemData): boolean => item.status === 'todo' || item.status === 'doing';

/**
 * Open items (todo, doing) due before `today` (`YYYY-MM-DD`; a full ISO moment is cut to its
 * date), earliest first, then in checklist order. An item due today is not overdue yet.
 */
export function overdueItems(project: ProjectData, today: string): ChecklistItemData[] {
  const day = today.slice(0, 10);
  return project.checklist
    .filter((item): item is ChecklistItemData & { due: string } => isOpen(item) && item.due !== null && item.due < day)
    .sort((a, b) => compareStrings(a.due, b.due) || compareStrings(a.rank, b.rank) || compareStrings(a.id, b.id));
}

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Attainment of each outcome indicator (实施效益) and overall. Each row keeps its true ratio; the
 * overall figure caps each ratio at 1 before averaging, so that one indicator far over its target
 * cannot hide another one short of its own.
 */
export function indicatorAttainment(project: ProjectData): IndicatorAttainment {
  const indicators = project.indicators.map(({ id, name, unit, target, actual }) => ({
    id,
    name,
    unit,
    target,
    actual,
    ratio: actual === null || target === 0 ? null : actual / target,
  }));
  const defined = indicators.flatMap((row) => (row.ratio === null ? [] : [Math.min(row.ratio, 1)]));
  return { indicators, overall: mean(defined) };
}

function mean(values: number[]): number | null {
  return values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/**
 * The orgs whose scores count (工作联评): partners and reviewers, never the lead org — an org never
 * scores its own project, so a score the lead org left in the data is ignored, as is one by an
 * org not (or no longer) taking part.
 */
export function expectedScorers(project: ProjectData): string[] {
  return [...new Set([...project.partnerOrgIds, ...project.reviewerOrgIds])].filter(
    (orgId) => orgId !== project.leadOrgId,
  );
}

/**
 * Whether `orgId` has scored every criterion of the rubric. Own properties only: an org or
 * criterion id such as `toString` must not find Object.prototype's.
 */
export function hasScored(project: ProjectData, orgId: string, criteria: Criterion[]): boolean {
  if (!Object.hasOwn(project.scores, orgId)) return false;
  const given = project.scores[orgId].criteria;
  return criteria.every((criterion) => Object.hasOwn(given, criterion.id) && typeof given[criterion.id] === 'number');
}

/**
 * The evaluation score (激励考核). A scorer's total is Σ weight × score / Σ weight over the board's
 * criteria — Σ weight is 100 on a valid rubric, so this is Σ weight × score / 100 there and stays
 * on the 0–100 scale if it is not. Only complete score sets count: an org that has not scored
 * every criterion is `pending`, not averaged in with a partial total. The project's score is the
 * plain mean over the counted scorers, each org weighing the same. With no criteria, or criteria
 * of zero total weight, nobody has a total.
 */
export function evaluationScore(project: ProjectData, criteria: Criterion[]): EvaluationScore {
  const totalWeight = criteria.reduce((sum, criterion) => sum + criterion.weight, 0);
  const totals = new Map<string, number>();
  const pending: string[] = [];
  for (const orgId of expectedScorers(project)) {
    if (!hasScored(project, orgId, criteria)) pending.push(orgId);
    else if (totalWeight > 0) {
      const given = project.scores[orgId].criteria;
      totals.set(
        orgId,
        criteria.reduce((sum, criterion) => sum + criterion.weight * given[criterion.id], 0) / totalWeight,
      );
    }
  }
  return { byOrg: Object.fromEntries(totals), average: mean([...totals.values()]), scorers: totals.size, pending };
}

/** Every figure of one project, for the ledger table and the project drawer. */
export function projectSummary(project: ProjectData, criteria: Criterion[], today: string): ProjectSummary {
  const funding = plannedFunding(project);
  const spent = spending(project);
  return {
    id: project.id,
    title: project.title,
    category: project.category,
    brandActivity: project.brandActivity,
    stage: project.stage,
    leadOrgId: project.leadOrgId,
    funding,
    spending: spent,
    balance: balanceOf(funding, spent),
    checklist: checklistProgress(project),
    overdue: overdueItems(project, today),
    attainment: indicatorAttainment(project),
    evaluation: evaluationScore(project, criteria),
  };
}

const zeroCounts = <K extends string>(keys: readonly K[]): Record<K, number> =>
  Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;

/** A board's totals for the dashboard: counts per stage, category and brand activity, money, progress, scores. */
export function boardTotals(projects: ProjectData[], criteria: Criterion[], today: string): BoardTotals {
  const summaries = projects.map((project) => projectSummary(project, criteria, today));
  const byStage = zeroCounts(STAGES);
  const byCategory = zeroCounts(PROJECT_CATEGORIES);
  const byBrandActivity = zeroCounts(BRAND_ACTIVITIES);
  for (const summary of summaries) {
    byStage[summary.stage] += 1;
    byCategory[summary.category] += 1;
    if (summary.brandActivity !== null) byBrandActivity[summary.brandActivity] += 1;
  }
  const funding = sumByOrg(summaries.flatMap((summary) => Object.entries(summary.funding.byOrg)));
  const spent = sumByOrg(summaries.flatMap((summary) => Object.entries(summary.spending.byOrg)));
  const total = summaries.reduce((sum, summary) => sum + summary.checklist.total, 0);
  const done = summaries.reduce((sum, summary) => sum + summary.checklist.done, 0);
  const waived = summaries.reduce((sum, summary) => sum + summary.checklist.waived, 0);
  const averages = summaries.flatMap((summary) =>
    summary.evaluation.average === null ? [] : [summary.evaluation.average],
  );
  return {
    projects: projects.length,
    byStage,
    byCategory,
    byBrandActivity,
    funding,
    spending: spent,
    balance: balanceOf(funding, spent),
    checklist: { total, done, waived, open: total - done - waived, ratio: total === 0 ? 0 : (done + waived) / total },
    overdueItems: summaries.reduce((sum, summary) => sum + summary.overdue.length, 0),
    evaluation: { scoredProjects: averages.length, averageScore: mean(averages) },
  };
}
