import * as Y from 'yjs';
import { boardMeta, projectsMap, readBoard, readMeta, readProject, replaceText } from './board-doc';

function mapOf(fields: Record<string, unknown>): Y.Map<unknown> {
  const map = new Y.Map<unknown>();
  for (const [key, value] of Object.entries(fields)) map.set(key, value);
  return map;
}

function setOf(...members: string[]): Y.Map<unknown> {
  return mapOf(Object.fromEntries(members.map((member) => [member, true])));
}

/** A project map written by hand, with only its required keys unless `extra` adds some. */
function addProject(doc: Y.Doc, id: string, rank: string, extra: Record<string, unknown> = {}): Y.Map<unknown> {
  const project = mapOf({
    id,
    category: 'culture',
    stage: 'planning',
    rank,
    leadOrgId: 'org-union',
    createdBy: 'u1',
    createdAt: '2026-01-01T00:00:00.000Z',
    title: new Y.Text(`项目 ${id}`),
    ...extra,
  });
  projectsMap(doc).set(id, project);
  return project;
}

describe(readBoard.name, () => {
  it('reads an empty document as an uninitialized board', () => {
    expect(readBoard(new Y.Doc())).toEqual({
      meta: { schemaVersion: 0, title: '', regionId: null, year: null, criteria: [] },
      projects: [],
    });
  });

  it('orders projects by rank, then id', () => {
    const doc = new Y.Doc();
    addProject(doc, 'b', 'i');
    addProject(doc, 'c', 'h');
    addProject(doc, 'a', 'i');
    expect(readBoard(doc).projects.map((project) => project.id)).toEqual(['c', 'a', 'b']);
  });

  it('leaves out a project entry that is not a map', () => {
    const doc = new Y.Doc();
    addProject(doc, 'a', 'i');
    projectsMap(doc).set('junk', 'not a project');
    expect(readBoard(doc).projects.map((project) => project.id)).toEqual(['a']);
  });

  it('reads meta', () => {
    const doc = new Y.Doc();
    const meta = boardMeta(doc);
    meta.set('schemaVersion', 1);
    meta.set('title', '梁溪区');
    meta.set('year', 2026);
    meta.set('criteria', [{ id: 'c', name: '实效', weight: 100 }]);
    expect(readMeta(doc)).toEqual({
      schemaVersion: 1,
      title: '梁溪区',
      regionId: null,
      year: 2026,
      criteria: [{ id: 'c', name: '实效', weight: 100 }],
    });
  });

  it('hands out copies of stored arrays', () => {
    const doc = new Y.Doc();
    boardMeta(doc).set('criteria', [{ id: 'c', name: '实效', weight: 100 }]);
    readMeta(doc).criteria[0].weight = 1;
    expect(readMeta(doc).criteria[0].weight).toBe(100);
  });
});

describe(readProject.name, () => {
  it('reads missing optional keys as their defaults', () => {
    const doc = new Y.Doc();
    const project = addProject(doc, 'p', 'i');
    expect(readProject(project)).toEqual({
      id: 'p',
      title: '项目 p',
      description: '',
      category: 'culture',
      brandActivity: null,
      stage: 'planning',
      rank: 'i',
      leadOrgId: 'org-union',
      startDate: null,
      endDate: null,
      createdBy: 'u1',
      createdAt: '2026-01-01T00:00:00.000Z',
      linkages: [],
      partnerOrgIds: [],
      reviewerOrgIds: [],
      venueIds: [],
      checklist: [],
      funding: {},
      expenses: [],
      ledger: [],
      indicators: [],
      scores: {},
      stageLog: [],
    });
  });

  it('reads a value its schema rejects as the default, and a missing id as its key', () => {
    const doc = new Y.Doc();
    const project = addProject(doc, 'p', 'i', { stage: 'finished', startDate: '2026-13-45' });
    project.delete('id');
    const read = readProject(project, 'p');
    expect([read.id, read.stage, read.startDate]).toEqual(['p', 'planning', null]);
  });

  it('reads sets as sorted arrays of their members', () => {
    const doc = new Y.Doc();
    const project = addProject(doc, 'p', 'i', {
      partnerOrgIds: setOf('org-youth', 'org-women'),
      linkages: setOf('joint_venues', 'joint_activities'),
    });
    expect(readProject(project).partnerOrgIds).toEqual(['org-women', 'org-youth']);
    expect(readProject(project).linkages).toEqual(['joint_activities', 'joint_venues']);
  });

  it('orders the checklist by rank then id, expenses and ledger by date then id, the stage log by time', () => {
    const doc = new Y.Doc();
    const item = (id: string, rank: string) => mapOf({ id, rank, status: 'todo', text: new Y.Text(id) });
    const expense = (id: string, date: string) => mapOf({ id, date, amountFen: 100, orgId: 'org-union' });
    const entry = (id: string, date: string) => mapOf({ id, date, title: id, notes: new Y.Text('') });
    const log = (id: string, at: string) => mapOf({ id, from: 'planning', to: 'approved', by: 'u1', at });
    const project = addProject(doc, 'p', 'i', {
      checklist: mapOf({ b: item('b', 'k'), a: item('a', 'k'), c: item('c', 'j') }),
      expenses: mapOf({
        e2: expense('e2', '2026-02-01'),
        e1: expense('e1', '2026-03-01'),
        e0: expense('e0', '2026-02-01'),
      }),
      ledger: mapOf({ l2: entry('l2', '2026-05-01'), l1: entry('l1', '2026-04-01') }),
      stageLog: mapOf({ s2: log('s2', '2026-02-01T00:00:00.000Z'), s1: log('s1', '2026-01-01T00:00:00.000Z') }),
    });
    const read = readProject(project);
    expect(read.checklist.map((x) => x.id)).toEqual(['c', 'a', 'b']);
    expect(read.expenses.map((x) => x.id)).toEqual(['e0', 'e2', 'e1']);
    expect(read.ledger.map((x) => x.id)).toEqual(['l1', 'l2']);
    expect(read.stageLog.map((x) => x.id)).toEqual(['s1', 's2']);
  });

  it('reads Y.Texts as strings and checklist defaults', () => {
    const doc = new Y.Doc();
    const project = addProject(doc, 'p', 'i', {
      description: new Y.Text('面向全区职工'),
      checklist: mapOf({ c: mapOf({ id: 'c', rank: 'i', status: 'done', text: new Y.Text('制定方案') }) }),
    });
    const read = readProject(project);
    expect(read.description).toBe('面向全区职工');
    expect(read.checklist).toEqual([
      {
        id: 'c',
        rank: 'i',
        text: '制定方案',
        orgId: null,
        assignee: '',
        due: null,
        status: 'done',
        waiveReason: '',
        evidence: '',
      },
    ]);
  });

  it('reads funding and scores, leaving out invalid entries, with __proto__ as a plain key', () => {
    const doc = new Y.Doc();
    const project = addProject(doc, 'p', 'i', {
      funding: mapOf({ 'org-youth': 500_000, 'org-women': -1, ['__proto__']: 7 }),
      scores: mapOf({ 'org-youth': mapOf({ plan: 80, effect: 101, comment: '扎实', at: '2026-06-01T00:00:00.000Z' }) }),
    });
    const read = readProject(project);
    expect(Object.entries(read.funding)).toEqual([
      ['__proto__', 7],
      ['org-youth', 500_000],
    ]);
    expect(read.scores['org-youth']).toEqual({
      criteria: { plan: 80 },
      comment: '扎实',
      at: '2026-06-01T00:00:00.000Z',
    });
  });
});

describe(replaceText.name, () => {
  it('turns the text into the new string', () => {
    const doc = new Y.Doc();
    const text = doc.getText('t');
    text.insert(0, '职工技能竞赛');
    replaceText(text, '职工岗位技能大赛');
    expect(text.toString()).toBe('职工岗位技能大赛');
  });

  it('keeps a concurrent edit elsewhere in the text', () => {
    const a = new Y.Doc();
    a.getText('t').insert(0, '青年志愿服务');
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    replaceText(a.getText('t'), '青年志愿服务月');
    replaceText(b.getText('t'), '巾帼青年志愿服务');
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    expect(a.getText('t').toString()).toBe('巾帼青年志愿服务月');
    expect(b.getText('t').toString()).toBe('巾帼青年志愿服务月');
  });

  it('never splits a surrogate pair', () => {
    const doc = new Y.Doc();
    const text = doc.getText('t');
    for (const [from, to] of [
      ['a😀', 'a😁'],
      ['😀b', '😁b'],
      ['\uD83C\uDE00x', '\uD83D\uDE00x'],
    ]) {
      replaceText(text, from);
      replaceText(text, to);
      expect(text.toString()).toBe(to);
    }
  });

  it('writes nothing when the text is the same', () => {
    const doc = new Y.Doc();
    const text = doc.getText('t');
    text.insert(0, '不变');
    const before = Y.encodeStateVector(doc);
    replaceText(text, '不变');
    expect(Y.encodeStateVector(doc)).toEqual(before);
  });
});
