import fc from 'fast-check';
import { BRAND_ACTIVITIES, CHECKLIST_STATUSES, LINKAGES, PROJECT_CATEGORIES, STAGES } from './board-enums';
import type { ChecklistItemData, ProjectData } from './board-data';
import type { Criterion } from './board-values';
import {
  balance,
  boardTotals,
  checklistProgress,
  evaluationScore,
  indicatorAttainment,
  overdueItems,
  plannedFunding,
  projectSummary,
  spending,
} from './derived';
import {
  aProject,
  aScore,
  anExpense,
  anIndicator,
  anItem,
  CRITERIA,
  LEAD_ORG,
  PARTNER_ORG,
  REVIEWER_ORG,
} from './testing/project-fixture';

const OTHER_ORG = 'org-cast';

describe('plannedFunding', () => {
  it('adds the planned contributions, in total and per org', () => {
    const project = aProject({ funding: { [LEAD_ORG]: 500_000, [PARTNER_ORG]: 200_001, [OTHER_ORG]: 0 } });
    expect(plannedFunding(project)).toEqual({
      totalFen: 700_001,
      byOrg: { [LEAD_ORG]: 500_000, [PARTNER_ORG]: 200_001, [OTHER_ORG]: 0 },
    });
  });

  it('is zero without a plan', () => {
    expect(plannedFunding(aProject({ funding: {} }))).toEqual({ totalFen: 0, byOrg: {} });
  });
});

describe('spending', () => {
  it('adds the expenses per paying org', () => {
    const project = aProject({
      expenses: [
        anExpense({ id: 'e1', orgId: LEAD_ORG, amountFen: 120_000 }),
        anExpense({ id: 'e2', orgId: PARTNER_ORG, amountFen: 35_050 }),
        anExpense({ id: 'e3', orgId: LEAD_ORG, amountFen: 9_999 }),
      ],
    });
    expect(spending(project)).toEqual({ totalFen: 165_049, byOrg: { [LEAD_ORG]: 129_999, [PARTNER_ORG]: 35_050 } });
  });

  it('is zero without expenses', () => {
    expect(spending(aProject())).toEqual({ totalFen: 0, byOrg: {} });
  });

  it('keeps an org id that is also a name on Object.prototype as a plain key', () => {
    const project = aProject({
      expenses: [
        anExpense({ id: 'e1', orgId: '__proto__', amountFen: 5 }),
        anExpense({ id: 'e2', orgId: '__proto__', amountFen: 7 }),
      ],
    });
    expect(Object.entries(spending(project).byOrg)).toEqual([['__proto__', 12]]);
  });
});

describe('balance', () => {
  it('is planned minus spent for every org on either side', () => {
    const project = aProject({
      funding: { [LEAD_ORG]: 500_000, [PARTNER_ORG]: 200_000 },
      expenses: [
        anExpense({ id: 'e1', orgId: LEAD_ORG, amountFen: 120_000 }),
        anExpense({ id: 'e2', orgId: OTHER_ORG, amountFen: 30_000 }),
      ],
    });
    expect(balance(project)).toEqual({
      totalFen: 550_000,
      byOrg: { [LEAD_ORG]: 380_000, [PARTNER_ORG]: 200_000, [OTHER_ORG]: -30_000 },
    });
  });

  it('is negative when an org spends more than it planned', () => {
    const project = aProject({
      funding: { [LEAD_ORG]: 100 },
      expenses: [anExpense({ orgId: LEAD_ORG, amountFen: 150 })],
    });
    expect(balance(project)).toEqual({ totalFen: -50, byOrg: { [LEAD_ORG]: -50 } });
  });
});

describe('checklistProgress', () => {
  it('counts done and waived items as complete', () => {
    const project = aProject({
      checklist: [
        anItem({ id: 'i1', status: 'done' }),
        anItem({ id: 'i2', status: 'waived', waiveReason: '并入其他项目' }),
        anItem({ id: 'i3', status: 'doing' }),
        anItem({ id: 'i4', status: 'todo' }),
      ],
    });
    expect(checklistProgress(project)).toEqual({ total: 4, done: 1, waived: 1, open: 2, ratio: 0.5 });
  });

  it('counts a waived item as complete even before its reason is written', () => {
    const project = aProject({ checklist: [anItem({ id: 'i1', status: 'waived', waiveReason: '' })] });
    expect(checklistProgress(project)).toEqual({ total: 1, done: 0, waived: 1, open: 0, ratio: 1 });
  });

  it('has a ratio of 0 for an empty checklist', () => {
    expect(checklistProgress(aProject({ checklist: [] }))).toEqual({ total: 0, done: 0, waived: 0, open: 0, ratio: 0 });
  });
});

describe('overdueItems', () => {
  const project = aProject({
    checklist: [
      anItem({ id: 'late-doing', rank: 'a0', due: '2026-03-10', status: 'doing' }),
      anItem({ id: 'late-todo', rank: 'a1', due: '2026-03-01', status: 'todo' }),
      anItem({ id: 'late-done', rank: 'a2', due: '2026-03-01', status: 'done' }),
      anItem({ id: 'late-waived', rank: 'a3', due: '2026-03-01', status: 'waived', waiveReason: '取消' }),
      anItem({ id: 'due-today', rank: 'a4', due: '2026-03-20', status: 'todo' }),
      anItem({ id: 'no-due', rank: 'a5', due: null, status: 'todo' }),
      anItem({ id: 'late-todo-2', rank: 'a6', due: '2026-03-01', status: 'todo' }),
    ],
  });

  it('lists the open items due before today, earliest first, then in checklist order', () => {
    expect(overdueItems(project, '2026-03-20').map((item) => item.id)).toEqual([
      'late-todo',
      'late-todo-2',
      'late-doing',
    ]);
  });

  it('takes the date of a full ISO moment', () => {
    expect(overdueItems(project, '2026-03-05T23:59:00.000Z').map((item) => item.id)).toEqual([
      'late-todo',
      'late-todo-2',
    ]);
  });

  it('is empty when nothing is late', () => {
    expect(overdueItems(project, '2026-03-01')).toEqual([]);
  });
});

describe('indicatorAttainment', () => {
  it('gives each indicator its ratio, uncapped, and the mean of the capped ratios overall', () => {
    const project = aProject({
      indicators: [
        anIndicator({ id: 'served', name: '服务职工人数', unit: '人', target: 200, actual: 300 }),
        anIndicator({ id: 'sessions', name: '培训场次', unit: '场', target: 8, actual: 4 }),
        anIndicator({ id: 'pending', name: '帮扶金额', unit: '元', target: 50_000, actual: null }),
        anIndicator({ id: 'no-target', name: '参赛人数', unit: '人', target: 0, actual: 12 }),
      ],
    });
    expect(indicatorAttainment(project)).toEqual({
      indicators: [
        { id: 'served', name: '服务职工人数', unit: '人', target: 200, actual: 300, ratio: 1.5 },
        { id: 'sessions', name: '培训场次', unit: '场', target: 8, actual: 4, ratio: 0.5 },
        { id: 'pending', name: '帮扶金额', unit: '元', target: 50_000, actual: null, ratio: null },
        { id: 'no-target', name: '参赛人数', unit: '人', target: 0, actual: 12, ratio: null },
      ],
      overall: 0.75,
    });
  });

  it('has no overall figure when no ratio is defined', () => {
    const project = aProject({ indicators: [anIndicator({ actual: null })] });
    expect(indicatorAttainment(project).overall).toBeNull();
  });
});

describe('evaluationScore', () => {
  it('weighs each scorer over the criteria and averages over the partner and reviewer orgs', () => {
    const project = aProject({
      scores: {
        [PARTNER_ORG]: aScore(80, { 'c-effect': 90 }), // 30×80 + 50×90 + 20×80 = 8500 → 85
        [REVIEWER_ORG]: aScore(70), // 70
      },
    });
    expect(evaluationScore(project, CRITERIA)).toEqual({
      byOrg: { [PARTNER_ORG]: 85, [REVIEWER_ORG]: 70 },
      average: 77.5,
      scorers: 2,
      pending: [],
    });
  });

  it('ignores a score the lead org gave its own project', () => {
    const project = aProject({
      scores: { [LEAD_ORG]: aScore(100), [PARTNER_ORG]: aScore(60), [REVIEWER_ORG]: aScore(80) },
    });
    expect(evaluationScore(project, CRITERIA)).toMatchObject({ average: 70, scorers: 2 });
  });

  it('ignores the lead org even when it is listed among the reviewers', () => {
    const project = aProject({
      reviewerOrgIds: [LEAD_ORG],
      scores: { [LEAD_ORG]: aScore(100), [PARTNER_ORG]: aScore(60) },
    });
    expect(evaluationScore(project, CRITERIA)).toEqual({
      byOrg: { [PARTNER_ORG]: 60 },
      average: 60,
      scorers: 1,
      pending: [],
    });
  });

  it('ignores a score by an org that is neither partner nor reviewer', () => {
    const project = aProject({
      scores: { [OTHER_ORG]: aScore(10), [PARTNER_ORG]: aScore(60), [REVIEWER_ORG]: aScore(80) },
    });
    expect(evaluationScore(project, CRITERIA).byOrg).toEqual({ [PARTNER_ORG]: 60, [REVIEWER_ORG]: 80 });
  });

  it('leaves an incomplete score set out of the average and lists its org as pending', () => {
    const partial = aScore(20);
    delete partial.criteria['c-plan'];
    const project = aProject({ scores: { [PARTNER_ORG]: partial, [REVIEWER_ORG]: aScore(90) } });
    expect(evaluationScore(project, CRITERIA)).toEqual({
      byOrg: { [REVIEWER_ORG]: 90 },
      average: 90,
      scorers: 1,
      pending: [PARTNER_ORG],
    });
  });

  it('has no average before anyone has scored', () => {
    expect(evaluationScore(aProject(), CRITERIA)).toEqual({
      byOrg: {},
      average: null,
      scorers: 0,
      pending: [PARTNER_ORG, REVIEWER_ORG],
    });
  });

  it('divides by the total weight, so a rubric not summing to 100 stays on the 0–100 scale', () => {
    const criteria: Criterion[] = [
      { id: 'a', name: '甲', weight: 1 },
      { id: 'b', name: '乙', weight: 3 },
    ];
    const project = aProject({
      reviewerOrgIds: [],
      scores: { [PARTNER_ORG]: { criteria: { a: 100, b: 60 }, comment: '', at: null } },
    });
    expect(evaluationScore(project, criteria).byOrg).toEqual({ [PARTNER_ORG]: 70 });
  });

  it('gives nobody a total under a rubric without criteria', () => {
    const project = aProject({ scores: { [PARTNER_ORG]: aScore(60) } });
    expect(evaluationScore(project, [])).toEqual({ byOrg: {}, average: null, scorers: 0, pending: [REVIEWER_ORG] });
  });
});

describe('projectSummary', () => {
  it('bundles every figure of the project', () => {
    const project = aProject({
      expenses: [anExpense({ orgId: LEAD_ORG, amountFen: 100_000 })],
      checklist: [anItem({ id: 'i1', due: '2026-03-01', status: 'todo' })],
      indicators: [anIndicator({ target: 100, actual: 50 })],
      scores: { [PARTNER_ORG]: aScore(90) },
    });
    expect(projectSummary(project, CRITERIA, '2026-03-02')).toEqual({
      id: 'proj-1',
      title: '梁溪区职工劳动技能竞赛',
      category: 'training',
      brandActivity: 'skills_contest',
      stage: 'planning',
      leadOrgId: LEAD_ORG,
      funding: { totalFen: 700_000, byOrg: { [LEAD_ORG]: 500_000, [PARTNER_ORG]: 200_000 } },
      spending: { totalFen: 100_000, byOrg: { [LEAD_ORG]: 100_000 } },
      balance: { totalFen: 600_000, byOrg: { [LEAD_ORG]: 400_000, [PARTNER_ORG]: 200_000 } },
      checklist: { total: 1, done: 0, waived: 0, open: 1, ratio: 0 },
      overdue: [project.checklist[0]],
      attainment: {
        indicators: [{ id: 'ind-1', name: '服务职工人数', unit: '人', target: 100, actual: 50, ratio: 0.5 }],
        overall: 0.5,
      },
      evaluation: { byOrg: { [PARTNER_ORG]: 90 }, average: 90, scorers: 1, pending: [REVIEWER_ORG] },
    });
  });
});

describe('boardTotals', () => {
  const projects = [
    aProject({ id: 'p1', stage: 'planning', category: 'training', brandActivity: 'skills_contest' }),
    aProject({
      id: 'p2',
      stage: 'in_progress',
      category: 'assistance',
      brandActivity: null,
      funding: { [OTHER_ORG]: 300_000 },
      expenses: [
        anExpense({ orgId: OTHER_ORG, amountFen: 50_000 }),
        anExpense({ id: 'e2', orgId: LEAD_ORG, amountFen: 1 }),
      ],
      checklist: [anItem({ id: 'i1', status: 'done' }), anItem({ id: 'i2', due: '2026-01-01', status: 'doing' })],
      scores: { [PARTNER_ORG]: aScore(80), [REVIEWER_ORG]: aScore(60) },
    }),
    aProject({ id: 'p3', stage: 'in_progress', category: 'training', brandActivity: 'legal_outreach' }),
  ];
  const totals = boardTotals(projects, CRITERIA, '2026-03-20');

  it('counts projects per stage, category and brand activity, every value present', () => {
    expect([totals.projects, totals.byStage, totals.byCategory, totals.byBrandActivity]).toEqual([
      3,
      { planning: 1, approved: 0, in_progress: 2, evaluation: 0, archived: 0 },
      { training: 2, rights: 0, employment: 0, assistance: 1, exchange: 0, culture: 0 },
      { skills_contest: 1, volunteering: 0, civilized_family: 0, legal_outreach: 1 },
    ]);
  });

  it('adds planned, spent and balance over the projects, in total and per org', () => {
    expect([totals.funding, totals.spending, totals.balance]).toEqual([
      { totalFen: 1_700_000, byOrg: { [LEAD_ORG]: 1_000_000, [PARTNER_ORG]: 400_000, [OTHER_ORG]: 300_000 } },
      { totalFen: 50_001, byOrg: { [OTHER_ORG]: 50_000, [LEAD_ORG]: 1 } },
      { totalFen: 1_649_999, byOrg: { [LEAD_ORG]: 999_999, [PARTNER_ORG]: 400_000, [OTHER_ORG]: 250_000 } },
    ]);
  });

  it('adds checklist progress and overdue items over the projects', () => {
    expect([totals.checklist, totals.overdueItems]).toEqual([
      { total: 6, done: 1, waived: 0, open: 5, ratio: 1 / 6 },
      3,
    ]);
  });

  it('averages the scores of the projects that have any', () => {
    expect(totals.evaluation).toEqual({ scoredProjects: 1, averageScore: 70 });
  });

  it('is all zeros for a board without projects', () => {
    const empty = boardTotals([], CRITERIA, '2026-03-20');
    expect([empty.projects, empty.funding, empty.checklist, empty.overdueItems, empty.evaluation]).toEqual([
      0,
      { totalFen: 0, byOrg: {} },
      { total: 0, done: 0, waived: 0, open: 0, ratio: 0 },
      0,
      { scoredProjects: 0, averageScore: null },
    ]);
  });
});

/* ---------- property: every figure equals a plain recomputation from the JSON ---------- */

// Org and criterion ids include names that live on Object.prototype: valid ids that a careless `obj[id]` mistakes.
const orgIdArb = fc.constantFrom('org-a', 'org-b', 'org-c', 'org-d', 'toString', '__proto__');
const criterionIdArb = fc.constantFrom('c1', 'c2', 'c3', 'constructor');
const dayArb = fc
  .integer({ min: Date.UTC(2025, 0, 1) / 86_400_000, max: Date.UTC(2027, 11, 31) / 86_400_000 })
  .map((days) => new Date(days * 86_400_000).toISOString().slice(0, 10));
const fenArb = fc.integer({ min: 0, max: 1e13 });
const rankArb = fc.stringMatching(/^[0-9a-z]{1,4}$/);

const criteriaArb: fc.Arbitrary<Criterion[]> = fc.uniqueArray(
  fc.record({ id: criterionIdArb, name: fc.constant('指标'), weight: fc.integer({ min: 0, max: 100 }) }),
  { selector: (criterion) => criterion.id, maxLength: 4 },
);

const itemArb = (index: number): fc.Arbitrary<ChecklistItemData> =>
  fc.record({
    id: fc.constant(`item-${index}`),
    rank: rankArb,
    text: fc.constant('清单事项'),
    orgId: fc.option(orgIdArb, { nil: null }),
    assignee: fc.constant(''),
    due: fc.option(dayArb, { nil: null }),
    status: fc.constantFrom(...CHECKLIST_STATUSES),
    waiveReason: fc.constantFrom('', '取消'),
    evidence: fc.constant(''),
  });

const projectArb: fc.Arbitrary<ProjectData> = fc.record({
  id: fc.constant('p'),
  title: fc.constant('项目'),
  description: fc.constant(''),
  category: fc.constantFrom(...PROJECT_CATEGORIES),
  brandActivity: fc.option(fc.constantFrom(...BRAND_ACTIVITIES), { nil: null }),
  stage: fc.constantFrom(...STAGES),
  rank: rankArb,
  leadOrgId: orgIdArb,
  startDate: fc.option(dayArb, { nil: null }),
  endDate: fc.constant(null),
  createdBy: fc.constant('user-1'),
  createdAt: fc.constant('2026-01-01T00:00:00.000Z'),
  linkages: fc.subarray([...LINKAGES]),
  partnerOrgIds: fc.uniqueArray(orgIdArb, { maxLength: 4 }),
  reviewerOrgIds: fc.uniqueArray(orgIdArb, { maxLength: 3 }),
  venueIds: fc.constant([]),
  checklist: fc.integer({ min: 0, max: 8 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => itemArb(i)))),
  funding: fc.array(fc.tuple(orgIdArb, fenArb), { maxLength: 5 }).map((pairs) => Object.fromEntries(pairs)),
  expenses: fc.array(
    fc.record({
      id: fc.constant('e'),
      date: dayArb,
      amountFen: fenArb,
      orgId: orgIdArb,
      purpose: fc.constant(''),
      voucherNo: fc.constant(''),
    }),
    { maxLength: 8 },
  ),
  ledger: fc.constant([]),
  indicators: fc.array(
    fc.record({
      id: fc.constant('ind'),
      name: fc.constant('指标'),
      unit: fc.constant('人'),
      target: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 10_000 })),
      actual: fc.option(fc.integer({ min: 0, max: 20_000 }), { nil: null }),
    }),
    { maxLength: 5 },
  ),
  scores: fc
    .array(
      fc.tuple(
        orgIdArb,
        fc.record({
          criteria: fc
            .array(fc.tuple(criterionIdArb, fc.integer({ min: 0, max: 100 })), { maxLength: 4 })
            .map((pairs) => Object.fromEntries(pairs)),
          comment: fc.constant(''),
          at: fc.constant(null),
        }),
      ),
      { maxLength: 5 },
    )
    .map((pairs) => Object.fromEntries(pairs)),
  stageLog: fc.constant([]),
});

type Json = ReturnType<typeof JSON.parse>;
const viaJson = (value: unknown): Json => JSON.parse(JSON.stringify(value));
const asMap = (record: Record<string, number>) => new Map(Object.entries(record));
const own = (object: object, key: string) => Object.prototype.hasOwnProperty.call(object, key);

/** org → fen from [org, fen] pairs, by a reduce over a Map. */
const addUp = (pairs: [string, number][]) =>
  pairs.reduce((totals, [org, fen]) => totals.set(org, (totals.get(org) ?? 0) + fen), new Map<string, number>());

function recomputeMoney(project: ProjectData) {
  const json = viaJson(project);
  const planned = addUp(Object.keys(json.funding).map((org): [string, number] => [org, json.funding[org]]));
  const spent = addUp(json.expenses.map((expense: Json): [string, number] => [expense.orgId, expense.amountFen]));
  const left = new Map<string, number>();
  for (const org of new Set([...planned.keys(), ...spent.keys()]))
    left.set(org, (planned.get(org) ?? 0) - (spent.get(org) ?? 0));
  const sum = (map: Map<string, number>) => [...map.values()].reduce((a, b) => a + b, 0);
  return { planned, spent, left, plannedTotal: sum(planned), spentTotal: sum(spent), leftTotal: sum(left) };
}

function recomputeScores(project: ProjectData, criteria: Criterion[]) {
  const json = viaJson(project);
  const weight = criteria.reduce((sum, criterion) => sum + criterion.weight, 0);
  const byOrg = new Map<string, number>();
  const scorers = json.partnerOrgIds.concat(json.reviewerOrgIds);
  for (const org of scorers) {
    if (org === json.leadOrgId || byOrg.has(org) || !own(json.scores, org) || weight === 0) continue;
    const given = json.scores[org].criteria;
    if (criteria.some((criterion) => !own(given, criterion.id))) continue;
    let weighted = 0;
    for (const criterion of criteria) weighted += criterion.weight * given[criterion.id];
    byOrg.set(org, weighted / weight);
  }
  const values = [...byOrg.values()];
  return { byOrg, average: values.length ? values.reduce((a, b) => a + b) / values.length : null };
}

describe('derived figures (property)', () => {
  it('plannedFunding, spending and balance equal sums over the JSON, as exact integers', () => {
    fc.assert(
      fc.property(projectArb, (project) => {
        const expected = recomputeMoney(project);
        const [planned, spent, left] = [plannedFunding(project), spending(project), balance(project)];
        expect([asMap(planned.byOrg), asMap(spent.byOrg), asMap(left.byOrg)]).toEqual([
          expected.planned,
          expected.spent,
          expected.left,
        ]);
        expect([planned.totalFen, spent.totalFen, left.totalFen]).toEqual([
          expected.plannedTotal,
          expected.spentTotal,
          expected.leftTotal,
        ]);
        expect([planned.totalFen, spent.totalFen, left.totalFen].every(Number.isSafeInteger)).toBe(true);
      }),
    );
  });

  it('checklistProgress equals a count of the JSON items by status', () => {
    fc.assert(
      fc.property(projectArb, (project) => {
        const counts: Record<string, number> = { todo: 0, doing: 0, done: 0, waived: 0 };
        for (const item of viaJson(project).checklist) counts[item.status] += 1;
        const total = counts.todo + counts.doing + counts.done + counts.waived;
        expect(checklistProgress(project)).toEqual({
          total,
          done: counts.done,
          waived: counts.waived,
          open: counts.todo + counts.doing,
          ratio: total > 0 ? (counts.done + counts.waived) / total : 0,
        });
      }),
    );
  });

  it('overdueItems equals the open JSON items with an earlier due date, ordered by due, rank, id', () => {
    fc.assert(
      fc.property(projectArb, dayArb, (project, today) => {
        const key = (item: Json) => `${item.due}\u0000${item.rank}\u0000${item.id}`;
        const expected = viaJson(project)
          .checklist.filter(
            (item: Json) =>
              ['todo', 'doing'].includes(item.status) && item.due && Date.parse(item.due) < Date.parse(today),
          )
          .map(key)
          .sort();
        expect(overdueItems(project, today).map(key)).toEqual(expected);
      }),
    );
  });

  it('indicatorAttainment equals ratios recomputed from the JSON, capped at 1 for the overall mean', () => {
    fc.assert(
      fc.property(projectArb, (project) => {
        const rows = viaJson(project).indicators.map((indicator: Json) => ({
          ...indicator,
          ratio: indicator.actual != null && indicator.target > 0 ? indicator.actual / indicator.target : null,
        }));
        const capped = rows
          .filter((row: Json) => row.ratio !== null)
          .map((row: Json) => (row.ratio > 1 ? 1 : row.ratio));
        const result = indicatorAttainment(project);
        expect(result.indicators).toEqual(rows);
        if (capped.length === 0) expect(result.overall).toBeNull();
        else expect(result.overall).toBeCloseTo(capped.reduce((a: number, b: number) => a + b) / capped.length, 10);
      }),
    );
  });

  it('evaluationScore equals the weighted totals of the complete score sets of the other participating orgs', () => {
    fc.assert(
      fc.property(projectArb, criteriaArb, (project, criteria) => {
        const expected = recomputeScores(project, criteria);
        const result = evaluationScore(project, criteria);
        expect([...asMap(result.byOrg).keys()].sort()).toEqual([...expected.byOrg.keys()].sort());
        for (const [org, total] of expected.byOrg) expect(result.byOrg[org]).toBeCloseTo(total, 10);
        expect(result.scorers).toBe(expected.byOrg.size);
        if (expected.average === null) expect(result.average).toBeNull();
        else expect(result.average).toBeCloseTo(expected.average, 10);
        expect(own(result.byOrg, project.leadOrgId)).toBe(false);
      }),
    );
  });

  it('boardTotals equals the per-project figures added up over the JSON', () => {
    fc.assert(
      fc.property(fc.array(projectArb, { maxLength: 6 }), criteriaArb, dayArb, (projects, criteria, today) => {
        const json = viaJson(projects);
        const totals = boardTotals(projects, criteria, today);
        const stageCounts = STAGES.map((stage) => json.filter((project: Json) => project.stage === stage).length);
        const categoryCounts = PROJECT_CATEGORIES.map(
          (category) => json.filter((project: Json) => project.category === category).length,
        );
        expect(STAGES.map((stage) => totals.byStage[stage])).toEqual(stageCounts);
        expect(PROJECT_CATEGORIES.map((category) => totals.byCategory[category])).toEqual(categoryCounts);
        const money = projects.map(recomputeMoney);
        expect(totals.funding.totalFen).toBe(money.reduce((sum, figures) => sum + figures.plannedTotal, 0));
        expect(totals.spending.totalFen).toBe(money.reduce((sum, figures) => sum + figures.spentTotal, 0));
        expect(totals.balance.totalFen).toBe(totals.funding.totalFen - totals.spending.totalFen);
        const planned = addUp(money.flatMap((figures) => [...figures.planned]));
        expect(asMap(totals.funding.byOrg)).toEqual(planned);
        const overdue = json
          .flatMap((project: Json) => project.checklist)
          .filter(
            (item: Json) =>
              (item.status === 'todo' || item.status === 'doing') && item.due !== null && item.due < today,
          );
        expect(totals.overdueItems).toBe(overdue.length);
      }),
    );
  });
});
