import {
  addChecklistItem,
  addExpense,
  addLedgerEntry,
  createProject,
  initBoard,
  readBoard,
  setChecklistStatus,
  setFunding,
  setIndicator,
  setIndicatorActual,
  setScore,
  waiveChecklistItem,
} from '@gongjian/shared';
import * as Y from 'yjs';
import { boardRows, todayInShanghai } from './project-board';

const ORIGIN = 'spec';
const NOW = '2026-03-01T08:00:00.000Z';
const TODAY = '2026-03-10';
const UNION = 'liangxi-union';
const YOUTH = 'liangxi-youth';
const WOMEN = 'liangxi-women';
const CRITERIA = [
  { id: 'plan', name: '策划质量', weight: 30 },
  { id: 'effect', name: '实施效益', weight: 70 },
];

/** 梁溪区 2026, one project p1 led by the union, the youth league partnering, the women's federation reviewing. */
function aBoard(): Y.Doc {
  const doc = new Y.Doc();
  initBoard(doc, { title: '梁溪区 2026 群团共建项目', regionId: 'liangxi', year: 2026, criteria: CRITERIA }, ORIGIN);
  createProject(
    doc,
    {
      id: 'p1',
      category: 'employment',
      brandActivity: 'skills_contest',
      title: '职工技能提升计划',
      leadOrgId: UNION,
      partnerOrgIds: [YOUTH],
      reviewerOrgIds: [WOMEN],
      linkages: ['joint_activities', 'joint_brand'],
      venueIds: ['venue-1'],
      startDate: '2026-03-01',
      createdBy: 'demo-union',
      now: NOW,
    },
    ORIGIN,
  );
  return doc;
}

/** aBoard with a checklist (one overdue, one due today, one done, one waived), funding, expenses, a ledger entry, indicators and scores. */
function aFullBoard(): Y.Doc {
  const doc = aBoard();
  addChecklistItem(
    doc,
    'p1',
    { id: 'c1', text: '方案制定', orgId: UNION, assignee: '王工', due: '2026-03-09' },
    ORIGIN,
  );
  addChecklistItem(doc, 'p1', { id: 'c2', text: '宣传发动', orgId: YOUTH, due: TODAY }, ORIGIN);
  addChecklistItem(doc, 'p1', { id: 'c3', text: '报名组织', orgId: YOUTH, due: '2026-03-01' }, ORIGIN);
  addChecklistItem(doc, 'p1', { id: 'c4', text: '赛事实施', orgId: UNION }, ORIGIN);
  setChecklistStatus(doc, 'p1', 'c3', { status: 'done', evidence: '报名表' }, ORIGIN);
  waiveChecklistItem(doc, 'p1', 'c4', '合并到下一期', ORIGIN);
  setFunding(doc, 'p1', UNION, 500_000, ORIGIN);
  setFunding(doc, 'p1', YOUTH, 200_000, ORIGIN);
  addExpense(
    doc,
    'p1',
    { id: 'e1', date: '2026-03-05', amountFen: 120_050, orgId: UNION, purpose: '场地', voucherNo: 'V-1' },
    ORIGIN,
  );
  addExpense(doc, 'p1', { id: 'e2', date: '2026-03-06', amountFen: 30_000, orgId: YOUTH }, ORIGIN);
  addLedgerEntry(
    doc,
    'p1',
    {
      id: 'l1',
      date: '2026-03-05',
      title: '启动会',
      venueId: 'venue-1',
      participants: 120,
      orgIds: [UNION, YOUTH],
      notes: '顺利',
    },
    ORIGIN,
  );
  setIndicator(doc, 'p1', { id: 'i1', name: '服务职工人数', unit: '人', target: 200 }, ORIGIN);
  setIndicator(doc, 'p1', { id: 'i2', name: '培训场次', unit: '场', target: 4 }, ORIGIN);
  setIndicatorActual(doc, 'p1', 'i1', 300, ORIGIN);
  setScore(doc, 'p1', YOUTH, { criteria: { plan: 90, effect: 80 } }, NOW, ORIGIN);
  setScore(doc, 'p1', WOMEN, { criteria: { plan: 70 } }, NOW, ORIGIN);
  return doc;
}

describe(boardRows.name, () => {
  it('writes the board row from meta, with the project count and the day it counts overdue items for', () => {
    expect(boardRows('b1', aBoard(), TODAY).board).toEqual({
      board_id: 'b1',
      title: '梁溪区 2026 群团共建项目',
      region_id: 'liangxi',
      year: 2026,
      schema_version: 1,
      project_count: 1,
      as_of: TODAY,
    });
  });

  it('writes a project row with its fields and its derived figures: money, checklist, attainment, evaluation', () => {
    const doc = aFullBoard();
    const board = readBoard(doc);
    expect(boardRows('b1', doc, TODAY).projects).toEqual([
      {
        board_id: 'b1',
        project_id: 'p1',
        region_id: 'liangxi',
        title: '职工技能提升计划',
        description: '',
        category: 'employment',
        brand_activity: 'skills_contest',
        stage: 'planning',
        rank: board.projects[0].rank,
        lead_org_id: UNION,
        start_date: '2026-03-01',
        end_date: null,
        created_by: 'demo-union',
        created_at: NOW,
        linkages: ['joint_activities', 'joint_brand'],
        venue_ids: ['venue-1'],
        planned_fen: 700_000,
        spent_fen: 150_050,
        checklist_total: 4,
        checklist_done: 1,
        checklist_waived: 1,
        checklist_overdue: 1,
        indicator_attainment: 1,
        evaluation_score: 83,
        evaluation_scorers: 1,
      },
    ]);
  });

  it('writes partner and reviewer rows, each with its weighted score once it has scored every criterion', () => {
    expect(boardRows('b1', aFullBoard(), TODAY).partnerOrgs).toEqual([
      { board_id: 'b1', project_id: 'p1', region_id: 'liangxi', org_id: YOUTH, role: 'partner', score_total: 83 },
      { board_id: 'b1', project_id: 'p1', region_id: 'liangxi', org_id: WOMEN, role: 'reviewer', score_total: null },
    ]);
  });

  it('marks open checklist items due before today as overdue, and no others', () => {
    const items = boardRows('b1', aFullBoard(), TODAY).checklistItems;
    expect(items.map((item) => [item.item_id, item.status, item.due, item.overdue])).toEqual([
      ['c1', 'todo', '2026-03-09', true],
      ['c2', 'todo', TODAY, false],
      ['c3', 'done', '2026-03-01', false],
      ['c4', 'waived', null, false],
    ]);
  });

  it('writes every field of a checklist item', () => {
    const item = boardRows('b1', aFullBoard(), TODAY).checklistItems.find((row) => row.item_id === 'c4');
    expect(item).toEqual({
      board_id: 'b1',
      project_id: 'p1',
      region_id: 'liangxi',
      item_id: 'c4',
      rank: expect.any(String),
      text: '赛事实施',
      org_id: UNION,
      assignee: '',
      due: null,
      status: 'waived',
      waive_reason: '合并到下一期',
      evidence: '',
      overdue: false,
    });
  });

  it('writes one funding row per contributing org', () => {
    expect(boardRows('b1', aFullBoard(), TODAY).funding).toEqual([
      { board_id: 'b1', project_id: 'p1', region_id: 'liangxi', org_id: UNION, planned_fen: 500_000 },
      { board_id: 'b1', project_id: 'p1', region_id: 'liangxi', org_id: YOUTH, planned_fen: 200_000 },
    ]);
  });

  it('writes expenses with their paying org', () => {
    expect(boardRows('b1', aFullBoard(), TODAY).expenses).toEqual([
      {
        board_id: 'b1',
        project_id: 'p1',
        region_id: 'liangxi',
        expense_id: 'e1',
        date: '2026-03-05',
        amount_fen: 120_050,
        org_id: UNION,
        purpose: '场地',
        voucher_no: 'V-1',
      },
      {
        board_id: 'b1',
        project_id: 'p1',
        region_id: 'liangxi',
        expense_id: 'e2',
        date: '2026-03-06',
        amount_fen: 30_000,
        org_id: YOUTH,
        purpose: '',
        voucher_no: '',
      },
    ]);
  });

  it('writes ledger entries with the orgs taking part', () => {
    expect(boardRows('b1', aFullBoard(), TODAY).ledgerEntries).toEqual([
      {
        board_id: 'b1',
        project_id: 'p1',
        region_id: 'liangxi',
        entry_id: 'l1',
        date: '2026-03-05',
        title: '启动会',
        venue_id: 'venue-1',
        participants: 120,
        org_ids: [UNION, YOUTH],
        attachments: [],
        notes: '顺利',
      },
    ]);
  });

  it('writes indicators with their uncapped attainment ratio, null without an actual', () => {
    const indicators = boardRows('b1', aFullBoard(), TODAY).indicators;
    expect(indicators.map((row) => [row.indicator_id, row.name, row.unit, row.target, row.actual, row.ratio])).toEqual([
      ['i1', '服务职工人数', '人', 200, 300, 1.5],
      ['i2', '培训场次', '场', 4, null, null],
    ]);
  });

  it('writes one score row per scorer and criterion', () => {
    const scores = boardRows('b1', aFullBoard(), TODAY).scores;
    expect(scores.map((row) => [row.scorer_org_id, row.criterion_id, row.score])).toEqual([
      [WOMEN, 'plan', 70],
      [YOUTH, 'effect', 80],
      [YOUTH, 'plan', 90],
    ]);
  });

  it('keys every row below a project by board, project and the board region', () => {
    const { board: _board, projects: _projects, ...children } = boardRows('b1', aFullBoard(), TODAY);
    for (const rows of Object.values(children)) {
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) expect(row).toMatchObject({ board_id: 'b1', project_id: 'p1', region_id: 'liangxi' });
    }
  });

  it('gives the same rows from the document and from its plain data', () => {
    const doc = aFullBoard();
    expect(boardRows('b1', readBoard(doc), TODAY)).toEqual(boardRows('b1', doc, TODAY));
  });

  it('writes no rows for a project once it is deleted', () => {
    const doc = aFullBoard();
    doc.getMap('projects').delete('p1');
    const rows = boardRows('b1', doc, TODAY);
    expect(rows.board.project_count).toBe(0);
    const { board: _board, ...tables } = rows;
    for (const table of Object.values(tables)) expect(table).toEqual([]);
  });

  it('writes an uninitialized board as an empty one', () => {
    expect(boardRows('b1', new Y.Doc(), TODAY)).toMatchObject({
      board: { board_id: 'b1', title: '', region_id: null, year: null, schema_version: 0, project_count: 0 },
      projects: [],
    });
  });

  it('drops what PostgreSQL text cannot hold: NUL, and lone surrogates become U+FFFD', () => {
    const board = readBoard(aBoard());
    board.projects[0].title = 'a\u0000b\uD800c';
    expect(boardRows('b1', board, TODAY).projects[0].title).toBe('ab\uFFFDc');
  });

  it('reads a creation time as its ISO form with milliseconds, and an unreadable one as null', () => {
    const board = readBoard(aBoard());
    board.projects[0].createdAt = '2026-03-01T08:00:00Z';
    expect(boardRows('b1', board, TODAY).projects[0].created_at).toBe('2026-03-01T08:00:00.000Z');
    board.projects[0].createdAt = '';
    expect(boardRows('b1', board, TODAY).projects[0].created_at).toBeNull();
  });

  it('keeps the first of entries that claim the same id', () => {
    const board = readBoard(aFullBoard());
    board.projects.push({ ...board.projects[0], title: 'second' });
    board.projects[0].checklist.push({ ...board.projects[0].checklist[0], text: 'second' });
    const rows = boardRows('b1', board, TODAY);
    expect(rows.projects.map((row) => row.title)).toEqual(['职工技能提升计划']);
    expect(rows.checklistItems.filter((row) => row.item_id === 'c1').map((row) => row.text)).toEqual(['方案制定']);
  });

  it('refuses a today that is not a date', () => {
    expect(() => boardRows('b1', aBoard(), 'tomorrow')).toThrow('today must be a date');
  });
});

describe(todayInShanghai.name, () => {
  it('is the calendar date in Asia/Shanghai (UTC+8)', () => {
    expect(todayInShanghai(new Date('2026-03-01T15:59:59.999Z'))).toBe('2026-03-01');
    expect(todayInShanghai(new Date('2026-03-01T16:00:00.000Z'))).toBe('2026-03-02');
  });
});
