import type { ProjectData } from './board-data';
import { approvalGate, archiveGate, evaluationGate, startGate, unmetConditions, type UnmetCondition } from './gates';
import {
  aProject,
  aScore,
  anIndicator,
  anItem,
  CRITERIA,
  LEAD_ORG,
  PARTNER_ORG,
  REVIEWER_ORG,
} from './testing/project-fixture';

/** Code and ids of each condition, in order: what a client switches on. */
const reasons = (conditions: UnmetCondition[]) => conditions.map(({ code, ids }) => ({ code, ids }));

/** A project that meets every gate up to and including archiving. */
function aFinishedProject(overrides: Partial<ProjectData> = {}): ProjectData {
  return aProject({
    startDate: '2026-03-01',
    checklist: [
      anItem({ id: 'item-1', rank: 'a0', status: 'done' }),
      anItem({ id: 'item-2', rank: 'a1', orgId: PARTNER_ORG, status: 'waived', waiveReason: '与市级竞赛合并举办' }),
    ],
    indicators: [anIndicator({ id: 'ind-1', actual: 230 })],
    scores: { [PARTNER_ORG]: aScore(85), [REVIEWER_ORG]: aScore(90) },
    ...overrides,
  });
}

describe('approvalGate', () => {
  it('passes a project with a lead, a partner, a funding plan and a checklist whose items all have an org', () => {
    expect(approvalGate(aProject())).toEqual([]);
  });

  it('reports lead_org_missing when there is no lead org', () => {
    expect(reasons(approvalGate(aProject({ leadOrgId: '' })))).toEqual([{ code: 'lead_org_missing' }]);
  });

  it('reports partner_org_missing when there is no partner org', () => {
    expect(reasons(approvalGate(aProject({ partnerOrgIds: [] })))).toEqual([{ code: 'partner_org_missing' }]);
  });

  it('reports partner_org_missing when the only partner is the lead org itself', () => {
    expect(reasons(approvalGate(aProject({ partnerOrgIds: [LEAD_ORG] })))).toEqual([{ code: 'partner_org_missing' }]);
  });

  it('reports funding_plan_missing when no org plans a contribution', () => {
    expect(reasons(approvalGate(aProject({ funding: {} })))).toEqual([{ code: 'funding_plan_missing' }]);
  });

  it('reports funding_plan_missing when every planned contribution is zero', () => {
    expect(reasons(approvalGate(aProject({ funding: { [LEAD_ORG]: 0 } })))).toEqual([{ code: 'funding_plan_missing' }]);
  });

  it('reports checklist_empty when the checklist has no item', () => {
    expect(reasons(approvalGate(aProject({ checklist: [] })))).toEqual([{ code: 'checklist_empty' }]);
  });

  it('reports checklist_item_org_missing with the ids of the items without a responsible org', () => {
    const project = aProject({
      checklist: [
        anItem({ id: 'item-1', rank: 'a0', orgId: null }),
        anItem({ id: 'item-2', rank: 'a1', orgId: PARTNER_ORG }),
        anItem({ id: 'item-3', rank: 'a2', orgId: null }),
      ],
    });
    expect(reasons(approvalGate(project))).toEqual([{ code: 'checklist_item_org_missing', ids: ['item-1', 'item-3'] }]);
  });

  it('reports every unmet condition at once, in a fixed order', () => {
    const project = aProject({ leadOrgId: '', partnerOrgIds: [], funding: {}, checklist: [] });
    expect(reasons(approvalGate(project)).map(({ code }) => code)).toEqual([
      'lead_org_missing',
      'partner_org_missing',
      'funding_plan_missing',
      'checklist_empty',
    ]);
  });
});

describe('startGate', () => {
  it('passes a project with a start date', () => {
    expect(startGate(aProject({ stage: 'approved', startDate: '2026-03-01' }))).toEqual([]);
  });

  it('reports start_date_missing without a start date', () => {
    expect(reasons(startGate(aProject({ stage: 'approved', startDate: null })))).toEqual([
      { code: 'start_date_missing' },
    ]);
  });
});

describe('evaluationGate', () => {
  it('passes when every item is done', () => {
    const project = aFinishedProject({
      checklist: [anItem({ id: 'item-1', status: 'done' }), anItem({ id: 'item-2', rank: 'a1', status: 'done' })],
    });
    expect(evaluationGate(project)).toEqual([]);
  });

  it('passes when the items not done are waived with a reason', () => {
    expect(evaluationGate(aFinishedProject())).toEqual([]);
  });

  it('reports checklist_item_open with the ids of the items still to do or in progress', () => {
    const project = aFinishedProject({
      checklist: [
        anItem({ id: 'item-1', rank: 'a0', status: 'todo' }),
        anItem({ id: 'item-2', rank: 'a1', status: 'done' }),
        anItem({ id: 'item-3', rank: 'a2', status: 'doing' }),
      ],
    });
    expect(reasons(evaluationGate(project))).toEqual([{ code: 'checklist_item_open', ids: ['item-1', 'item-3'] }]);
  });

  it('reports waive_reason_missing with the ids of the items waived without a reason', () => {
    const project = aFinishedProject({
      checklist: [
        anItem({ id: 'item-1', rank: 'a0', status: 'waived', waiveReason: '' }),
        anItem({ id: 'item-2', rank: 'a1', status: 'waived', waiveReason: '场地取消' }),
      ],
    });
    expect(reasons(evaluationGate(project))).toEqual([{ code: 'waive_reason_missing', ids: ['item-1'] }]);
  });

  it('treats a reason of only white space as no reason', () => {
    const project = aFinishedProject({ checklist: [anItem({ id: 'item-1', status: 'waived', waiveReason: ' \t ' })] });
    expect(reasons(evaluationGate(project))).toEqual([{ code: 'waive_reason_missing', ids: ['item-1'] }]);
  });
});

describe('archiveGate', () => {
  it('passes when every partner and reviewer has scored every criterion and every indicator has its actual', () => {
    expect(archiveGate(aFinishedProject(), CRITERIA)).toEqual([]);
  });

  it('does not ask the lead org to score, even when it is listed as a partner or reviewer', () => {
    const project = aFinishedProject({
      partnerOrgIds: [LEAD_ORG, PARTNER_ORG],
      reviewerOrgIds: [LEAD_ORG, REVIEWER_ORG],
    });
    expect(archiveGate(project, CRITERIA)).toEqual([]);
  });

  it('reports score_missing with the ids of the orgs that have not scored', () => {
    const project = aFinishedProject({ scores: { [PARTNER_ORG]: aScore(85) } });
    expect(reasons(archiveGate(project, CRITERIA))).toEqual([{ code: 'score_missing', ids: [REVIEWER_ORG] }]);
  });

  it('reports score_missing for an org that scored only some of the criteria', () => {
    const partial = aScore(85);
    delete partial.criteria['c-ledger'];
    const project = aFinishedProject({ scores: { [PARTNER_ORG]: partial, [REVIEWER_ORG]: aScore(90) } });
    expect(reasons(archiveGate(project, CRITERIA))).toEqual([{ code: 'score_missing', ids: [PARTNER_ORG] }]);
  });

  it('lists each org once when it is both a partner and a reviewer', () => {
    const project = aFinishedProject({ reviewerOrgIds: [PARTNER_ORG], scores: {} });
    expect(reasons(archiveGate(project, CRITERIA))).toEqual([{ code: 'score_missing', ids: [PARTNER_ORG] }]);
  });

  it('reports score_missing for an org whose id is also a name on Object.prototype', () => {
    const project = aFinishedProject({ partnerOrgIds: ['toString'], reviewerOrgIds: [], scores: {} });
    expect(reasons(archiveGate(project, CRITERIA))).toEqual([{ code: 'score_missing', ids: ['toString'] }]);
  });

  it('reports indicator_missing when the project has no indicator', () => {
    expect(reasons(archiveGate(aFinishedProject({ indicators: [] }), CRITERIA))).toEqual([
      { code: 'indicator_missing' },
    ]);
  });

  it('reports indicator_actual_missing with the ids of the indicators without an actual', () => {
    const project = aFinishedProject({
      indicators: [
        anIndicator({ id: 'ind-1', actual: null }),
        anIndicator({ id: 'ind-2', actual: 0 }),
        anIndicator({ id: 'ind-3', actual: null }),
      ],
    });
    expect(reasons(archiveGate(project, CRITERIA))).toEqual([
      { code: 'indicator_actual_missing', ids: ['ind-1', 'ind-3'] },
    ]);
  });
});

describe('unmetConditions', () => {
  it('runs the approval gate to move from planning to approved', () => {
    expect(reasons(unmetConditions(aProject({ checklist: [] }), { to: 'approved', criteria: CRITERIA }))).toEqual([
      { code: 'checklist_empty' },
    ]);
  });

  it('runs the start gate to move from approved to in_progress', () => {
    expect(
      reasons(unmetConditions(aProject({ stage: 'approved' }), { to: 'in_progress', criteria: CRITERIA })),
    ).toEqual([{ code: 'start_date_missing' }]);
  });

  it('runs the evaluation gate to move from in_progress to evaluation', () => {
    const project = aFinishedProject({ stage: 'in_progress', checklist: [anItem({ id: 'item-1', status: 'doing' })] });
    expect(reasons(unmetConditions(project, { to: 'evaluation', criteria: CRITERIA }))).toEqual([
      { code: 'checklist_item_open', ids: ['item-1'] },
    ]);
  });

  it('runs the archive gate to move from evaluation to archived', () => {
    const project = aFinishedProject({ stage: 'evaluation', scores: {} });
    expect(reasons(unmetConditions(project, { to: 'archived', criteria: CRITERIA }))).toEqual([
      { code: 'score_missing', ids: [PARTNER_ORG, REVIEWER_ORG] },
    ]);
  });

  it('allows a forward move whose gate passes', () => {
    expect(unmetConditions(aProject(), { to: 'approved', criteria: CRITERIA })).toEqual([]);
  });

  it('reports same_stage for a move to the stage the project is in', () => {
    expect(reasons(unmetConditions(aProject(), { to: 'planning', criteria: CRITERIA }))).toEqual([
      { code: 'same_stage' },
    ]);
  });

  it('reports reason_required for a move back without a reason', () => {
    const project = aFinishedProject({ stage: 'evaluation' });
    expect(reasons(unmetConditions(project, { to: 'in_progress', criteria: CRITERIA }))).toEqual([
      { code: 'reason_required' },
    ]);
  });

  it('reports reason_required for a move back whose reason is only white space', () => {
    const project = aFinishedProject({ stage: 'evaluation' });
    expect(reasons(unmetConditions(project, { to: 'in_progress', reason: '  ', criteria: CRITERIA }))).toEqual([
      { code: 'reason_required' },
    ]);
  });

  it('allows a move back with a reason, whatever the gates of the stages in between say', () => {
    const project = aProject({ stage: 'archived', partnerOrgIds: [], funding: {}, checklist: [] });
    expect(unmetConditions(project, { to: 'planning', reason: '参与单位调整，重新策划', criteria: CRITERIA })).toEqual(
      [],
    );
  });

  it('runs every gate on the way when a move skips stages, in stage order', () => {
    const project = aProject({ funding: {}, checklist: [anItem({ id: 'item-1', status: 'todo' })] });
    expect(reasons(unmetConditions(project, { to: 'archived', criteria: CRITERIA }))).toEqual([
      { code: 'funding_plan_missing' },
      { code: 'start_date_missing' },
      { code: 'checklist_item_open', ids: ['item-1'] },
      { code: 'score_missing', ids: [PARTNER_ORG, REVIEWER_ORG] },
      { code: 'indicator_missing' },
    ]);
  });

  it('does not run the gates of stages beyond the target', () => {
    const project = aProject({ checklist: [anItem({ id: 'item-1', status: 'todo' })] });
    expect(reasons(unmetConditions(project, { to: 'in_progress', criteria: CRITERIA }))).toEqual([
      { code: 'start_date_missing' },
    ]);
  });

  it('allows a skip over stages when every gate on the way passes', () => {
    expect(unmetConditions(aFinishedProject(), { to: 'archived', criteria: CRITERIA })).toEqual([]);
  });

  it('gives every condition readable zh-CN and en text', () => {
    const project = aProject({ leadOrgId: '', partnerOrgIds: [], funding: {}, checklist: [anItem({ orgId: null })] });
    const conditions = unmetConditions(project, { to: 'archived', criteria: CRITERIA });
    expect(conditions.every(({ message }) => message['zh-CN'].length > 0 && message.en.length > 0)).toBe(true);
  });
});
