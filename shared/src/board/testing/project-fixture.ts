import type { ChecklistItemData, ExpenseData, IndicatorData, ProjectData, ScoreData } from '../board-data';
import type { Criterion } from '../board-values';

/**
 * Builders of plain board data for specs. `aProject()` is a valid project in planning that is
 * ready to be approved: 无锡市总工会 leads, 共青团无锡市委 is its partner, 无锡市妇联 is asked to review;
 * it has a funding plan and two checklist items with responsible orgs, no start date, no
 * indicators, no scores.
 */

export const LEAD_ORG = 'org-union';
export const PARTNER_ORG = 'org-youth';
export const REVIEWER_ORG = 'org-women';

/** A rubric whose weights sum to 100. */
export const CRITERIA: Criterion[] = [
  { id: 'c-plan', name: '策划质量', weight: 30 },
  { id: 'c-effect', name: '实施效益', weight: 50 },
  { id: 'c-ledger', name: '台账规范', weight: 20 },
];

export function anItem(overrides: Partial<ChecklistItemData> = {}): ChecklistItemData {
  return {
    id: 'item-1',
    rank: 'a0',
    text: '制定活动方案',
    orgId: LEAD_ORG,
    assignee: '张敏',
    due: '2026-03-15',
    status: 'todo',
    waiveReason: '',
    evidence: '',
    ...overrides,
  };
}

export function anExpense(overrides: Partial<ExpenseData> = {}): ExpenseData {
  return {
    id: 'exp-1',
    date: '2026-04-02',
    amountFen: 120_000,
    orgId: LEAD_ORG,
    purpose: '场地布置',
    voucherNo: 'PZ-2026-001',
    ...overrides,
  };
}

export function anIndicator(overrides: Partial<IndicatorData> = {}): IndicatorData {
  return { id: 'ind-1', name: '服务职工人数', unit: '人', target: 200, actual: null, ...overrides };
}

/** A score set by one org: every criterion of `CRITERIA` at `value` unless `criteria` says otherwise. */
export function aScore(value = 80, criteria: Record<string, number> = {}): ScoreData {
  return {
    criteria: { ...Object.fromEntries(CRITERIA.map((criterion) => [criterion.id, value])), ...criteria },
    comment: '',
    at: '2026-11-20T02:00:00.000Z',
  };
}

export function aProject(overrides: Partial<ProjectData> = {}): ProjectData {
  return {
    id: 'proj-1',
    title: '梁溪区职工劳动技能竞赛',
    description: '',
    category: 'training',
    brandActivity: 'skills_contest',
    stage: 'planning',
    rank: 'a0',
    leadOrgId: LEAD_ORG,
    startDate: null,
    endDate: null,
    createdBy: 'user-1',
    createdAt: '2026-02-01T01:00:00.000Z',
    linkages: ['joint_activities'],
    partnerOrgIds: [PARTNER_ORG],
    reviewerOrgIds: [REVIEWER_ORG],
    venueIds: [],
    checklist: [
      anItem({ id: 'item-1', rank: 'a0', orgId: LEAD_ORG }),
      anItem({ id: 'item-2', rank: 'a1', text: '宣传发动', orgId: PARTNER_ORG, due: '2026-03-30' }),
    ],
    funding: { [LEAD_ORG]: 500_000, [PARTNER_ORG]: 200_000 },
    expenses: [],
    ledger: [],
    indicators: [],
    scores: {},
    stageLog: [],
    ...overrides,
  };
}
