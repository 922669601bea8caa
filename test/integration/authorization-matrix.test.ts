import {
  addChecklistItem,
  addExpense,
  addLedgerEntry,
  assignChecklistItem,
  changeStage,
  createProject,
  deleteProject,
  editChecklistText,
  removeChecklistItem,
  removeExpense,
  setChecklistStatus,
  setFunding,
  setIndicatorActual,
  updateProject,
  waiveChecklistItem,
} from '@gongjian/shared';
import type { Socket } from 'socket.io-client';
import * as Y from 'yjs';
import type { BoardSyncProvider } from '../../client/src/lib/sync/board-sync-provider';
import { api, login } from '../support/api';
import { eventually, loadFresh, openClient } from '../support/clients';
import type { ServerProcess } from '../support/server-process';
import { startStack, TestStack } from '../support/stack';
import { connected, editUpdate, emitAck, rawSocket, SyncAck } from '../support/sync-sockets';

/**
 * Who may do what, over REST and over the socket, against two real server processes sharing one
 * database and one Redis: every role of the demo board against every protected operation. Each
 * allowed write must also reach a client on the other instance; each refusal is checked to the
 * exact code (and, on the socket, path and reason), and no refused write may be stored anywhere.
 */

const BOARD = 'demo-liangxi-2026';
const DEMO_PASSWORD = 'demo12345';
const PASSWORD = 'Matrix-Test-Passphrase-2026';
const NOW = '2026-03-01T08:00:00.000Z';
const ORIGIN = 'matrix';

/** The fixture project's organizations. */
const LEAD = 'liangxi-union';
const PARTNER = 'liangxi-youth';
const REVIEWER = 'liangxi-office';
const UNRELATED = 'liangxi-women';

type Role = 'admin' | 'coord' | 'union' | 'youth' | 'women' | 'leader' | 'outsider';
type Actor = Role | 'anonymous';
const DEMO_ROLES = ['admin', 'coord', 'union', 'youth', 'women', 'leader'] as const;
const ROLE_LABELS: Record<Actor, string> = {
  admin: 'admin (system admin)',
  coord: 'coord (coordinator)',
  union: 'union (lead-org editor)',
  youth: 'youth (partner/responsible editor)',
  women: 'women (unrelated editor)',
  leader: 'leader (viewer, reviewer org)',
  outsider: 'outsider (no membership)',
  anonymous: 'anonymous',
};

// ─── the document ───────────────────────────────────────────────────────────────────────────────

type YMap = Y.Map<unknown>;
const projects = (doc: Y.Doc) => doc.getMap<YMap>('projects');
const project = (doc: Y.Doc, p: string) => projects(doc).get(p);
const entry = (doc: Y.Doc, p: string, collection: string, id: string) =>
  (project(doc, p)?.get(collection) as YMap | undefined)?.get(id) as YMap | undefined;
const textOf = (value: unknown) => (value instanceof Y.Text ? value.toString() : undefined);

/**
 * A fixture project of its own for every socket case, created by the coordinator: led by the
 * district union, the youth league a partner, the district office a reviewer; a checklist item the
 * youth league answers for (cY) and one the union answers for (cU); an indicator; funding of both;
 * an expense of each (eY, eU, written by each org's own user).
 */
function addFixture(doc: Y.Doc, p: string): void {
  createProject(
    doc,
    {
      id: p,
      category: 'training',
      title: `权限矩阵 ${p}`,
      leadOrgId: LEAD,
      partnerOrgIds: [PARTNER],
      reviewerOrgIds: [REVIEWER],
      startDate: '2026-03-01',
      checklist: [
        { id: 'cY', text: '团区委负责的事项', orgId: PARTNER },
        { id: 'cU', text: '总工会负责的事项', orgId: LEAD },
      ],
      indicators: [{ id: 'ind1', name: '参与人数', unit: '人', target: 100 }],
      createdBy: 'demo-coord',
      now: NOW,
    },
    ORIGIN,
  );
  setFunding(doc, p, LEAD, 100_000, ORIGIN);
  setFunding(doc, p, PARTNER, 50_000, ORIGIN);
}

function addOwnExpense(doc: Y.Doc, p: string, id: string, orgId: string): void {
  addExpense(doc, p, { id, date: '2026-03-01', amountFen: 10_000, orgId, purpose: '场地' }, ORIGIN);
}

// ─── socket cases ───────────────────────────────────────────────────────────────────────────────

/** One protected operation on a fixture project `p`: the write, whether its effect is stored, and the path a refusal names. */
interface Op {
  label: string;
  edit(doc: Y.Doc, p: string): void;
  stored(doc: Y.Doc, p: string): boolean;
  path(p: string): string;
  /** The fixture is first moved to 立项 (approved) by the coordinator. */
  approved?: boolean;
}

type Outcome = 'ok' | { forbidden: string } | { gate_failed: string[] };

const score = (org: string): Op => ({
  label: `writes scores/${org}`,
  edit: (doc, p) => {
    const scores = project(doc, p)!.get('scores') as YMap;
    doc.transact(
      () => scores.set(org, new Y.Map<unknown>(Object.entries({ implementation: 90, comment: '执行到位', at: NOW }))),
      ORIGIN,
    );
  },
  stored: (doc, p) => (project(doc, p)?.get('scores') as YMap | undefined)?.has(org) === true,
  path: (p) => `projects/${p}/scores/${org}`,
});

const expenseOf = (org: string): Op => ({
  label: `adds an expense of ${org}`,
  edit: (doc, p) => addOwnExpense(doc, p, 'xNew', org),
  stored: (doc, p) => entry(doc, p, 'expenses', 'xNew') !== undefined,
  path: (p) => `projects/${p}/expenses/xNew`,
});

const fundingOf = (org: string): Op => ({
  label: `sets funding/${org}`,
  edit: (doc, p) => setFunding(doc, p, org, 123_400, ORIGIN),
  stored: (doc, p) => (project(doc, p)?.get('funding') as YMap | undefined)?.get(org) === 123_400,
  path: (p) => `projects/${p}/funding/${org}`,
});

const newProject = (leadOrgId: string): Op => ({
  label: `creates a project led by ${leadOrgId}`,
  edit: (doc, p) => {
    createProject(
      doc,
      { id: `${p}-new`, category: 'culture', title: `新项目 ${p}`, leadOrgId, createdBy: 'demo-coord', now: NOW },
      ORIGIN,
    );
  },
  stored: (doc, p) => projects(doc).has(`${p}-new`),
  path: (p) => `projects/${p}-new`,
});

const OPS = {
  boardTitle: {
    label: 'retitles the board (meta/title)',
    edit: (doc, p) => doc.transact(() => doc.getMap('meta').set('title', `矩阵标题 ${p}`), ORIGIN),
    stored: (doc, p) => doc.getMap('meta').get('title') === `矩阵标题 ${p}`,
    path: () => 'meta/title',
  },
  newUnionProject: newProject(LEAD),
  newYouthProject: newProject(PARTNER),
  newOfficeProject: newProject(REVIEWER),
  deleteProject: {
    label: 'deletes the project',
    edit: (doc, p) => deleteProject(doc, p, ORIGIN),
    stored: (doc, p) => !projects(doc).has(p),
    path: (p) => `projects/${p}`,
  },
  leadOrg: {
    label: 'changes the leadOrgId of an existing project',
    edit: (doc, p) => updateProject(doc, p, { leadOrgId: UNRELATED }, ORIGIN),
    stored: (doc, p) => project(doc, p)?.get('leadOrgId') === UNRELATED,
    path: (p) => `projects/${p}/leadOrgId`,
  },
  title: {
    label: "edits the project's title",
    edit: (doc, p) => updateProject(doc, p, { title: `改过的标题 ${p}` }, ORIGIN),
    stored: (doc, p) => textOf(project(doc, p)?.get('title')) === `改过的标题 ${p}`,
    path: (p) => `projects/${p}/title`,
  },
  addPartner: {
    label: 'adds a partner org',
    edit: (doc, p) => updateProject(doc, p, { partnerOrgIds: { add: [UNRELATED] } }, ORIGIN),
    stored: (doc, p) => (project(doc, p)?.get('partnerOrgIds') as YMap | undefined)?.get(UNRELATED) === true,
    path: (p) => `projects/${p}/partnerOrgIds/${UNRELATED}`,
  },
  approve: {
    label: 'moves the stage forward 策划 → 立项',
    edit: (doc, p) => {
      const unmet = changeStage(doc, p, { to: 'approved', by: 'demo-x', now: NOW, id: 'move1' }, ORIGIN);
      if (unmet.length > 0) throw new Error(`fixture ${p} cannot be approved: ${unmet.map((c) => c.code).join(', ')}`);
    },
    stored: (doc, p) => project(doc, p)?.get('stage') === 'approved',
    path: (p) => `projects/${p}/stage`,
  },
  skipToEvaluation: {
    label: 'moves the stage forward to 考核 with open checklist items',
    edit: (doc, p) => doc.transact(() => project(doc, p)!.set('stage', 'evaluation'), ORIGIN),
    stored: (doc, p) => project(doc, p)?.get('stage') === 'evaluation',
    path: (p) => `projects/${p}/stage`,
  },
  backWithReason: {
    label: 'moves the stage back 立项 → 策划 with a reason',
    approved: true,
    edit: (doc, p) => {
      const unmet = changeStage(
        doc,
        p,
        { to: 'planning', reason: '预算需要重新论证', by: 'demo-x', now: NOW, id: 'back1' },
        ORIGIN,
      );
      if (unmet.length > 0) throw new Error(`fixture ${p} cannot move back: ${unmet.map((c) => c.code).join(', ')}`);
    },
    stored: (doc, p) => project(doc, p)?.get('stage') === 'planning',
    path: (p) => `projects/${p}/stage`,
  },
  backWithoutReason: {
    label: 'moves the stage back 立项 → 策划 without a reason',
    approved: true,
    edit: (doc, p) => doc.transact(() => project(doc, p)!.set('stage', 'planning'), ORIGIN),
    stored: (doc, p) => project(doc, p)?.get('stage') === 'planning',
    path: (p) => `projects/${p}/stage`,
  },
  statusPartnerItem: {
    label: 'sets the status of the item the youth league answers for (cY)',
    edit: (doc, p) => setChecklistStatus(doc, p, 'cY', { status: 'done', evidence: '签到表' }, ORIGIN),
    stored: (doc, p) => entry(doc, p, 'checklist', 'cY')?.get('status') === 'done',
    path: (p) => `projects/${p}/checklist/cY/status`,
  },
  statusLeadItem: {
    label: 'sets the status of the item the union answers for (cU)',
    edit: (doc, p) => setChecklistStatus(doc, p, 'cU', { status: 'doing' }, ORIGIN),
    stored: (doc, p) => entry(doc, p, 'checklist', 'cU')?.get('status') === 'doing',
    path: (p) => `projects/${p}/checklist/cU/status`,
  },
  waivePartnerItem: {
    label: 'waives cY with a reason',
    edit: (doc, p) => waiveChecklistItem(doc, p, 'cY', '本年度不适用', ORIGIN),
    stored: (doc, p) => entry(doc, p, 'checklist', 'cY')?.get('status') === 'waived',
    path: (p) => `projects/${p}/checklist/cY/status`,
  },
  assigneePartnerItem: {
    label: 'names the assignee of cY',
    edit: (doc, p) => assignChecklistItem(doc, p, 'cY', { assignee: '吴昊' }, ORIGIN),
    stored: (doc, p) => entry(doc, p, 'checklist', 'cY')?.get('assignee') === '吴昊',
    path: (p) => `projects/${p}/checklist/cY/assignee`,
  },
  reassignPartnerItem: {
    label: 'changes the responsible org of cY',
    edit: (doc, p) => assignChecklistItem(doc, p, 'cY', { orgId: UNRELATED }, ORIGIN),
    stored: (doc, p) => entry(doc, p, 'checklist', 'cY')?.get('orgId') === UNRELATED,
    path: (p) => `projects/${p}/checklist/cY/orgId`,
  },
  textPartnerItem: {
    label: 'edits the text of cY',
    edit: (doc, p) => editChecklistText(doc, p, 'cY', '改写后的事项', ORIGIN),
    stored: (doc, p) => textOf(entry(doc, p, 'checklist', 'cY')?.get('text')) === '改写后的事项',
    path: (p) => `projects/${p}/checklist/cY/text`,
  },
  addItem: {
    label: 'adds a checklist item',
    edit: (doc, p) => addChecklistItem(doc, p, { id: 'cNew', text: '新增事项', orgId: PARTNER }, ORIGIN),
    stored: (doc, p) => entry(doc, p, 'checklist', 'cNew') !== undefined,
    path: (p) => `projects/${p}/checklist/cNew`,
  },
  removeItem: {
    label: 'removes checklist item cY',
    edit: (doc, p) => removeChecklistItem(doc, p, 'cY', ORIGIN),
    stored: (doc, p) => project(doc, p) !== undefined && entry(doc, p, 'checklist', 'cY') === undefined,
    path: (p) => `projects/${p}/checklist/cY`,
  },
  partnerExpense: expenseOf(PARTNER),
  leadExpense: expenseOf(LEAD),
  officeExpense: expenseOf(REVIEWER),
  removePartnerExpense: {
    label: "removes the youth league's expense eY",
    edit: (doc, p) => removeExpense(doc, p, 'eY', ORIGIN),
    stored: (doc, p) => project(doc, p) !== undefined && entry(doc, p, 'expenses', 'eY') === undefined,
    path: (p) => `projects/${p}/expenses/eY`,
  },
  changeLeadExpense: {
    label: "changes the amount of the union's expense eU",
    edit: (doc, p) => doc.transact(() => entry(doc, p, 'expenses', 'eU')!.set('amountFen', 1), ORIGIN),
    stored: (doc, p) => entry(doc, p, 'expenses', 'eU')?.get('amountFen') === 1,
    path: (p) => `projects/${p}/expenses/eU/amountFen`,
  },
  partnerFunding: fundingOf(PARTNER),
  leadFunding: fundingOf(LEAD),
  unrelatedFunding: fundingOf(UNRELATED),
  ledger: {
    label: 'adds a ledger entry',
    edit: (doc, p) =>
      addLedgerEntry(doc, p, { id: 'lNew', date: '2026-03-02', title: '培训签到', participants: 30 }, ORIGIN),
    stored: (doc, p) => entry(doc, p, 'ledger', 'lNew') !== undefined,
    path: (p) => `projects/${p}/ledger/lNew`,
  },
  partnerScore: score(PARTNER),
  reviewerScore: score(REVIEWER),
  leadScore: score(LEAD),
  unrelatedScore: score(UNRELATED),
  coordOrgScore: score('chongansi-center'),
  indicatorActual: {
    label: 'records an indicator actual',
    edit: (doc, p) => setIndicatorActual(doc, p, 'ind1', 42, ORIGIN),
    stored: (doc, p) => entry(doc, p, 'indicators', 'ind1')?.get('actual') === 42,
    path: (p) => `projects/${p}/indicators/ind1/actual`,
  },
} satisfies Record<string, Op>;
type OpName = keyof typeof OPS;

const ok = 'ok' as const;
const no = (reason: string): Outcome => ({ forbidden: reason });
const gate = (...codes: string[]): Outcome => ({ gate_failed: codes });

/** op → role → outcome: the rules of shared/src/board/permissions.ts, written out. */
const WRITE_MATRIX: Array<[OpName, Partial<Record<Role, Outcome>>]> = [
  [
    'boardTitle',
    {
      admin: ok,
      coord: ok,
      union: no('coordinator_only'),
      youth: no('coordinator_only'),
      women: no('coordinator_only'),
      leader: no('viewer_read_only'),
    },
  ],
  [
    'newUnionProject',
    {
      admin: ok,
      coord: ok,
      union: ok,
      youth: no('lead_org_only'),
      women: no('lead_org_only'),
      leader: no('viewer_read_only'),
    },
  ],
  ['newYouthProject', { youth: ok, union: no('lead_org_only') }],
  ['newOfficeProject', { leader: no('viewer_read_only') }],
  [
    'deleteProject',
    {
      admin: ok,
      coord: ok,
      union: no('coordinator_only'),
      youth: no('coordinator_only'),
      women: no('coordinator_only'),
      leader: no('viewer_read_only'),
    },
  ],
  [
    'leadOrg',
    {
      admin: ok,
      coord: ok,
      union: no('coordinator_only'),
      youth: no('coordinator_only'),
      leader: no('viewer_read_only'),
    },
  ],
  [
    'title',
    {
      admin: ok,
      coord: ok,
      union: ok,
      youth: no('lead_org_only'),
      women: no('lead_org_only'),
      leader: no('viewer_read_only'),
    },
  ],
  ['addPartner', { union: ok, youth: no('lead_org_only'), women: no('lead_org_only') }],
  [
    'approve',
    { coord: ok, union: ok, youth: no('lead_org_only'), women: no('lead_org_only'), leader: no('viewer_read_only') },
  ],
  ['skipToEvaluation', { coord: gate('checklist_item_open'), union: gate('checklist_item_open') }],
  [
    'backWithReason',
    {
      admin: ok,
      coord: ok,
      union: no('moving_back_coordinator_only'),
      youth: no('lead_org_only'),
      leader: no('viewer_read_only'),
    },
  ],
  ['backWithoutReason', { coord: gate('reason_required') }],
  [
    'statusPartnerItem',
    { admin: ok, coord: ok, union: ok, youth: ok, women: no('not_your_org'), leader: no('viewer_read_only') },
  ],
  ['statusLeadItem', { union: ok, youth: no('not_your_org') }],
  ['waivePartnerItem', { youth: ok, women: no('not_your_org') }],
  ['assigneePartnerItem', { youth: ok, women: no('not_your_org') }],
  ['reassignPartnerItem', { coord: ok, union: ok, youth: no('lead_org_only') }],
  ['textPartnerItem', { union: ok, youth: no('lead_org_only') }],
  [
    'addItem',
    { coord: ok, union: ok, youth: no('lead_org_only'), women: no('lead_org_only'), leader: no('viewer_read_only') },
  ],
  ['removeItem', { coord: ok, union: ok, youth: no('lead_org_only') }],
  [
    'partnerExpense',
    {
      youth: ok,
      admin: no('not_your_org'),
      coord: no('not_your_org'),
      union: no('not_your_org'),
      women: no('not_your_org'),
      leader: no('viewer_read_only'),
    },
  ],
  ['leadExpense', { union: ok, youth: no('not_your_org') }],
  ['officeExpense', { leader: no('viewer_read_only') }],
  ['removePartnerExpense', { youth: ok, coord: no('not_your_org'), union: no('not_your_org') }],
  ['changeLeadExpense', { union: ok, youth: no('not_your_org') }],
  ['partnerFunding', { coord: ok, union: ok, youth: ok, women: no('not_your_org'), leader: no('viewer_read_only') }],
  ['leadFunding', { union: ok, youth: no('not_your_org') }],
  ['unrelatedFunding', { women: ok }],
  ['ledger', { coord: ok, union: ok, youth: ok, women: no('lead_org_only'), leader: no('viewer_read_only') }],
  [
    'partnerScore',
    {
      youth: ok,
      admin: no('not_your_org'),
      coord: no('not_your_org'),
      union: no('not_your_org'),
      leader: no('not_your_org'),
    },
  ],
  ['reviewerScore', { leader: ok, youth: no('not_your_org') }],
  ['leadScore', { union: no('lead_org_never_scores') }],
  ['unrelatedScore', { women: no('not_asked_to_score') }],
  ['coordOrgScore', { coord: no('not_asked_to_score') }],
  ['indicatorActual', { coord: ok, union: ok, youth: no('lead_org_only') }],
];

interface WriteCase {
  kind: 'write';
  name: string;
  user: Role;
  op: OpName;
  outcome: Outcome;
  instance: 0 | 1;
  fixture: string;
}
interface JoinCase {
  kind: 'join';
  name: string;
  user: Role;
  instance: 0 | 1;
  expected: SyncAck;
}
interface SpecialCase {
  kind: 'outsider-y' | 'admin-non-member-board';
  name: string;
  user: Role;
  instance: 0 | 1;
}
type SocketCase = WriteCase | JoinCase | SpecialCase;

const describeOutcome = (outcome: Outcome) =>
  outcome === 'ok'
    ? 'ok'
    : 'forbidden' in outcome
      ? `forbidden ${outcome.forbidden}`
      : `gate_failed ${outcome.gate_failed.join(',')}`;

const SOCKET_CASES: SocketCase[] = (() => {
  const cases: SocketCase[] = [];
  const instance = () => (cases.length % 2) as 0 | 1;
  const number = () => String(cases.length + 1).padStart(3, '0');
  for (const [op, roles] of WRITE_MATRIX) {
    for (const [user, outcome] of Object.entries(roles) as Array<[Role, Outcome]>) {
      const at = instance();
      cases.push({
        kind: 'write',
        name: `socket #${number()} on instance ${at}: ${ROLE_LABELS[user]} ${OPS[op].label} → ${describeOutcome(outcome)}`,
        user,
        op,
        outcome,
        instance: at,
        fixture: `mx${number()}`,
      });
    }
  }
  const joins: Array<[Role, SyncAck]> = [
    ['admin', { ok: true, role: 'coordinator' }],
    ['coord', { ok: true, role: 'coordinator' }],
    ['union', { ok: true, role: 'editor' }],
    ['youth', { ok: true, role: 'editor' }],
    ['women', { ok: true, role: 'editor' }],
    ['leader', { ok: true, role: 'viewer' }],
    ['outsider', { ok: false, error: 'not_found' }],
  ];
  for (const [user, expected] of joins) {
    const at = instance();
    const what = expected.ok ? `joins as ${expected.role}` : 'is refused the join with not_found';
    cases.push({
      kind: 'join',
      name: `socket #${number()} on instance ${at}: ${ROLE_LABELS[user]} ${what}`,
      user,
      instance: at,
      expected,
    });
  }
  let at = instance();
  cases.push({
    kind: 'outsider-y',
    name: `socket #${number()} on instance ${at}: ${ROLE_LABELS.outsider} sends an update to the board it could not join → forbidden`,
    user: 'outsider',
    instance: at,
  });
  at = instance();
  cases.push({
    kind: 'admin-non-member-board',
    name: `socket #${number()} on instance ${at}: ${ROLE_LABELS.admin} joins a board it is no member of as coordinator and retitles it → ok`,
    user: 'admin',
    instance: at,
  });
  return cases;
})();

// ─── REST cases ─────────────────────────────────────────────────────────────────────────────────

type Vars = Record<string, string>;
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
interface RestCase {
  name: string;
  user: Actor;
  instance: 0 | 1;
  method: Method;
  /** Makes what the request needs (fresh users, orgs, regions, boards); returns names for the path. */
  setup?: () => Promise<Vars>;
  path: (v: Vars) => string;
  body?: (v: Vars) => unknown;
  status: number;
  code?: string;
  response?: (body: unknown, v: Vars) => void;
  /** Run against the OTHER instance: the change is visible there (allowed), or nothing changed (refused). */
  check?: (url: string, v: Vars) => Promise<void>;
}

describe('authorization matrix across two instances', () => {
  let stack: TestStack;
  let servers: ServerProcess[];
  const cookies = {} as Record<Role, string>;
  /** One raw socket per user and instance, joined to the board (the outsider's is connected, not joined). */
  const sockets = {} as Record<Role, [Socket, Socket]>;
  const extraSockets: Socket[] = [];
  /** A client per instance that follows the board: what the instance holds. */
  const observers: BoardSyncProvider[] = [];
  const refusedWrites: Array<{ name: string; fixture: string; op: OpName }> = [];
  let outsiderId = '';
  let unique = 0;
  const nextId = (prefix: string) => `${prefix}-${(unique += 1)}-${Math.random().toString(36).slice(2, 6)}`;

  const url = (instance: number) => servers[instance].url;
  const as = (actor: Actor) => (actor === 'anonymous' ? '' : cookies[actor]);

  // Setup helpers (always instance 0, as the admin or the coordinator).
  async function newUser(orgId: string | null = null): Promise<{ id: string; username: string }> {
    const username = nextId('mx-user');
    const created = await api<{ id: string }>(url(0), '/api/users', cookies.admin, {
      method: 'POST',
      body: { username, displayName: `矩阵用户 ${username}`, orgId, password: PASSWORD },
    });
    if (created.status !== 201)
      throw new Error(`creating ${username}: ${created.status} ${JSON.stringify(created.body)}`);
    return { id: created.body.id, username };
  }
  async function newOrg(): Promise<string> {
    const id = nextId('mx-org');
    const created = await api(url(0), '/api/orgs', cookies.admin, {
      method: 'POST',
      body: { id, name: `矩阵单位 ${id}`, kind: 'other', regionId: 'liangxi' },
    });
    if (created.status !== 201)
      throw new Error(`creating org ${id}: ${created.status} ${JSON.stringify(created.body)}`);
    return id;
  }
  async function newRegion(): Promise<string> {
    const id = nextId('mx-region');
    const created = await api(url(0), '/api/regions', cookies.admin, {
      method: 'POST',
      body: { id, name: `矩阵街道 ${id}`, level: 'township', parentId: 'liangxi' },
    });
    if (created.status !== 201)
      throw new Error(`creating region ${id}: ${created.status} ${JSON.stringify(created.body)}`);
    return id;
  }
  async function putMember(
    board: string,
    kind: 'users' | 'orgs',
    id: string,
    role: string,
    cookie = cookies.coord,
  ): Promise<void> {
    const response = await api(url(0), `/api/boards/${board}/members/${kind}/${id}`, cookie, {
      method: 'PUT',
      body: { role },
    });
    if (response.status !== 204)
      throw new Error(`membership of ${id}: ${response.status} ${JSON.stringify(response.body)}`);
  }
  async function newBoard(owner: Role): Promise<string> {
    const created = await api<{ id: string }>(url(0), '/api/boards', cookies[owner], {
      method: 'POST',
      body: { title: nextId('矩阵看板') },
    });
    if (created.status !== 201) throw new Error(`creating a board: ${created.status}`);
    return created.body.id;
  }
  async function memberRoles(
    at: string,
    board = BOARD,
  ): Promise<{ users: Record<string, string>; orgs: Record<string, string> }> {
    const members = await api<{
      users: Array<{ userId: string; role: string }>;
      orgs: Array<{ orgId: string; role: string }>;
    }>(at, `/api/boards/${board}/members`, cookies.admin);
    expect(members.status).toBe(200);
    return {
      users: Object.fromEntries(members.body.users.map((u) => [u.userId, u.role])),
      orgs: Object.fromEntries(members.body.orgs.map((o) => [o.orgId, o.role])),
    };
  }
  async function regionName(at: string, id: string): Promise<string | undefined> {
    const regions = await api<Array<{ id: string; name: string }>>(at, '/api/regions', cookies.union);
    return regions.body.find((r) => r.id === id)?.name;
  }
  async function orgName(at: string, id: string): Promise<string | undefined> {
    const orgs = await api<Array<{ id: string; name: string }>>(at, '/api/orgs', cookies.union);
    return orgs.body.find((o) => o.id === id)?.name;
  }

  const REST_CASES: RestCase[] = (() => {
    const cases: Array<Omit<RestCase, 'instance' | 'name'> & { what: string }> = [];
    const add = (what: string, c: Omit<RestCase, 'instance' | 'name'>) => cases.push({ ...c, what });
    const refused = (status: number) =>
      ({ 403: 'forbidden', 404: 'not_found', 401: 'unauthenticated', 409: 'conflict' })[
        status as 401 | 403 | 404 | 409
      ];

    // Reading a board.
    const boardRoles: Record<string, string> = {
      admin: 'coordinator',
      coord: 'coordinator',
      union: 'editor',
      youth: 'editor',
      women: 'editor',
      leader: 'viewer',
    };
    for (const user of DEMO_ROLES) {
      add(`GET /api/boards/:id → 200 ${boardRoles[user]}`, {
        user,
        method: 'GET',
        path: () => `/api/boards/${BOARD}`,
        status: 200,
        response: (body) => expect(body).toEqual({ id: BOARD, title: expect.any(String), role: boardRoles[user] }),
      });
    }
    for (const [user, status] of [
      ['outsider', 404],
      ['anonymous', 401],
    ] as const) {
      add(`GET /api/boards/:id → ${status}`, {
        user,
        method: 'GET',
        path: () => `/api/boards/${BOARD}`,
        status,
        code: refused(status),
      });
    }
    add('GET /api/boards does not list the board', {
      user: 'outsider',
      method: 'GET',
      path: () => '/api/boards',
      status: 200,
      response: (body) => expect((body as Array<{ id: string }>).map((b) => b.id)).not.toContain(BOARD),
    });
    add('GET /api/boards/:id/members → 200', {
      user: 'leader',
      method: 'GET',
      path: () => `/api/boards/${BOARD}/members`,
      status: 200,
      response: (body) =>
        expect((body as { users: unknown[] }).users).toContainEqual(
          expect.objectContaining({ userId: 'demo-coord', role: 'coordinator' }),
        ),
    });
    for (const [user, status] of [
      ['outsider', 404],
      ['anonymous', 401],
    ] as const) {
      add(`GET /api/boards/:id/members → ${status}`, {
        user,
        method: 'GET',
        path: () => `/api/boards/${BOARD}/members`,
        status,
        code: refused(status),
      });
    }
    add('GET /api/boards/:id/audit → 200', {
      user: 'leader',
      method: 'GET',
      path: () => `/api/boards/${BOARD}/audit?limit=5`,
      status: 200,
      response: (body) => expect(Array.isArray(body)).toBe(true),
    });
    for (const [user, status] of [
      ['outsider', 404],
      ['anonymous', 401],
    ] as const) {
      add(`GET /api/boards/:id/audit → ${status}`, {
        user,
        method: 'GET',
        path: () => `/api/boards/${BOARD}/audit`,
        status,
        code: refused(status),
      });
    }

    // A user's membership: coordinators (and the admin) only.
    const putUserOutcomes: Array<[Actor, number]> = [
      ['coord', 204],
      ['admin', 204],
      ['union', 403],
      ['youth', 403],
      ['women', 403],
      ['leader', 403],
      ['outsider', 404],
      ['anonymous', 401],
    ];
    for (const [user, status] of putUserOutcomes) {
      add(`PUT /api/boards/:id/members/users/:userId {editor} → ${status}`, {
        user,
        method: 'PUT',
        setup: async () => ({ target: (await newUser()).id }),
        path: (v) => `/api/boards/${BOARD}/members/users/${v.target}`,
        body: () => ({ role: 'editor' }),
        status,
        code: refused(status),
        check: async (at, v) =>
          expect((await memberRoles(at)).users[v.target]).toBe(status === 204 ? 'editor' : undefined),
      });
    }
    add('PUT /api/boards/:id/members/users/:userId changes an editor to viewer → 204', {
      user: 'coord',
      method: 'PUT',
      setup: async () => {
        const target = (await newUser()).id;
        await putMember(BOARD, 'users', target, 'editor');
        return { target };
      },
      path: (v) => `/api/boards/${BOARD}/members/users/${v.target}`,
      body: () => ({ role: 'viewer' }),
      status: 204,
      check: async (at, v) => expect((await memberRoles(at)).users[v.target]).toBe('viewer'),
    });
    const deleteUserOutcomes: Array<[Actor, number]> = [
      ['coord', 204],
      ['admin', 204],
      ['union', 403],
      ['leader', 403],
      ['outsider', 404],
      ['anonymous', 401],
    ];
    for (const [user, status] of deleteUserOutcomes) {
      add(`DELETE /api/boards/:id/members/users/:userId → ${status}`, {
        user,
        method: 'DELETE',
        setup: async () => {
          const target = (await newUser()).id;
          await putMember(BOARD, 'users', target, 'editor');
          return { target };
        },
        path: (v) => `/api/boards/${BOARD}/members/users/${v.target}`,
        status,
        code: refused(status),
        check: async (at, v) =>
          expect((await memberRoles(at)).users[v.target]).toBe(status === 204 ? undefined : 'editor'),
      });
    }

    // An organization's membership.
    const putOrgOutcomes: Array<[Actor, number]> = [
      ['coord', 204],
      ['admin', 204],
      ['union', 403],
      ['leader', 403],
      ['outsider', 404],
      ['anonymous', 401],
    ];
    for (const [user, status] of putOrgOutcomes) {
      add(`PUT /api/boards/:id/members/orgs/:orgId {viewer} → ${status}`, {
        user,
        method: 'PUT',
        setup: async () => ({ org: await newOrg() }),
        path: (v) => `/api/boards/${BOARD}/members/orgs/${v.org}`,
        body: () => ({ role: 'viewer' }),
        status,
        code: refused(status),
        check: async (at, v) => expect((await memberRoles(at)).orgs[v.org]).toBe(status === 204 ? 'viewer' : undefined),
      });
    }
    const deleteOrgOutcomes: Array<[Actor, number]> = [
      ['coord', 204],
      ['youth', 403],
      ['outsider', 404],
    ];
    for (const [user, status] of deleteOrgOutcomes) {
      add(`DELETE /api/boards/:id/members/orgs/:orgId → ${status}`, {
        user,
        method: 'DELETE',
        setup: async () => {
          const org = await newOrg();
          await putMember(BOARD, 'orgs', org, 'viewer');
          return { org };
        },
        path: (v) => `/api/boards/${BOARD}/members/orgs/${v.org}`,
        status,
        code: refused(status),
        check: async (at, v) => expect((await memberRoles(at)).orgs[v.org]).toBe(status === 204 ? undefined : 'viewer'),
      });
    }

    // A board keeps at least one coordinator: a board women created, women its only coordinator.
    const lastCoordinator: Array<[string, Actor, Method, unknown]> = [
      ['women removes herself, the last coordinator', 'women', 'DELETE', undefined],
      ['the admin removes the last coordinator', 'admin', 'DELETE', undefined],
      ['women makes herself, the last coordinator, a viewer', 'women', 'PUT', { role: 'viewer' }],
    ];
    for (const [what, user, method, body] of lastCoordinator) {
      add(`${method} /api/boards/:id/members/users/:userId: ${what} → 409`, {
        user,
        method,
        setup: async () => ({ board: await newBoard('women') }),
        path: (v) => `/api/boards/${v.board}/members/users/demo-women`,
        body: body === undefined ? undefined : () => body,
        status: 409,
        code: 'conflict',
        check: async (at, v) => expect((await memberRoles(at, v.board)).users['demo-women']).toBe('coordinator'),
      });
    }
    add('PUT /api/boards/:id/members/users/:userId on a board the admin is no member of → 204', {
      user: 'admin',
      method: 'PUT',
      setup: async () => ({ board: await newBoard('women') }),
      path: (v) => `/api/boards/${v.board}/members/users/demo-youth`,
      body: () => ({ role: 'editor' }),
      status: 204,
      check: async (at, v) => expect((await memberRoles(at, v.board)).users['demo-youth']).toBe('editor'),
    });
    add('POST /api/boards → 201 coordinator', {
      user: 'outsider',
      method: 'POST',
      path: () => '/api/boards',
      body: () => ({ title: '外部人员的看板' }),
      status: 201,
      response: (body) =>
        expect(body).toEqual({ id: expect.any(String), title: '外部人员的看板', role: 'coordinator' }),
    });
    add('POST /api/boards → 401', {
      user: 'anonymous',
      method: 'POST',
      path: () => '/api/boards',
      body: () => ({ title: 'x' }),
      status: 401,
      code: 'unauthenticated',
    });

    // The directory: administrators only.
    for (const [user, status] of [
      ['admin', 201],
      ['coord', 403],
      ['union', 403],
      ['leader', 403],
      ['outsider', 403],
      ['anonymous', 401],
    ] as Array<[Actor, number]>) {
      add(`POST /api/regions → ${status}`, {
        user,
        method: 'POST',
        setup: async () => ({ id: nextId('mx-newregion') }),
        path: () => '/api/regions',
        body: (v) => ({ id: v.id, name: `新街道 ${v.id}`, level: 'township', parentId: 'liangxi' }),
        status,
        code: refused(status),
        check: async (at, v) => expect(await regionName(at, v.id)).toBe(status === 201 ? `新街道 ${v.id}` : undefined),
      });
    }
    for (const [user, status] of [
      ['admin', 200],
      ['youth', 403],
    ] as Array<[Actor, number]>) {
      add(`PATCH /api/regions/:id → ${status}`, {
        user,
        method: 'PATCH',
        setup: async () => ({ id: await newRegion() }),
        path: (v) => `/api/regions/${v.id}`,
        body: () => ({ name: '改名的街道' }),
        status,
        code: refused(status),
        check: async (at, v) =>
          expect(await regionName(at, v.id)).toBe(status === 200 ? '改名的街道' : `矩阵街道 ${v.id}`),
      });
    }
    for (const [user, status] of [
      ['admin', 204],
      ['women', 403],
    ] as Array<[Actor, number]>) {
      add(`DELETE /api/regions/:id → ${status}`, {
        user,
        method: 'DELETE',
        setup: async () => ({ id: await newRegion() }),
        path: (v) => `/api/regions/${v.id}`,
        status,
        code: refused(status),
        check: async (at, v) =>
          expect(await regionName(at, v.id)).toBe(status === 204 ? undefined : `矩阵街道 ${v.id}`),
      });
    }
    for (const [user, status] of [
      ['admin', 201],
      ['coord', 403],
      ['anonymous', 401],
    ] as Array<[Actor, number]>) {
      add(`POST /api/orgs → ${status}`, {
        user,
        method: 'POST',
        setup: async () => ({ id: nextId('mx-neworg') }),
        path: () => '/api/orgs',
        body: (v) => ({ id: v.id, name: `新单位 ${v.id}`, kind: 'women', regionId: 'liangxi' }),
        status,
        code: refused(status),
        check: async (at, v) => expect(await orgName(at, v.id)).toBe(status === 201 ? `新单位 ${v.id}` : undefined),
      });
    }
    for (const [user, status] of [
      ['admin', 200],
      ['union', 403],
    ] as Array<[Actor, number]>) {
      add(`PATCH /api/orgs/:id → ${status}`, {
        user,
        method: 'PATCH',
        setup: async () => ({ id: await newOrg() }),
        path: (v) => `/api/orgs/${v.id}`,
        body: () => ({ name: '改名的单位' }),
        status,
        code: refused(status),
        check: async (at, v) =>
          expect(await orgName(at, v.id)).toBe(status === 200 ? '改名的单位' : `矩阵单位 ${v.id}`),
      });
    }
    for (const [user, status] of [
      ['admin', 204],
      ['leader', 403],
    ] as Array<[Actor, number]>) {
      add(`DELETE /api/orgs/:id → ${status}`, {
        user,
        method: 'DELETE',
        setup: async () => ({ id: await newOrg() }),
        path: (v) => `/api/orgs/${v.id}`,
        status,
        code: refused(status),
        check: async (at, v) => expect(await orgName(at, v.id)).toBe(status === 204 ? undefined : `矩阵单位 ${v.id}`),
      });
    }
    for (const [user, status] of [
      ['admin', 201],
      ['union', 403],
      ['anonymous', 401],
    ] as Array<[Actor, number]>) {
      add(`POST /api/users → ${status}`, {
        user,
        method: 'POST',
        setup: async () => ({ username: nextId('mx-newuser') }),
        path: () => '/api/users',
        body: (v) => ({ username: v.username, displayName: '新用户', orgId: 'liangxi-women', password: PASSWORD }),
        status,
        code: refused(status),
        // The account exists (it can sign in on the other instance) only when it was created.
        check: async (at, v) => {
          const response = await fetch(`${at}/api/auth/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ username: v.username, password: PASSWORD }),
          });
          expect(response.status).toBe(status === 201 ? 200 : 401);
        },
      });
    }
    for (const [user, status] of [
      ['admin', 200],
      ['coord', 403],
      ['anonymous', 401],
    ] as Array<[Actor, number]>) {
      add(`PATCH /api/users/:id → ${status}`, {
        user,
        method: 'PATCH',
        setup: async () => ({ id: (await newUser('liangxi-women')).id }),
        path: (v) => `/api/users/${v.id}`,
        body: () => ({ displayName: '改名的用户' }),
        status,
        code: refused(status),
        check: async (at, v) => {
          const user = await api<{ displayName: string }>(at, `/api/users/${v.id}`, cookies.admin);
          expect(user.body.displayName).toEqual(status === 200 ? '改名的用户' : expect.stringMatching(/^矩阵用户 /));
        },
      });
    }
    add('POST /api/users/:id/password → 403', {
      user: 'youth',
      method: 'POST',
      setup: async () => ({ id: (await newUser()).id }),
      path: (v) => `/api/users/${v.id}/password`,
      body: () => ({ password: 'Another-Matrix-Passphrase-1' }),
      status: 403,
      code: 'forbidden',
    });
    add('GET /api/users → 200 with the account fields', {
      user: 'admin',
      method: 'GET',
      path: () => '/api/users',
      status: 200,
      response: (body) =>
        expect(body).toContainEqual({
          id: 'demo-leader',
          username: 'leader',
          displayName: expect.any(String),
          orgId: 'liangxi-office',
          isAdmin: false,
          disabled: false,
          createdAt: expect.any(String),
        }),
    });
    add('GET /api/users → 200 with the summaries only, no account fields', {
      user: 'union',
      method: 'GET',
      path: () => '/api/users',
      status: 200,
      response: (body) => {
        const users = body as Array<Record<string, unknown>>;
        expect(users).toContainEqual({
          id: 'demo-leader',
          username: 'leader',
          displayName: expect.any(String),
          orgId: 'liangxi-office',
        });
        for (const user of users) expect(Object.keys(user).sort()).toEqual(['displayName', 'id', 'orgId', 'username']);
      },
    });
    add('GET /api/users → 401', {
      user: 'anonymous',
      method: 'GET',
      path: () => '/api/users',
      status: 401,
      code: 'unauthenticated',
    });

    return cases.map((c, index) => {
      const instance = (index % 2) as 0 | 1;
      const { what, ...rest } = c;
      return {
        ...rest,
        instance,
        name: `REST #${String(index + 1).padStart(3, '0')} on instance ${instance}: ${ROLE_LABELS[c.user]} ${what}`,
      };
    });
  })();

  beforeAll(async () => {
    stack = await startStack({ instances: 2, env: { AWARENESS_THROTTLE_MS: '10' } });
    servers = stack.servers;
    for (const user of DEMO_ROLES) cookies[user] = await login(url(0), user, DEMO_PASSWORD);
    const outsider = await api<{ id: string }>(url(0), '/api/users', cookies.admin, {
      method: 'POST',
      body: { username: 'mx-outsider', displayName: '外区人员', orgId: 'xinwu-union', password: PASSWORD },
    });
    expect(outsider.status).toBe(201);
    outsiderId = outsider.body.id;
    cookies.outsider = await login(url(1), 'mx-outsider', PASSWORD);

    // The fixtures: the coordinator creates them (and approves some); each org writes its own expense.
    const coordClient = openClient(url(0), BOARD, cookies.coord);
    const adminClient = openClient(url(1), BOARD, cookies.admin);
    observers.push(coordClient, adminClient);
    const youthClient = openClient(url(1), BOARD, cookies.youth);
    const unionClient = openClient(url(0), BOARD, cookies.union);
    try {
      await Promise.all([coordClient, adminClient, youthClient, unionClient].map((client) => client.whenSaved(20_000)));
      const writes = SOCKET_CASES.filter((c): c is WriteCase => c.kind === 'write');
      for (let i = 0; i < writes.length; i += 20) {
        coordClient.doc.transact(() => {
          for (const c of writes.slice(i, i + 20)) addFixture(coordClient.doc, c.fixture);
        }, ORIGIN);
        await coordClient.whenSaved(20_000);
      }
      await eventually(() => {
        for (const client of [youthClient, unionClient])
          expect(writes.every((c) => projects(client.doc).has(c.fixture))).toBe(true);
      });
      youthClient.doc.transact(
        () => writes.forEach((c) => addOwnExpense(youthClient.doc, c.fixture, 'eY', PARTNER)),
        ORIGIN,
      );
      unionClient.doc.transact(
        () => writes.forEach((c) => addOwnExpense(unionClient.doc, c.fixture, 'eU', LEAD)),
        ORIGIN,
      );
      await Promise.all([youthClient.whenSaved(20_000), unionClient.whenSaved(20_000)]);
      await eventually(() =>
        expect(
          writes.every(
            (c) =>
              entry(coordClient.doc, c.fixture, 'expenses', 'eY') &&
              entry(coordClient.doc, c.fixture, 'expenses', 'eU'),
          ),
        ).toBe(true),
      );
      coordClient.doc.transact(() => {
        for (const c of writes.filter((w) => (OPS[w.op] as Op).approved)) {
          const unmet = changeStage(
            coordClient.doc,
            c.fixture,
            { to: 'approved', by: 'demo-coord', now: NOW, id: 'fixture-approve' },
            ORIGIN,
          );
          if (unmet.length > 0) throw new Error(`fixture ${c.fixture}: ${unmet.map((u) => u.code).join(', ')}`);
        }
      }, ORIGIN);
      await coordClient.whenSaved(20_000);
      const complete = (doc: Y.Doc) =>
        writes.every(
          (c) =>
            entry(doc, c.fixture, 'expenses', 'eY') !== undefined &&
            entry(doc, c.fixture, 'expenses', 'eU') !== undefined &&
            project(doc, c.fixture)?.get('stage') === ((OPS[c.op] as Op).approved ? 'approved' : 'planning'),
        );
      await eventually(() => expect(observers.every((o) => complete(o.doc))).toBe(true), 20_000);
    } finally {
      youthClient.destroy();
      unionClient.destroy();
    }

    for (const user of [...DEMO_ROLES, 'outsider'] as Role[]) {
      const pair = [rawSocket(url(0), cookies[user]), rawSocket(url(1), cookies[user])] as [Socket, Socket];
      sockets[user] = pair;
      await Promise.all(pair.map(connected));
      if (user !== 'outsider')
        for (const socket of pair)
          expect(await emitAck(socket, 'join', { boardId: BOARD })).toEqual({ ok: true, role: expect.any(String) });
    }
  }, 120_000);

  afterAll(async () => {
    for (const socket of [...Object.values(sockets).flat(), ...extraSockets]) socket.disconnect();
    for (const observer of observers) observer.destroy();
    await stack?.stop();
  });

  it('has at least 60 cases, socket and REST', () => {
    expect(SOCKET_CASES.length + REST_CASES.length).toBeGreaterThanOrEqual(60);
    expect(outsiderId).not.toBe('');
  });

  it.each(SOCKET_CASES)('$name', async (c) => {
    const at = c.instance;
    const other = 1 - at;
    if (c.kind === 'join') {
      const socket = rawSocket(url(at), cookies[c.user]);
      extraSockets.push(socket);
      await connected(socket);
      expect(await emitAck(socket, 'join', { boardId: BOARD })).toEqual(c.expected);
      return;
    }
    if (c.kind === 'outsider-y') {
      const update = editUpdate(observers[at].doc, (doc) => doc.getMap('meta').set('title', '外部人员改的标题'));
      expect(await emitAck(sockets.outsider[at], 'y', BOARD, update)).toEqual({ ok: false, error: 'forbidden' });
      const fresh = await loadFresh(url(other), BOARD, cookies.coord);
      expect(fresh.getMap('meta').get('title')).not.toBe('外部人员改的标题');
      return;
    }
    if (c.kind === 'admin-non-member-board') {
      const board = await newBoard('women');
      const socket = rawSocket(url(at), cookies.admin);
      extraSockets.push(socket);
      await connected(socket);
      expect(await emitAck(socket, 'join', { boardId: board })).toEqual({ ok: true, role: 'coordinator' });
      const base = await loadFresh(url(at), board, cookies.admin);
      expect(
        await emitAck(
          socket,
          'y',
          board,
          editUpdate(base, (doc) => doc.getMap('meta').set('title', '管理员改的标题')),
        ),
      ).toEqual({ ok: true });
      await eventually(async () =>
        expect((await loadFresh(url(other), board, cookies.women)).getMap('meta').get('title')).toBe('管理员改的标题'),
      );
      return;
    }

    const op: Op = OPS[c.op];
    const p = c.fixture;
    const update = editUpdate(observers[at].doc, (doc) => op.edit(doc, p));
    const ack = await emitAck(sockets[c.user][at], 'y', BOARD, update);
    if (c.outcome === 'ok') {
      expect(ack).toEqual({ ok: true });
      // Visible on the other instance (and back on this one, so the next case builds on it).
      await eventually(() => {
        expect(op.stored(observers[other].doc, p)).toBe(true);
        expect(op.stored(observers[at].doc, p)).toBe(true);
      }, 10_000);
      return;
    }
    refusedWrites.push({ name: c.name, fixture: p, op: c.op });
    if ('forbidden' in c.outcome) {
      expect(ack).toEqual({ ok: false, error: 'forbidden', path: op.path(p), reason: c.outcome.forbidden });
    } else {
      expect(ack).toEqual({ ok: false, error: 'gate_failed', path: op.path(p), conditions: expect.any(Array) });
      expect(ack.conditions!.map((condition) => condition.code)).toEqual(c.outcome.gate_failed);
    }
    expect(op.stored(observers[at].doc, p)).toBe(false);
  });

  it.each(REST_CASES)('$name', async (c) => {
    const vars = (await c.setup?.()) ?? {};
    const response = await api<{ code?: string }>(url(c.instance), c.path(vars), as(c.user), {
      method: c.method,
      body: c.body?.(vars),
    });
    expect(response.status).toBe(c.status);
    if (c.code) expect(response.body).toEqual({ code: c.code, message: expect.any(String) });
    c.response?.(response.body, vars);
    await c.check?.(url(1 - c.instance), vars);
  });

  it('stores none of the refused socket writes on either instance', async () => {
    expect(refusedWrites.length).toBeGreaterThan(30);
    for (const instance of [0, 1]) {
      const fresh = await loadFresh(url(instance), BOARD, cookies.coord);
      const stored = refusedWrites
        .filter((write) => OPS[write.op].stored(fresh, write.fixture))
        .map((write) => write.name);
      expect(stored).toEqual([]);
    }
  });
});
