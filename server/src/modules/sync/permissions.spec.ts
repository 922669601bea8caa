import {
  type Actor,
  addChecklistItem,
  addExpense,
  addLedgerEntry,
  changeStage,
  createProject,
  deleteProject,
  forbiddenChange,
  initBoard,
  setChecklistStatus,
  setFunding,
  setScore,
  updateProject,
  assignChecklistItem,
  editChecklistText,
  removeExpense,
} from '@gongjian/shared';
import * as Y from 'yjs';
import { inspectUpdate } from './update-inspector';

const NOW = '2026-03-01T08:00:00.000Z';
const LEAD = 'org-lead';
const PARTNER = 'org-partner';
const REVIEWER = 'org-review';
const OTHER = 'org-other';

const coordinator: Actor = { userId: 'u-coord', orgId: 'org-street', role: 'coordinator' };
const lead: Actor = { userId: 'u-lead', orgId: LEAD, role: 'editor' };
const partner: Actor = { userId: 'u-partner', orgId: PARTNER, role: 'editor' };
const other: Actor = { userId: 'u-other', orgId: OTHER, role: 'editor' };
const reviewer: Actor = { userId: 'u-review', orgId: REVIEWER, role: 'viewer' };
const viewer: Actor = { userId: 'u-view', orgId: OTHER, role: 'viewer' };
const noOrg: Actor = { userId: 'u-none', orgId: null, role: 'editor' };

/** A board with project p1 (lead LEAD, partner PARTNER, reviewer REVIEWER), item c1 of PARTNER, expense e1 of PARTNER. */
function board(): Y.Doc {
  const doc = new Y.Doc();
  initBoard(doc, { title: '梁溪区', year: 2026, criteria: [{ id: 'k1', name: '成效', weight: 100 }] }, 'seed');
  createProject(
    doc,
    {
      id: 'p1',
      category: 'training',
      title: '职工技能培训',
      leadOrgId: LEAD,
      partnerOrgIds: [PARTNER],
      reviewerOrgIds: [REVIEWER],
      checklist: [{ id: 'c1', text: '方案制定', orgId: PARTNER }],
      createdBy: 'u-lead',
      now: NOW,
    },
    'seed',
  );
  setFunding(doc, 'p1', LEAD, 100_000, 'seed');
  addExpense(doc, 'p1', { id: 'e1', date: '2026-03-02', amountFen: 5000, orgId: PARTNER, purpose: '场地' }, 'seed');
  return doc;
}

/** What `actor` may do: the command run on a replica, its update inspected and checked on the server's doc. */
function outcome(actor: Actor, edit: (doc: Y.Doc) => void): string {
  const server = board();
  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
  const before = Y.encodeStateVector(client);
  edit(client);
  const changes = inspectUpdate(server, Y.encodeStateAsUpdate(client, before));
  const refused = forbiddenChange(server, changes, actor);
  return refused ? `${refused.reason} ${refused.path}` : 'ok';
}

const score = (org: string) => (doc: Y.Doc) => setScore(doc, 'p1', org, { criteria: { k1: 90 } }, NOW, 'c');
const forgedScore = (org: string) => (doc: Y.Doc) => {
  const scores = (doc.getMap('projects').get('p1') as Y.Map<unknown>).get('scores') as Y.Map<unknown>;
  const entry = new Y.Map<unknown>();
  scores.set(org, entry);
  for (const [key, value] of Object.entries({ k1: 90, comment: '', at: NOW })) entry.set(key, value);
};
const newProject = (leadOrgId: string) => (doc: Y.Doc) =>
  createProject(doc, { id: 'p2', category: 'culture', title: '新项目', leadOrgId, createdBy: 'u', now: NOW }, 'c');

describe('forbiddenChange on real command updates', () => {
  it.each([
    ['coordinator retitles the board', coordinator, (d: Y.Doc) => d.getMap('meta').set('title', '新标题'), 'ok'],
    [
      'editor retitles the board',
      lead,
      (d: Y.Doc) => d.getMap('meta').set('title', '新标题'),
      'coordinator_only meta/title',
    ],
    [
      'viewer retitles the board',
      viewer,
      (d: Y.Doc) => d.getMap('meta').set('title', 'x'),
      'viewer_read_only meta/title',
    ],
    ['editor creates a project its org leads', lead, newProject(LEAD), 'ok'],
    ['editor creates a project another org leads', lead, newProject(OTHER), 'lead_org_only projects/p2'],
    ['editor without an org creates a project', noOrg, newProject(LEAD), 'lead_org_only projects/p2'],
    ['coordinator deletes a project', coordinator, (d: Y.Doc) => deleteProject(d, 'p1', 'c'), 'ok'],
    ['lead org deletes its project', lead, (d: Y.Doc) => deleteProject(d, 'p1', 'c'), 'coordinator_only projects/p1'],
    ['lead org retitles its project', lead, (d: Y.Doc) => updateProject(d, 'p1', { title: '新' }, 'c'), 'ok'],
    [
      'partner retitles the project',
      partner,
      (d: Y.Doc) => updateProject(d, 'p1', { title: '新' }, 'c'),
      'lead_org_only projects/p1/title',
    ],
    [
      'lead org hands the lead over',
      lead,
      (d: Y.Doc) => updateProject(d, 'p1', { leadOrgId: OTHER }, 'c'),
      'coordinator_only projects/p1/leadOrgId',
    ],
    [
      'partner ticks its checklist item',
      partner,
      (d: Y.Doc) => setChecklistStatus(d, 'p1', 'c1', { status: 'done' }, 'c'),
      'ok',
    ],
    [
      'other org ticks the item',
      other,
      (d: Y.Doc) => setChecklistStatus(d, 'p1', 'c1', { status: 'done' }, 'c'),
      'not_your_org projects/p1/checklist/c1/status',
    ],
    [
      'lead org ticks a partner’s item',
      lead,
      (d: Y.Doc) => setChecklistStatus(d, 'p1', 'c1', { status: 'doing' }, 'c'),
      'ok',
    ],
    [
      'partner rewrites its item’s text',
      partner,
      (d: Y.Doc) => editChecklistText(d, 'p1', 'c1', '改写', 'c'),
      'lead_org_only projects/p1/checklist/c1/text',
    ],
    [
      'partner reassigns its item to another org',
      partner,
      (d: Y.Doc) => assignChecklistItem(d, 'p1', 'c1', { orgId: OTHER }, 'c'),
      'lead_org_only projects/p1/checklist/c1/orgId',
    ],
    [
      'partner adds a checklist item',
      partner,
      (d: Y.Doc) => addChecklistItem(d, 'p1', { text: '新事项', orgId: PARTNER }, 'c'),
      expect.stringMatching(/^lead_org_only projects\/p1\/checklist\//),
    ],
    [
      'partner records its own expense',
      partner,
      (d: Y.Doc) => addExpense(d, 'p1', { date: '2026-03-03', amountFen: 100, orgId: PARTNER }, 'c'),
      'ok',
    ],
    [
      'partner records an expense for the lead org',
      partner,
      (d: Y.Doc) => addExpense(d, 'p1', { date: '2026-03-03', amountFen: 100, orgId: LEAD }, 'c'),
      expect.stringMatching(/^not_your_org projects\/p1\/expenses\//),
    ],
    [
      'lead org removes a partner’s expense',
      lead,
      (d: Y.Doc) => removeExpense(d, 'p1', 'e1', 'c'),
      'not_your_org projects/p1/expenses/e1',
    ],
    [
      'coordinator removes an org’s expense',
      coordinator,
      (d: Y.Doc) => removeExpense(d, 'p1', 'e1', 'c'),
      'not_your_org projects/p1/expenses/e1',
    ],
    ['partner plans its own funding', partner, (d: Y.Doc) => setFunding(d, 'p1', PARTNER, 2000, 'c'), 'ok'],
    [
      'partner plans the lead org’s funding',
      partner,
      (d: Y.Doc) => setFunding(d, 'p1', LEAD, 2000, 'c'),
      `not_your_org projects/p1/funding/${LEAD}`,
    ],
    [
      'partner keeps the ledger',
      partner,
      (d: Y.Doc) => addLedgerEntry(d, 'p1', { date: '2026-03-04', title: '开班' }, 'c'),
      'ok',
    ],
    [
      'other org keeps the ledger',
      other,
      (d: Y.Doc) => addLedgerEntry(d, 'p1', { date: '2026-03-04', title: '开班' }, 'c'),
      expect.stringMatching(/^lead_org_only projects\/p1\/ledger\//),
    ],
    ['partner scores', partner, score(PARTNER), 'ok'],
    ['reviewer (a viewer) scores', reviewer, score(REVIEWER), 'ok'],
    [
      'viewer not asked scores (written by hand: the command refuses too)',
      viewer,
      forgedScore(OTHER),
      `not_asked_to_score projects/p1/scores/${OTHER}`,
    ],
    ['lead org scores itself (by hand)', lead, forgedScore(LEAD), `lead_org_never_scores projects/p1/scores/${LEAD}`],
    ['partner scores for the reviewer', partner, score(REVIEWER), `not_your_org projects/p1/scores/${REVIEWER}`],
    ['coordinator scores for the partner', coordinator, score(PARTNER), `not_your_org projects/p1/scores/${PARTNER}`],
    [
      'lead org moves its project forward',
      lead,
      (d: Y.Doc) => changeStage(d, 'p1', { to: 'approved', by: 'u', now: NOW }, 'c'),
      'ok',
    ],
    [
      'partner moves the project',
      partner,
      (d: Y.Doc) => changeStage(d, 'p1', { to: 'approved', by: 'u', now: NOW }, 'c'),
      'lead_org_only projects/p1/stage',
    ],
    [
      'viewer moves the project',
      viewer,
      (d: Y.Doc) => changeStage(d, 'p1', { to: 'approved', by: 'u', now: NOW }, 'c'),
      'viewer_read_only projects/p1/stage',
    ],
  ])('%s', (_name, actor, edit, expected) => {
    expect(outcome(actor, edit as (doc: Y.Doc) => void)).toEqual(expected);
  });

  it('lets only a coordinator move a project back', () => {
    const moved = (actor: Actor) => {
      const server = board();
      changeStage(server, 'p1', { to: 'approved', by: 'u', now: NOW }, 'seed');
      const client = new Y.Doc();
      Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
      const before = Y.encodeStateVector(client);
      changeStage(client, 'p1', { to: 'planning', by: 'u', now: NOW, reason: '预算调整' }, 'c');
      const refused = forbiddenChange(server, inspectUpdate(server, Y.encodeStateAsUpdate(client, before)), actor);
      return refused && `${refused.reason} ${refused.path}`;
    };
    expect(moved(lead)).toBe('moving_back_coordinator_only projects/p1/stage');
    expect(moved(coordinator)).toBeNull();
  });

  it('treats an update sent twice as no change', () => {
    const server = board();
    const client = new Y.Doc();
    Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
    const before = Y.encodeStateVector(client);
    client.getMap('meta').set('title', '再次');
    const update = Y.encodeStateAsUpdate(client, before);
    Y.applyUpdate(server, update);
    expect(inspectUpdate(server, update)).toEqual([]);
  });
});
