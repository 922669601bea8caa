import * as Y from 'yjs';
import {
  addChecklistItem,
  addExpense,
  addLedgerEntry,
  assignChecklistItem,
  changeStage,
  createProject,
  deleteProject,
  editChecklistText,
  initBoard,
  moveChecklistItem,
  moveProject,
  removeChecklistItem,
  removeExpense,
  removeIndicator,
  removeLedgerEntry,
  setChecklistStatus,
  setCriteria,
  setFunding,
  setIndicator,
  setIndicatorActual,
  setScore,
  updateLedgerEntry,
  updateProject,
  waiveChecklistItem,
} from './board-commands';
import { projectMap, projectsMap, readBoard, readMeta, readProject } from './board-doc';
import { BoardCommandError, type BoardCommandErrorCode } from './board-errors';
import { entityIdSchema } from './board-values';
import {
  aBoard,
  aBoardWithProject,
  aProjectInput,
  BOARD_CRITERIA,
  NOW,
  ORIGIN,
  OTHER,
  UNION,
  WOMEN,
  YOUTH,
} from './testing/board-fixture';
import { validateBoard } from './validate-board';

const project = (doc: Y.Doc, id = 'p1') => readProject(projectMap(doc, id)!, id);

/** Runs `command` and returns the origins of the transactions that changed the document. */
function originsOf(doc: Y.Doc, command: () => unknown): unknown[] {
  const origins: unknown[] = [];
  const onUpdate = (_update: Uint8Array, origin: unknown) => origins.push(origin);
  doc.on('update', onUpdate);
  command();
  doc.off('update', onUpdate);
  return origins;
}

/** Expects `command` to throw a BoardCommandError with `code` and to have written nothing. */
function expectRefused(doc: Y.Doc, code: BoardCommandErrorCode, command: () => unknown): void {
  const before = Y.encodeStateAsUpdate(doc);
  let thrown: unknown;
  try {
    command();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(BoardCommandError);
  expect((thrown as BoardCommandError).code).toBe(code);
  expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
}

/** A project that passes the approval gate: funding, a checklist item with an org. */
function anApprovableBoard(): Y.Doc {
  const doc = aBoardWithProject({ checklist: [{ id: 'c1', text: '制定方案', orgId: UNION }] });
  setFunding(doc, 'p1', UNION, 300_000, ORIGIN);
  return doc;
}

describe(initBoard.name, () => {
  it('writes meta at the current schema version in one transaction', () => {
    const doc = new Y.Doc();
    const origins = originsOf(doc, () =>
      initBoard(doc, { title: '梁溪区 2026', regionId: 'liangxi', year: 2026, criteria: BOARD_CRITERIA }, ORIGIN),
    );
    expect(origins).toEqual([ORIGIN]);
    expect(readMeta(doc)).toEqual({
      schemaVersion: 1,
      title: '梁溪区 2026',
      regionId: 'liangxi',
      year: 2026,
      criteria: BOARD_CRITERIA,
    });
  });

  it('refuses a second init', () => {
    const doc = aBoard();
    expectRefused(doc, 'already_initialized', () => initBoard(doc, { title: '又一次' }, ORIGIN));
  });

  it('refuses criteria whose weights do not sum to 100', () => {
    const doc = new Y.Doc();
    expectRefused(doc, 'weights', () =>
      initBoard(doc, { title: 'x', criteria: [{ id: 'a', name: 'a', weight: 50 }] }, ORIGIN),
    );
  });

  it('refuses a blank title', () => {
    const doc = new Y.Doc();
    expectRefused(doc, 'invalid_input', () => initBoard(doc, { title: '  ' }, ORIGIN));
  });
});

describe(setCriteria.name, () => {
  it('replaces the rubric', () => {
    const doc = aBoard();
    const criteria = [
      { id: 'a', name: '成效', weight: 60 },
      { id: 'b', name: '规范', weight: 40 },
    ];
    expect(originsOf(doc, () => setCriteria(doc, criteria, ORIGIN))).toEqual([ORIGIN]);
    expect(readMeta(doc).criteria).toEqual(criteria);
  });

  it('refuses weights that do not sum to 100', () => {
    const doc = aBoard();
    expectRefused(doc, 'weights', () => setCriteria(doc, [{ id: 'a', name: '成效', weight: 99 }], ORIGIN));
  });

  it('refuses repeated or reserved criterion ids', () => {
    const doc = aBoard();
    const twice = [
      { id: 'a', name: 'x', weight: 50 },
      { id: 'a', name: 'y', weight: 50 },
    ];
    expectRefused(doc, 'invalid_input', () => setCriteria(doc, twice, ORIGIN));
    expectRefused(doc, 'invalid_input', () => setCriteria(doc, [{ id: 'comment', name: 'x', weight: 100 }], ORIGIN));
  });

  it('refuses a board without meta', () => {
    const doc = new Y.Doc();
    expectRefused(doc, 'not_initialized', () => setCriteria(doc, [], ORIGIN));
  });
});

describe(createProject.name, () => {
  it('adds a whole project in planning, in one transaction, and returns its id', () => {
    const doc = aBoard();
    let id = '';
    const origins = originsOf(doc, () => {
      id = createProject(doc, aProjectInput({ description: '面向青年职工', linkages: ['joint_activities'] }), ORIGIN);
    });
    expect(origins).toEqual([ORIGIN]);
    expect(id).toBe('p1');
    expect(project(doc)).toMatchObject({
      id: 'p1',
      title: '职工技能提升计划',
      description: '面向青年职工',
      category: 'employment',
      brandActivity: null,
      stage: 'planning',
      leadOrgId: UNION,
      partnerOrgIds: [YOUTH],
      reviewerOrgIds: [WOMEN],
      linkages: ['joint_activities'],
      createdBy: 'u-zhang',
      createdAt: NOW,
    });
    expect(validateBoard(doc)).toEqual([]);
  });

  it('creates every container of the project up front', () => {
    const doc = aBoardWithProject();
    const keys = [...projectMap(doc, 'p1')!.keys()].sort();
    expect(keys).toEqual(
      [
        'brandActivity',
        'category',
        'checklist',
        'createdAt',
        'createdBy',
        'description',
        'endDate',
        'expenses',
        'funding',
        'id',
        'indicators',
        'leadOrgId',
        'ledger',
        'linkages',
        'partnerOrgIds',
        'rank',
        'reviewerOrgIds',
        'scores',
        'stage',
        'stageLog',
        'startDate',
        'title',
        'venueIds',
      ].sort(),
    );
  });

  it('appends after the last project', () => {
    const doc = aBoardWithProject();
    createProject(doc, aProjectInput({ id: 'p2' }), ORIGIN);
    createProject(doc, aProjectInput({ id: 'p0' }), ORIGIN);
    expect(readBoard(doc).projects.map((p) => p.id)).toEqual(['p1', 'p2', 'p0']);
  });

  it('pre-fills a checklist in order and indicators', () => {
    const doc = aBoardWithProject({
      checklist: [
        { id: 'c1', text: '方案制定', orgId: UNION },
        { id: 'c2', text: '宣传发动', orgId: YOUTH, due: '2026-04-01' },
      ],
      indicators: [{ id: 'i1', name: '参赛职工人数', unit: '人', target: 300 }],
    });
    expect(project(doc).checklist.map((item) => [item.id, item.text, item.orgId, item.status])).toEqual([
      ['c1', '方案制定', UNION, 'todo'],
      ['c2', '宣传发动', YOUTH, 'todo'],
    ]);
    expect(project(doc).indicators).toEqual([
      { id: 'i1', name: '参赛职工人数', unit: '人', target: 300, actual: null },
    ]);
  });

  it('makes a valid id when none is given', () => {
    const doc = aBoard();
    const id = createProject(doc, aProjectInput({ id: undefined }), ORIGIN);
    expect(entityIdSchema.safeParse(id).success).toBe(true);
    expect(projectMap(doc, id)).not.toBeNull();
  });

  it('refuses an id in use', () => {
    const doc = aBoardWithProject();
    expectRefused(doc, 'already_exists', () => createProject(doc, aProjectInput(), ORIGIN));
  });

  it('refuses invalid input', () => {
    const doc = aBoard();
    expectRefused(doc, 'invalid_input', () =>
      createProject(doc, aProjectInput({ category: 'sports' as never }), ORIGIN),
    );
    expectRefused(doc, 'invalid_input', () => createProject(doc, aProjectInput({ title: 'x'.repeat(201) }), ORIGIN));
    expectRefused(doc, 'invalid_input', () => createProject(doc, aProjectInput({ now: 'yesterday' }), ORIGIN));
    expectRefused(doc, 'invalid_input', () =>
      createProject(doc, { ...aProjectInput(), color: 'red' } as never, ORIGIN),
    );
  });

  it('refuses the lead org as its own partner or reviewer', () => {
    const doc = aBoard();
    expectRefused(doc, 'invalid_input', () => createProject(doc, aProjectInput({ partnerOrgIds: [UNION] }), ORIGIN));
    expectRefused(doc, 'invalid_input', () => createProject(doc, aProjectInput({ reviewerOrgIds: [UNION] }), ORIGIN));
  });

  it('refuses an end before the start', () => {
    const doc = aBoard();
    expectRefused(doc, 'invalid_input', () =>
      createProject(doc, aProjectInput({ startDate: '2026-05-01', endDate: '2026-04-01' }), ORIGIN),
    );
  });

  it('refuses repeated checklist ids', () => {
    const doc = aBoard();
    const checklist = [
      { id: 'c1', text: 'a' },
      { id: 'c1', text: 'b' },
    ];
    expectRefused(doc, 'invalid_input', () => createProject(doc, aProjectInput({ checklist }), ORIGIN));
  });

  it('refuses a board without meta', () => {
    const doc = new Y.Doc();
    expectRefused(doc, 'not_initialized', () => createProject(doc, aProjectInput(), ORIGIN));
  });
});

describe(updateProject.name, () => {
  it('changes fields, texts and sets in one transaction', () => {
    const doc = aBoardWithProject();
    const origins = originsOf(doc, () =>
      updateProject(
        doc,
        'p1',
        {
          category: 'training',
          brandActivity: 'skills_contest',
          startDate: '2026-04-01',
          endDate: '2026-10-31',
          title: '职工技能大赛',
          description: '全区职工',
          partnerOrgIds: { add: [OTHER] },
          reviewerOrgIds: { remove: [WOMEN] },
          linkages: { add: ['joint_brand', 'joint_forces'] },
          venueIds: { add: ['v-hall'] },
        },
        ORIGIN,
      ),
    );
    expect(origins).toEqual([ORIGIN]);
    expect(project(doc)).toMatchObject({
      category: 'training',
      brandActivity: 'skills_contest',
      startDate: '2026-04-01',
      endDate: '2026-10-31',
      title: '职工技能大赛',
      description: '全区职工',
      partnerOrgIds: [OTHER, YOUTH],
      reviewerOrgIds: [],
      linkages: ['joint_brand', 'joint_forces'],
      venueIds: ['v-hall'],
    });
  });

  it('edits the title in place, keeping a concurrent edit', () => {
    const a = aBoardWithProject({ title: '技能竞赛' });
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    updateProject(a, 'p1', { title: '职工技能竞赛' }, ORIGIN);
    updateProject(b, 'p1', { title: '技能竞赛月' }, ORIGIN);
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    expect(project(a).title).toBe('职工技能竞赛月');
  });

  it('clears nullable fields with null', () => {
    const doc = aBoardWithProject({ brandActivity: 'volunteering', startDate: '2026-04-01' });
    updateProject(doc, 'p1', { brandActivity: null, startDate: null }, ORIGIN);
    expect(project(doc)).toMatchObject({ brandActivity: null, startDate: null });
  });

  it('makes a partner the lead when the same patch drops it as partner', () => {
    const doc = aBoardWithProject();
    updateProject(doc, 'p1', { leadOrgId: YOUTH, partnerOrgIds: { add: [UNION], remove: [YOUTH] } }, ORIGIN);
    expect(project(doc)).toMatchObject({ leadOrgId: YOUTH, partnerOrgIds: [UNION] });
  });

  it('refuses a lead that stays a partner', () => {
    const doc = aBoardWithProject();
    expectRefused(doc, 'invalid_input', () => updateProject(doc, 'p1', { leadOrgId: YOUTH }, ORIGIN));
  });

  it('refuses an end before the start, counting the dates already set', () => {
    const doc = aBoardWithProject({ startDate: '2026-04-01' });
    expectRefused(doc, 'invalid_input', () => updateProject(doc, 'p1', { endDate: '2026-03-01' }, ORIGIN));
  });

  it('refuses a member both added and removed, and unknown keys', () => {
    const doc = aBoardWithProject();
    expectRefused(doc, 'invalid_input', () =>
      updateProject(doc, 'p1', { venueIds: { add: ['v'], remove: ['v'] } }, ORIGIN),
    );
    expectRefused(doc, 'invalid_input', () => updateProject(doc, 'p1', { stage: 'archived' } as never, ORIGIN));
  });

  it('refuses an unknown project', () => {
    const doc = aBoardWithProject();
    expectRefused(doc, 'not_found', () => updateProject(doc, 'nope', { title: 'x' }, ORIGIN));
  });
});

describe(deleteProject.name, () => {
  it('removes the project', () => {
    const doc = aBoardWithProject();
    expect(originsOf(doc, () => deleteProject(doc, 'p1', ORIGIN))).toEqual([ORIGIN]);
    expect(projectsMap(doc).has('p1')).toBe(false);
  });

  it('refuses an unknown project', () => {
    const doc = aBoard();
    expectRefused(doc, 'not_found', () => deleteProject(doc, 'p1', ORIGIN));
  });
});

describe(moveProject.name, () => {
  const order = (doc: Y.Doc) => readBoard(doc).projects.map((p) => p.id);
  const threeProjects = () => {
    const doc = aBoardWithProject();
    createProject(doc, aProjectInput({ id: 'p2' }), ORIGIN);
    createProject(doc, aProjectInput({ id: 'p3' }), ORIGIN);
    return doc;
  };

  it('moves after a project', () => {
    const doc = threeProjects();
    moveProject(doc, 'p1', { after: 'p2' }, ORIGIN);
    expect(order(doc)).toEqual(['p2', 'p1', 'p3']);
  });

  it('moves before a project', () => {
    const doc = threeProjects();
    moveProject(doc, 'p3', { before: 'p1' }, ORIGIN);
    expect(order(doc)).toEqual(['p3', 'p1', 'p2']);
  });

  it('moves between two neighbours, rewriting only its own rank', () => {
    const doc = threeProjects();
    const ranks = readBoard(doc).projects.map((p) => p.rank);
    moveProject(doc, 'p3', { after: 'p1', before: 'p2' }, ORIGIN);
    expect(order(doc)).toEqual(['p1', 'p3', 'p2']);
    expect([project(doc, 'p1').rank, project(doc, 'p2').rank]).toEqual(ranks.slice(0, 2));
  });

  it('moves to the end with no neighbour named', () => {
    const doc = threeProjects();
    moveProject(doc, 'p1', {}, ORIGIN);
    expect(order(doc)).toEqual(['p2', 'p3', 'p1']);
  });

  it('re-spreads the ranks when neighbours share a rank', () => {
    const doc = threeProjects();
    projectMap(doc, 'p2')!.set('rank', project(doc, 'p1').rank);
    moveProject(doc, 'p3', { after: 'p1', before: 'p2' }, ORIGIN);
    expect(order(doc)).toEqual(['p1', 'p3', 'p2']);
    expect(validateBoard(doc)).toEqual([]);
  });

  it('stays within the rank length however often it moves into the same gap', () => {
    const doc = threeProjects();
    for (let i = 0; i < 400; i++) moveProject(doc, i % 2 ? 'p2' : 'p3', { after: 'p1' }, ORIGIN);
    expect(validateBoard(doc)).toEqual([]);
    expect(order(doc)[0]).toBe('p1');
  });

  it('refuses neighbours that are not neighbours, and unknown ones', () => {
    const doc = threeProjects();
    expectRefused(doc, 'invalid_input', () => moveProject(doc, 'p2', { after: 'p3', before: 'p1' }, ORIGIN));
    expectRefused(doc, 'not_found', () => moveProject(doc, 'p2', { after: 'p9' }, ORIGIN));
    expectRefused(doc, 'not_found', () => moveProject(doc, 'p9', { after: 'p1' }, ORIGIN));
  });
});

describe(changeStage.name, () => {
  it('moves through the gate, logging the move, in one transaction', () => {
    const doc = anApprovableBoard();
    let unmet: unknown;
    const origins = originsOf(doc, () => {
      unmet = changeStage(doc, 'p1', { to: 'approved', by: 'u-li', now: NOW, id: 's1' }, ORIGIN);
    });
    expect(unmet).toEqual([]);
    expect(origins).toEqual([ORIGIN]);
    expect(project(doc).stage).toBe('approved');
    expect(project(doc).stageLog).toEqual([
      { id: 's1', from: 'planning', to: 'approved', by: 'u-li', at: NOW, reason: '' },
    ]);
  });

  it('returns the unmet conditions and writes nothing when the gate is closed', () => {
    const doc = aBoardWithProject();
    const before = Y.encodeStateAsUpdate(doc);
    const unmet = changeStage(doc, 'p1', { to: 'approved', by: 'u-li', now: NOW }, ORIGIN);
    expect(unmet.map((condition) => condition.code)).toEqual(['funding_plan_missing', 'checklist_empty']);
    expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
  });

  it('moves back with a reason, which the log keeps', () => {
    const doc = anApprovableBoard();
    changeStage(doc, 'p1', { to: 'approved', by: 'u-li', now: NOW, id: 's1' }, ORIGIN);
    const later = '2026-03-02T08:00:00.000Z';
    expect(
      changeStage(doc, 'p1', { to: 'planning', reason: '预算需重报', by: 'u-li', now: later, id: 's2' }, ORIGIN),
    ).toEqual([]);
    expect(project(doc).stage).toBe('planning');
    expect(project(doc).stageLog[1]).toEqual({
      id: 's2',
      from: 'approved',
      to: 'planning',
      by: 'u-li',
      at: later,
      reason: '预算需重报',
    });
  });

  it('refuses to move back without a reason', () => {
    const doc = anApprovableBoard();
    changeStage(doc, 'p1', { to: 'approved', by: 'u-li', now: NOW }, ORIGIN);
    expect(changeStage(doc, 'p1', { to: 'planning', by: 'u-li', now: NOW }, ORIGIN).map((c) => c.code)).toEqual([
      'reason_required',
    ]);
  });

  it('checks archiving against the board criteria', () => {
    const doc = anApprovableBoard();
    updateProject(doc, 'p1', { startDate: '2026-04-01' }, ORIGIN);
    setChecklistStatus(doc, 'p1', 'c1', { status: 'done' }, ORIGIN);
    setIndicator(doc, 'p1', { id: 'i1', name: '服务职工人数', unit: '人', target: 100 }, ORIGIN);
    setIndicatorActual(doc, 'p1', 'i1', 120, ORIGIN);
    for (const to of ['approved', 'in_progress', 'evaluation'] as const) {
      expect(changeStage(doc, 'p1', { to, by: 'u-li', now: NOW }, ORIGIN)).toEqual([]);
    }
    setScore(doc, 'p1', YOUTH, { criteria: { plan: 90, effect: 80, ledger: 70 } }, NOW, ORIGIN);
    const unmet = changeStage(doc, 'p1', { to: 'archived', by: 'u-li', now: NOW }, ORIGIN);
    expect(unmet).toEqual([expect.objectContaining({ code: 'score_missing', ids: [WOMEN] })]);
    setScore(doc, 'p1', WOMEN, { criteria: { plan: 85, effect: 85, ledger: 85 } }, NOW, ORIGIN);
    expect(changeStage(doc, 'p1', { to: 'archived', by: 'u-li', now: NOW }, ORIGIN)).toEqual([]);
  });

  it('refuses invalid input and unknown projects', () => {
    const doc = anApprovableBoard();
    expectRefused(doc, 'invalid_input', () =>
      changeStage(doc, 'p1', { to: 'done' as never, by: 'u', now: NOW }, ORIGIN),
    );
    expectRefused(doc, 'not_found', () => changeStage(doc, 'p9', { to: 'approved', by: 'u', now: NOW }, ORIGIN));
  });
});

describe('checklist commands', () => {
  const items = (doc: Y.Doc) => project(doc).checklist;

  it('adds an item at the end, todo, and returns its id', () => {
    const doc = aBoardWithProject({ checklist: [{ id: 'c1', text: '方案制定' }] });
    let id = '';
    const origins = originsOf(doc, () => {
      id = addChecklistItem(
        doc,
        'p1',
        { id: 'c2', text: '宣传发动', orgId: YOUTH, assignee: '王芳', due: '2026-04-01' },
        ORIGIN,
      );
    });
    expect(origins).toEqual([ORIGIN]);
    expect(id).toBe('c2');
    expect(items(doc).map((item) => item.id)).toEqual(['c1', 'c2']);
    expect(items(doc)[1]).toMatchObject({
      text: '宣传发动',
      orgId: YOUTH,
      assignee: '王芳',
      due: '2026-04-01',
      status: 'todo',
    });
  });

  it('refuses an item id in use, an invalid date and an unknown project', () => {
    const doc = aBoardWithProject({ checklist: [{ id: 'c1', text: '方案制定' }] });
    expectRefused(doc, 'already_exists', () => addChecklistItem(doc, 'p1', { id: 'c1', text: 'x' }, ORIGIN));
    expectRefused(doc, 'invalid_input', () => addChecklistItem(doc, 'p1', { text: 'x', due: '4月1日' }, ORIGIN));
    expectRefused(doc, 'not_found', () => addChecklistItem(doc, 'p9', { text: 'x' }, ORIGIN));
  });

  it('assigns the responsible org, person and due date', () => {
    const doc = aBoardWithProject({ checklist: [{ id: 'c1', text: '方案制定' }] });
    expect(
      originsOf(doc, () =>
        assignChecklistItem(doc, 'p1', 'c1', { orgId: WOMEN, assignee: '李娜', due: '2026-05-01' }, ORIGIN),
      ),
    ).toEqual([ORIGIN]);
    expect(items(doc)[0]).toMatchObject({ orgId: WOMEN, assignee: '李娜', due: '2026-05-01' });
  });

  it('refuses an empty assignment and an unknown item', () => {
    const doc = aBoardWithProject({ checklist: [{ id: 'c1', text: '方案制定' }] });
    expectRefused(doc, 'invalid_input', () => assignChecklistItem(doc, 'p1', 'c1', {}, ORIGIN));
    expectRefused(doc, 'not_found', () => assignChecklistItem(doc, 'p1', 'c9', { orgId: WOMEN }, ORIGIN));
  });

  it('moves an item', () => {
    const doc = aBoardWithProject({
      checklist: [
        { id: 'c1', text: 'a' },
        { id: 'c2', text: 'b' },
        { id: 'c3', text: 'c' },
      ],
    });
    moveChecklistItem(doc, 'p1', 'c3', { before: 'c1' }, ORIGIN);
    expect(items(doc).map((item) => item.id)).toEqual(['c3', 'c1', 'c2']);
    expectRefused(doc, 'not_found', () => moveChecklistItem(doc, 'p1', 'c9', {}, ORIGIN));
  });

  it('sets the status and evidence', () => {
    const doc = aBoardWithProject({ checklist: [{ id: 'c1', text: '方案制定' }] });
    setChecklistStatus(doc, 'p1', 'c1', { status: 'done', evidence: '方案文件 2026-3 号' }, ORIGIN);
    expect(items(doc)[0]).toMatchObject({ status: 'done', evidence: '方案文件 2026-3 号' });
    setChecklistStatus(doc, 'p1', 'c1', { status: 'doing' }, ORIGIN);
    expect(items(doc)[0]).toMatchObject({ status: 'doing', evidence: '方案文件 2026-3 号' });
  });

  it('refuses waived as a plain status', () => {
    const doc = aBoardWithProject({ checklist: [{ id: 'c1', text: '方案制定' }] });
    expectRefused(doc, 'invalid_input', () =>
      setChecklistStatus(doc, 'p1', 'c1', { status: 'waived' as never }, ORIGIN),
    );
  });

  it('waives an item with its reason', () => {
    const doc = aBoardWithProject({ checklist: [{ id: 'c1', text: '方案制定' }] });
    waiveChecklistItem(doc, 'p1', 'c1', '与市级活动合并', ORIGIN);
    expect(items(doc)[0]).toMatchObject({ status: 'waived', waiveReason: '与市级活动合并' });
  });

  it('refuses to waive without a reason', () => {
    const doc = aBoardWithProject({ checklist: [{ id: 'c1', text: '方案制定' }] });
    expectRefused(doc, 'invalid_input', () => waiveChecklistItem(doc, 'p1', 'c1', ' ', ORIGIN));
  });

  it('edits the text', () => {
    const doc = aBoardWithProject({ checklist: [{ id: 'c1', text: '方案制定' }] });
    editChecklistText(doc, 'p1', 'c1', '活动方案制定', ORIGIN);
    expect(items(doc)[0].text).toBe('活动方案制定');
    expectRefused(doc, 'invalid_input', () => editChecklistText(doc, 'p1', 'c1', 'x'.repeat(1001), ORIGIN));
  });

  it('removes an item', () => {
    const doc = aBoardWithProject({ checklist: [{ id: 'c1', text: '方案制定' }] });
    removeChecklistItem(doc, 'p1', 'c1', ORIGIN);
    expect(items(doc)).toEqual([]);
    expectRefused(doc, 'not_found', () => removeChecklistItem(doc, 'p1', 'c1', ORIGIN));
  });
});

describe(setFunding.name, () => {
  it('sets an org contribution, and 0 removes it', () => {
    const doc = aBoardWithProject();
    expect(originsOf(doc, () => setFunding(doc, 'p1', UNION, 500_000, ORIGIN))).toEqual([ORIGIN]);
    setFunding(doc, 'p1', YOUTH, 200_000, ORIGIN);
    expect(project(doc).funding).toEqual({ [UNION]: 500_000, [YOUTH]: 200_000 });
    setFunding(doc, 'p1', UNION, 0, ORIGIN);
    expect(project(doc).funding).toEqual({ [YOUTH]: 200_000 });
  });

  it('refuses fractional, negative amounts and unknown projects', () => {
    const doc = aBoardWithProject();
    expectRefused(doc, 'invalid_input', () => setFunding(doc, 'p1', UNION, 1.5, ORIGIN));
    expectRefused(doc, 'invalid_input', () => setFunding(doc, 'p1', UNION, -1, ORIGIN));
    expectRefused(doc, 'not_found', () => setFunding(doc, 'p9', UNION, 1, ORIGIN));
  });
});

describe('expense commands', () => {
  const expense = {
    id: 'e1',
    date: '2026-04-02',
    amountFen: 120_000,
    orgId: UNION,
    purpose: '场地布置',
    voucherNo: 'PZ-001',
  };

  it('adds an expense', () => {
    const doc = aBoardWithProject();
    expect(originsOf(doc, () => addExpense(doc, 'p1', expense, ORIGIN))).toEqual([ORIGIN]);
    expect(project(doc).expenses).toEqual([expense]);
  });

  it('refuses a zero amount, an id in use and an unknown project', () => {
    const doc = aBoardWithProject();
    addExpense(doc, 'p1', expense, ORIGIN);
    expectRefused(doc, 'invalid_input', () => addExpense(doc, 'p1', { ...expense, id: 'e2', amountFen: 0 }, ORIGIN));
    expectRefused(doc, 'already_exists', () => addExpense(doc, 'p1', expense, ORIGIN));
    expectRefused(doc, 'not_found', () => addExpense(doc, 'p9', expense, ORIGIN));
  });

  it('removes an expense', () => {
    const doc = aBoardWithProject();
    addExpense(doc, 'p1', expense, ORIGIN);
    removeExpense(doc, 'p1', 'e1', ORIGIN);
    expect(project(doc).expenses).toEqual([]);
    expectRefused(doc, 'not_found', () => removeExpense(doc, 'p1', 'e1', ORIGIN));
  });
});

describe('ledger commands', () => {
  const entry = {
    id: 'l1',
    date: '2026-05-01',
    title: '技能比武初赛',
    venueId: 'v-hall',
    participants: 120,
    orgIds: [UNION, YOUTH],
  };

  it('adds an entry with its defaults', () => {
    const doc = aBoardWithProject();
    expect(originsOf(doc, () => addLedgerEntry(doc, 'p1', { ...entry, notes: '现场照片已归档' }, ORIGIN))).toEqual([
      ORIGIN,
    ]);
    expect(project(doc).ledger).toEqual([{ ...entry, attachments: [], notes: '现场照片已归档' }]);
  });

  it('updates an entry', () => {
    const doc = aBoardWithProject();
    addLedgerEntry(doc, 'p1', entry, ORIGIN);
    updateLedgerEntry(
      doc,
      'p1',
      'l1',
      { participants: 150, notes: '增补', attachments: ['files/1.jpg'], venueId: null },
      ORIGIN,
    );
    expect(project(doc).ledger[0]).toMatchObject({
      participants: 150,
      notes: '增补',
      attachments: ['files/1.jpg'],
      venueId: null,
    });
  });

  it('refuses a blank title, a negative count and an unknown entry', () => {
    const doc = aBoardWithProject();
    addLedgerEntry(doc, 'p1', entry, ORIGIN);
    expectRefused(doc, 'invalid_input', () => addLedgerEntry(doc, 'p1', { ...entry, id: 'l2', title: '' }, ORIGIN));
    expectRefused(doc, 'invalid_input', () => updateLedgerEntry(doc, 'p1', 'l1', { participants: -1 }, ORIGIN));
    expectRefused(doc, 'not_found', () => updateLedgerEntry(doc, 'p1', 'l9', { participants: 1 }, ORIGIN));
  });

  it('removes an entry', () => {
    const doc = aBoardWithProject();
    addLedgerEntry(doc, 'p1', entry, ORIGIN);
    removeLedgerEntry(doc, 'p1', 'l1', ORIGIN);
    expect(project(doc).ledger).toEqual([]);
    expectRefused(doc, 'not_found', () => removeLedgerEntry(doc, 'p1', 'l1', ORIGIN));
  });
});

describe('indicator commands', () => {
  it('adds an indicator, then updates it under the same id', () => {
    const doc = aBoardWithProject();
    expect(setIndicator(doc, 'p1', { id: 'i1', name: '服务职工人数', unit: '人', target: 200 }, ORIGIN)).toBe('i1');
    setIndicator(doc, 'p1', { id: 'i1', name: '服务职工人次', unit: '人次', target: 300 }, ORIGIN);
    expect(project(doc).indicators).toEqual([
      { id: 'i1', name: '服务职工人次', unit: '人次', target: 300, actual: null },
    ]);
  });

  it('sets and clears the actual value', () => {
    const doc = aBoardWithProject();
    setIndicator(doc, 'p1', { id: 'i1', name: '服务职工人数', unit: '人', target: 200 }, ORIGIN);
    expect(originsOf(doc, () => setIndicatorActual(doc, 'p1', 'i1', 230, ORIGIN))).toEqual([ORIGIN]);
    expect(project(doc).indicators[0].actual).toBe(230);
    setIndicatorActual(doc, 'p1', 'i1', null, ORIGIN);
    expect(project(doc).indicators[0].actual).toBeNull();
  });

  it('refuses a negative target or actual and unknown indicators', () => {
    const doc = aBoardWithProject();
    setIndicator(doc, 'p1', { id: 'i1', name: '服务职工人数', unit: '人', target: 200 }, ORIGIN);
    expectRefused(doc, 'invalid_input', () => setIndicator(doc, 'p1', { name: 'x', unit: '人', target: -1 }, ORIGIN));
    expectRefused(doc, 'invalid_input', () => setIndicatorActual(doc, 'p1', 'i1', -5, ORIGIN));
    expectRefused(doc, 'not_found', () => setIndicatorActual(doc, 'p1', 'i9', 5, ORIGIN));
  });

  it('removes an indicator', () => {
    const doc = aBoardWithProject();
    setIndicator(doc, 'p1', { id: 'i1', name: '服务职工人数', unit: '人', target: 200 }, ORIGIN);
    removeIndicator(doc, 'p1', 'i1', ORIGIN);
    expect(project(doc).indicators).toEqual([]);
    expectRefused(doc, 'not_found', () => removeIndicator(doc, 'p1', 'i1', ORIGIN));
  });
});

describe(setScore.name, () => {
  it("sets an org's scores, comment and time", () => {
    const doc = aBoardWithProject();
    const origins = originsOf(doc, () =>
      setScore(doc, 'p1', YOUTH, { criteria: { plan: 90, effect: 80, ledger: 70 }, comment: '组织有力' }, NOW, ORIGIN),
    );
    expect(origins).toEqual([ORIGIN]);
    expect(project(doc).scores).toEqual({
      [YOUTH]: { criteria: { effect: 80, ledger: 70, plan: 90 }, comment: '组织有力', at: NOW },
    });
  });

  it('clears criteria a new score leaves out', () => {
    const doc = aBoardWithProject();
    setScore(doc, 'p1', WOMEN, { criteria: { plan: 90, effect: 80 } }, NOW, ORIGIN);
    setScore(doc, 'p1', WOMEN, { criteria: { effect: 85 } }, NOW, ORIGIN);
    expect(project(doc).scores[WOMEN].criteria).toEqual({ effect: 85 });
  });

  it('refuses the lead org scoring its own project', () => {
    const doc = aBoardWithProject();
    expectRefused(doc, 'self_score', () => setScore(doc, 'p1', UNION, { criteria: { plan: 90 } }, NOW, ORIGIN));
  });

  it('refuses an org that takes no part', () => {
    const doc = aBoardWithProject();
    expectRefused(doc, 'not_a_scorer', () => setScore(doc, 'p1', OTHER, { criteria: { plan: 90 } }, NOW, ORIGIN));
  });

  it('refuses unknown criteria, scores outside 0–100 and a bad time', () => {
    const doc = aBoardWithProject();
    expectRefused(doc, 'invalid_input', () => setScore(doc, 'p1', YOUTH, { criteria: { style: 90 } }, NOW, ORIGIN));
    expectRefused(doc, 'invalid_input', () => setScore(doc, 'p1', YOUTH, { criteria: { plan: 101 } }, NOW, ORIGIN));
    expectRefused(doc, 'invalid_input', () => setScore(doc, 'p1', YOUTH, { criteria: { plan: 1 } }, 'now', ORIGIN));
  });
});

describe('every command', () => {
  it('leaves a valid board', () => {
    const doc = anApprovableBoard();
    addChecklistItem(doc, 'p1', { id: 'c2', text: '宣传发动', orgId: YOUTH }, ORIGIN);
    addExpense(doc, 'p1', { id: 'e1', date: '2026-04-02', amountFen: 1000, orgId: UNION }, ORIGIN);
    addLedgerEntry(doc, 'p1', { id: 'l1', date: '2026-05-01', title: '初赛' }, ORIGIN);
    setIndicator(doc, 'p1', { id: 'i1', name: '人数', unit: '人', target: 1 }, ORIGIN);
    setScore(doc, 'p1', YOUTH, { criteria: { plan: 1 } }, NOW, ORIGIN);
    changeStage(doc, 'p1', { to: 'approved', by: 'u', now: NOW }, ORIGIN);
    expect(validateBoard(doc)).toEqual([]);
  });
});
