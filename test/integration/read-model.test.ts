import {
  addChecklistItem,
  addExpense,
  addLedgerEntry,
  assignChecklistItem,
  BoardCommandError,
  boardTotals,
  BoardSummary,
  changeStage,
  checklistProgress,
  createProject,
  deleteProject,
  evaluationScore,
  indicatorAttainment,
  initBoard,
  setCriteria,
  overdueItems,
  plannedFunding,
  readBoard,
  removeExpense,
  setChecklistStatus,
  setFunding,
  setIndicator,
  setIndicatorActual,
  setScore,
  spending,
  waiveChecklistItem,
} from '@gongjian/shared';
import fc from 'fast-check';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { sql } from 'kysely';
import pino from 'pino';
import * as Y from 'yjs';
import { Db, migrateToLatest, openDatabase } from '../../server/src/base/db';
import { loadConfig } from '../../server/src/base/config';
import { MetricsService } from '../../server/src/base/metrics';
import { LocalBoardLocks, type UpdateLog } from '../../server/src/base/storage';
import {
  boardRows,
  ProjectorService,
  ReadModelRepository,
  ReadModelRows,
  StoredProjection,
  todayInShanghai,
} from '../../server/src/modules/readmodel';
import type { BoardStoreService, BoardWatcher, SnapshotRepository } from '../../server/src/modules/sync';
import { LoadedBoard } from '../../server/src/modules/sync/loaded-board';
import {
  applyBoardCommand,
  type BoardCommand,
  boardCommandArbitrary,
  RUBRICS,
} from '../../shared/src/board/testing/board-command-arbitrary';
import { api, login } from '../support/api';
import { eventually, loadFresh, openClient } from '../support/clients';
import { createTestDatabase, TestDatabase } from '../support/postgres';
import { createTestRedis, TestRedis } from '../support/redis';
import { ServerProcess, startServer, tempDataDir } from '../support/server-process';

const REPROJECT = resolve(__dirname, '../../server/dist/reproject.js');
const ORIGIN = 'test';
const NOW = '2026-03-02T01:00:00.000Z';
const UNION = 'liangxi-union';
const YOUTH = 'liangxi-youth';
const WOMEN = 'liangxi-women';
/** The promise under test: the read model is this far behind an acked edit at most. */
const WITHIN_MS = 5_000;

interface Mode {
  name: string;
  /** PGlite is one process's database: the test reads it only while no server runs. */
  embedded: boolean;
  setup(): Promise<Record<string, string>>;
  teardown(): Promise<void>;
}

let database: TestDatabase;
let redis: TestRedis;
const data = tempDataDir();
const modes: Mode[] = [
  {
    name: 'Redis + PostgreSQL',
    embedded: false,
    setup: async () => {
      database = await createTestDatabase();
      redis = await createTestRedis();
      return { REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix, DATABASE_URL: database.url };
    },
    teardown: async () => {
      await redis.cleanup();
      await database.drop();
    },
  },
  {
    name: 'embedded',
    embedded: true,
    setup: async () => ({ DATA_DIR: data.dir }),
    teardown: async () => data.remove(),
  },
];

/** Plans, splits, funds, spends, records, measures and scores two projects, then approves one. */
function firstEdits(doc: Y.Doc): void {
  // The board was created over REST with its meta (title, region, year); give it a rubric.
  setCriteria(
    doc,
    [
      { id: 'plan', name: '策划质量', weight: 40 },
      { id: 'effect', name: '实施效益', weight: 60 },
    ],
    ORIGIN,
  );
  createProject(
    doc,
    {
      id: 'p1',
      category: 'training',
      brandActivity: 'skills_contest',
      title: '职工劳动技能竞赛',
      description: '面向全区职工的技能比武',
      leadOrgId: UNION,
      partnerOrgIds: [YOUTH],
      reviewerOrgIds: [WOMEN],
      linkages: ['joint_activities', 'joint_brand'],
      venueIds: ['chongansi-hall'],
      startDate: '2026-01-05',
      checklist: [
        { id: 'c1', text: '方案制定', orgId: UNION, assignee: '王工', due: '2026-01-10' },
        { id: 'c2', text: '宣传发动', orgId: YOUTH, due: '2020-01-01' },
      ],
      indicators: [{ id: 'i1', name: '参赛职工人数', unit: '人', target: 300 }],
      createdBy: 'demo-admin',
      now: NOW,
    },
    ORIGIN,
  );
  createProject(
    doc,
    {
      id: 'p2',
      category: 'assistance',
      title: '困难女职工帮扶',
      leadOrgId: WOMEN,
      partnerOrgIds: [UNION, YOUTH],
      createdBy: 'demo-admin',
      now: NOW,
    },
    ORIGIN,
  );
  addChecklistItem(doc, 'p1', { id: 'c3', text: '赛事实施', orgId: UNION, due: '2026-12-31' }, ORIGIN);
  addChecklistItem(doc, 'p2', { id: 'c1', text: '走访摸底', orgId: WOMEN, due: '2021-06-01' }, ORIGIN);
  setChecklistStatus(doc, 'p1', 'c1', { status: 'done', evidence: '方案已印发' }, ORIGIN);
  waiveChecklistItem(doc, 'p1', 'c3', '与市赛合并', ORIGIN);
  setFunding(doc, 'p1', UNION, 800_000, ORIGIN);
  setFunding(doc, 'p1', YOUTH, 250_000, ORIGIN);
  setFunding(doc, 'p2', WOMEN, 100_000, ORIGIN);
  addLedgerEntry(
    doc,
    'p1',
    {
      id: 'l1',
      date: '2026-02-01',
      title: '竞赛启动仪式',
      venueId: 'chongansi-hall',
      participants: 150,
      orgIds: [UNION, YOUTH],
      attachments: ['会议纪要.pdf'],
      notes: '区总工会主持',
    },
    ORIGIN,
  );
  setIndicatorActual(doc, 'p1', 'i1', 240, ORIGIN);
  setIndicator(doc, 'p1', { id: 'i2', name: '培训场次', unit: '场', target: 5 }, ORIGIN);
  setIndicatorActual(doc, 'p1', 'i2', 6, ORIGIN);
  expect(changeStage(doc, 'p1', { to: 'approved', by: 'demo-admin', now: NOW }, ORIGIN)).toEqual([]);
}

/** Expenses and scores belong to their organization alone: each org's staff records its own. */
const firstOrgEdits: Record<string, (doc: Y.Doc) => void> = {
  union: (doc) => {
    addExpense(
      doc,
      'p1',
      { id: 'e1', date: '2026-02-01', amountFen: 123_456, orgId: UNION, purpose: '奖品', voucherNo: 'LX-001' },
      ORIGIN,
    );
    addExpense(doc, 'p2', { id: 'e1', date: '2026-02-05', amountFen: 5_000, orgId: UNION }, ORIGIN);
  },
  youth: (doc) => {
    addExpense(doc, 'p1', { id: 'e2', date: '2026-02-03', amountFen: 99_900, orgId: YOUTH, purpose: '宣传' }, ORIGIN);
    setScore(doc, 'p1', YOUTH, { criteria: { plan: 88, effect: 92.5 }, comment: '组织有力' }, NOW, ORIGIN);
  },
  women: (doc) => setScore(doc, 'p1', WOMEN, { criteria: { plan: 75, effect: 81 } }, NOW, ORIGIN),
};

/** Moves p1 on, deletes p2, removes an expense and a contribution, adds p3, reassigns and rescores. */
function secondEdits(doc: Y.Doc): void {
  expect(changeStage(doc, 'p1', { to: 'in_progress', by: 'demo-admin', now: NOW }, ORIGIN)).toEqual([]);
  deleteProject(doc, 'p2', ORIGIN);
  setFunding(doc, 'p1', YOUTH, 0, ORIGIN);
  assignChecklistItem(doc, 'p1', 'c2', { due: '2099-01-01', assignee: '李团' }, ORIGIN);
  createProject(
    doc,
    {
      id: 'p3',
      category: 'culture',
      brandActivity: 'civilized_family',
      title: '最美家庭评选',
      leadOrgId: WOMEN,
      partnerOrgIds: [UNION],
      checklist: [{ id: 'c1', text: '发动推荐', orgId: WOMEN }],
      createdBy: 'demo-admin',
      now: NOW,
    },
    ORIGIN,
  );
  setFunding(doc, 'p3', WOMEN, 60_000, ORIGIN);
}

const secondOrgEdits: Record<string, (doc: Y.Doc) => void> = {
  youth: (doc) => removeExpense(doc, 'p1', 'e2', ORIGIN),
  women: (doc) => setScore(doc, 'p1', WOMEN, { criteria: { plan: 60 } }, NOW, ORIGIN),
};

/** Each table's rows in one order, whatever order they were written or read in. */
function sorted(rows: ReadModelRows): ReadModelRows {
  const order = <T>(table: T[]) => [...table].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  return {
    board: rows.board,
    projects: order(rows.projects),
    partnerOrgs: order(rows.partnerOrgs),
    checklistItems: order(rows.checklistItems),
    funding: order(rows.funding),
    expenses: order(rows.expenses),
    ledgerEntries: order(rows.ledgerEntries),
    indicators: order(rows.indicators),
    scores: order(rows.scores),
  };
}

/**
 * The stored rows are exactly `boardRows` of the document, projected from its very state; and each
 * derived figure, per project, per org and for the board, equals the shared derived functions on
 * `readBoard` — also when summed by SQL over the rows.
 */
async function expectRowsMatch(db: Db, stored: StoredProjection | null, doc: Y.Doc): Promise<void> {
  expect(stored).not.toBeNull();
  const { rows, source } = stored!;
  const asOf = rows.board.as_of;
  expect(sorted(rows)).toEqual(sorted(boardRows(rows.board.board_id, doc, asOf)));
  expect(source.stateVector).toEqual(Y.encodeStateVector(doc));

  const board = readBoard(doc);
  const { criteria } = board.meta;
  expect(rows.projects.map((row) => row.project_id).sort()).toEqual(board.projects.map((project) => project.id).sort());
  for (const project of board.projects) {
    const row = rows.projects.find((candidate) => candidate.project_id === project.id)!;
    const progress = checklistProgress(project);
    const evaluation = evaluationScore(project, criteria);
    expect(row).toMatchObject({
      stage: project.stage,
      planned_fen: plannedFunding(project).totalFen,
      spent_fen: spending(project).totalFen,
      checklist_total: progress.total,
      checklist_done: progress.done,
      checklist_waived: progress.waived,
      checklist_overdue: overdueItems(project, asOf).length,
      indicator_attainment: indicatorAttainment(project).overall,
      evaluation_score: evaluation.average,
      evaluation_scorers: evaluation.scorers,
    });
    const ofProject = <T extends { project_id: string }>(table: T[]) =>
      table.filter((r) => r.project_id === project.id);
    const sumByOrg = (table: { org_id: string; fen: number }[]) => {
      const sums: Record<string, number> = {};
      for (const { org_id, fen } of table) sums[org_id] = (sums[org_id] ?? 0) + fen;
      return sums;
    };
    expect(sumByOrg(ofProject(rows.funding).map((r) => ({ org_id: r.org_id, fen: r.planned_fen })))).toEqual(
      plannedFunding(project).byOrg,
    );
    expect(sumByOrg(ofProject(rows.expenses).map((r) => ({ org_id: r.org_id, fen: r.amount_fen })))).toEqual(
      spending(project).byOrg,
    );
    for (const partner of ofProject(rows.partnerOrgs)) {
      expect(partner.score_total).toBe(
        Object.hasOwn(evaluation.byOrg, partner.org_id) ? evaluation.byOrg[partner.org_id] : null,
      );
    }
    const ratios = Object.fromEntries(ofProject(rows.indicators).map((r) => [r.indicator_id, r.ratio]));
    expect(ratios).toEqual(Object.fromEntries(indicatorAttainment(project).indicators.map((i) => [i.id, i.ratio])));
  }

  const totals = boardTotals(board.projects, criteria, asOf);
  const boardId = rows.board.board_id;
  const summed = await sql<{ planned: number; spent: number; items: number; done: number; overdue: number }>`
    select (select coalesce(sum(planned_fen), 0) from rm_funding where board_id = ${boardId})::bigint as planned,
           (select coalesce(sum(amount_fen), 0) from rm_expenses where board_id = ${boardId})::bigint as spent,
           (select count(*) from rm_checklist_items where board_id = ${boardId})::bigint as items,
           (select count(*) from rm_checklist_items where board_id = ${boardId} and status = 'done')::bigint as done,
           (select count(*) from rm_checklist_items where board_id = ${boardId} and overdue)::bigint as overdue`.execute(
    db,
  );
  expect(summed.rows[0]).toEqual({
    planned: totals.funding.totalFen,
    spent: totals.spending.totalFen,
    items: totals.checklist.total,
    done: totals.checklist.done,
    overdue: totals.overdueItems,
  });
  expect(rows.board.project_count).toBe(totals.projects);
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run reproject` as an operator runs it: a process of its own with the server's environment. */
function runReproject(env: Record<string, string>): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [REPROJECT],
      { env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env }, timeout: 120_000 },
      (err, stdout, stderr) => done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe.each(modes)('read model ($name)', (mode) => {
  let env: Record<string, string>;
  let server: ServerProcess | undefined;
  let db: Db | undefined;

  async function openDb(): Promise<Db> {
    db = (await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR ?? '' })).db;
    return db;
  }
  async function closeDb(): Promise<void> {
    await db?.destroy();
    db = undefined;
  }
  async function boot(): Promise<ServerProcess> {
    server = await startServer({ DEMO: '1', ...env });
    return server;
  }

  beforeAll(async () => {
    env = await mode.setup();
  });
  afterAll(async () => {
    await server?.stop();
    await closeDb();
    await mode.teardown();
  });

  /** Edits through a fresh client; then the rows must match a fresh load of the board within WITHIN_MS of the ack. */
  async function editAndExpectProjected(
    boardId: string,
    cookie: string,
    edit: (doc: Y.Doc) => void,
    orgEdits: Record<string, (doc: Y.Doc) => void>,
  ): Promise<StoredProjection> {
    const steps: Array<[string, (doc: Y.Doc) => void]> = [[cookie, edit]];
    for (const [user, orgEdit] of Object.entries(orgEdits))
      steps.push([await login(server!.url, user, 'demo12345'), orgEdit]);
    for (const [stepCookie, stepEdit] of steps) {
      const client = openClient(server!.url, boardId, stepCookie);
      const refusals: unknown[] = [];
      client.on('error', (error: unknown) => refusals.push(error));
      try {
        await client.whenSaved();
        stepEdit(client.doc);
        await client.whenSaved();
      } finally {
        client.destroy();
      }
      expect(refusals).toEqual([]);
    }
    const savedAt = Date.now();
    const fresh = await loadFresh(server!.url, boardId, cookie);
    if (mode.embedded) {
      // No reading beside the server: wait out the promise, then kill -9 it (no flush on shutdown).
      await new Promise((r) => setTimeout(r, savedAt + WITHIN_MS - Date.now()));
      await server!.crash();
      server = undefined;
      const repository = new ReadModelRepository(await openDb());
      try {
        const stored = await repository.readBoard(boardId);
        await expectRowsMatch(db!, stored, fresh);
        return stored!;
      } finally {
        await closeDb();
        await boot();
      }
    }
    const repository = new ReadModelRepository(db ?? (await openDb()));
    let stored: StoredProjection | null = null;
    await eventually(
      async () => {
        stored = await repository.readBoard(boardId);
        await expectRowsMatch(db!, stored, fresh);
      },
      Math.max(0, savedAt + WITHIN_MS - Date.now()),
    );
    return stored!;
  }

  it(`after edits through the server the rows match the document, every derived total included, within ${WITHIN_MS / 1000} s; reproject rebuilds the same rows`, async () => {
    await boot();
    const cookie = await login(server!.url, 'admin', 'demo12345');
    const created = await api<BoardSummary>(server!.url, '/api/boards', cookie, {
      method: 'POST',
      body: { title: '读模型测试' },
    });
    expect(created.status).toBe(201);
    const boardId = created.body.id;
    // The three organizations take part as organizations (any of their staff edits).
    for (const org of [UNION, YOUTH, WOMEN]) {
      expect(
        (
          await api(server!.url, `/api/boards/${boardId}/members/orgs/${org}`, cookie, {
            method: 'PUT',
            body: { role: 'editor' },
          })
        ).status,
      ).toBe(204);
    }

    const first = await editAndExpectProjected(boardId, cookie, firstEdits, firstOrgEdits);
    expect(first.rows.projects).toHaveLength(2);
    expect(first.rows.scores.length).toBeGreaterThan(0);

    const second = await editAndExpectProjected(boardId, cookie, secondEdits, secondOrgEdits);
    expect(second.rows.projects.map((row) => row.project_id).sort()).toEqual(['p1', 'p3']);
    expect(second.rows.expenses.map((row) => row.expense_id)).toEqual(['e1']);

    // Reproject from storage alone, after the rows are gone: the same rows, from the same state.
    if (mode.embedded) {
      const refused = await runReproject(env);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain('is in use by process');
      await server!.stop();
      server = undefined;
    }
    const repository = new ReadModelRepository(db ?? (await openDb()));
    const before = (await repository.readBoard(boardId))!;
    await db!.deleteFrom('rm_boards').execute();
    expect(await repository.readBoard(boardId)).toBeNull();
    if (mode.embedded) await closeDb();

    const run = await runReproject(env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const stored = new ReadModelRepository(db ?? (await openDb()));
    const boardIds = await stored.boardIds();
    expect(boardIds.length).toBeGreaterThanOrEqual(2);
    for (const [index, id] of boardIds.entries()) {
      expect(run.stdout).toContain(`board ${index + 1}/${boardIds.length} ${id}: `);
    }
    expect(run.stdout).toContain(`reproject: ${boardIds.length} of ${boardIds.length} boards rewritten`);

    const after = (await stored.readBoard(boardId))!;
    expect(sorted(after.rows)).toEqual(sorted(before.rows));
    expect(after.source).toEqual(before.source);
    // Boards no server loaded since they were stored (the demo's) have their rows now too.
    for (const id of boardIds) expect(await stored.readBoard(id)).not.toBeNull();
  }, 180_000);
});

describe.each(modes)('ReadModelRepository ($name)', (mode) => {
  const modeData = tempDataDir();
  let db: Db;
  let sut: ReadModelRepository;
  let testDb: TestDatabase | undefined;

  function aBoard(title: string): Y.Doc {
    const doc = new Y.Doc();
    initBoard(doc, { title, regionId: 'liangxi', year: 2026 }, ORIGIN);
    createProject(
      doc,
      {
        id: 'p1',
        category: 'culture',
        title: '项目',
        leadOrgId: UNION,
        partnerOrgIds: [YOUTH],
        createdBy: 'u',
        now: NOW,
      },
      ORIGIN,
    );
    setFunding(doc, 'p1', UNION, 1_000, ORIGIN);
    return doc;
  }
  const source = (doc: Y.Doc, ms: number) => ({ logId: { ms, seq: 0 }, stateVector: Y.encodeStateVector(doc) });

  beforeAll(async () => {
    if (!mode.embedded) testDb = await createTestDatabase();
    db = (await openDatabase({ databaseUrl: testDb?.url, dataDir: modeData.dir })).db;
    await migrateToLatest(db, pino({ level: 'silent' }));
    await db.insertInto('boards').values({ id: 'b1', title: 'b1', created_by: null }).execute();
    sut = new ReadModelRepository(db);
  });
  afterAll(async () => {
    await db.destroy();
    await testDb?.drop();
    modeData.remove();
  });
  beforeEach(async () => {
    await db.deleteFrom('rm_boards').execute();
  });

  it('stores the rows of a board and reads them back unchanged', async () => {
    const rows = boardRows('b1', aBoard('一'), '2026-03-10');
    expect(await sut.replaceBoard(rows, source(aBoard('一'), 5))).toBe(true);
    expect(sorted((await sut.readBoard('b1'))!.rows)).toEqual(sorted(rows));
  });

  it('leaves the rows alone when asked to store the same state again, unless forced', async () => {
    const doc = aBoard('一');
    const rows = boardRows('b1', doc, '2026-03-10');
    await sut.replaceBoard(rows, source(doc, 5));
    expect(await sut.replaceBoard(rows, source(doc, 5))).toBe(false);
    expect(await sut.replaceBoard(rows, source(doc, 5), { force: true })).toBe(true);
  });

  it('rewrites the same state on a new day, when overdue counts may have changed', async () => {
    const doc = aBoard('一');
    await sut.replaceBoard(boardRows('b1', doc, '2026-03-10'), source(doc, 5));
    expect(await sut.replaceBoard(boardRows('b1', doc, '2026-03-11'), source(doc, 5))).toBe(true);
  });

  it('never replaces rows projected from a later log entry, even when forced', async () => {
    const newer = aBoard('新');
    await sut.replaceBoard(boardRows('b1', newer, '2026-03-10'), source(newer, 9));
    const older = aBoard('旧');
    expect(await sut.replaceBoard(boardRows('b1', older, '2026-03-10'), source(older, 5), { force: true })).toBe(false);
    expect((await sut.readBoard('b1'))!.rows.board.title).toBe('新');
  });

  it('drops the rows of projects that left the document', async () => {
    const doc = aBoard('一');
    await sut.replaceBoard(boardRows('b1', doc, '2026-03-10'), source(doc, 5));
    deleteProject(doc, 'p1', ORIGIN);
    await sut.replaceBoard(boardRows('b1', doc, '2026-03-10'), source(doc, 6));
    const stored = (await sut.readBoard('b1'))!;
    expect(stored.rows.projects).toEqual([]);
    expect(stored.rows.funding).toEqual([]);
  });

  it('rewrites some projects over the rows of the projection it names, dropping those asked for', async () => {
    const doc = aBoard('一');
    createProject(
      doc,
      { id: 'p2', category: 'culture', title: '二', leadOrgId: UNION, createdBy: 'u', now: NOW },
      ORIGIN,
    );
    await sut.replaceBoard(boardRows('b1', doc, '2026-03-10'), source(doc, 5), { projectionId: 'first' });
    setFunding(doc, 'p1', YOUTH, 2_000, ORIGIN);
    deleteProject(doc, 'p2', ORIGIN);
    const all = boardRows('b1', doc, '2026-03-10');
    const { board, ...rows } = all;
    const change = { board, projectIds: ['p1', 'p2'], rows };
    expect(await sut.replaceProjects(change, source(doc, 6), { after: 'first', projectionId: 'second' })).toBe(true);
    const stored = (await sut.readBoard('b1'))!;
    expect(sorted(stored.rows)).toEqual(sorted(all));
    expect(stored.projectionId).toBe('second');
    expect(stored.source).toEqual(source(doc, 6));
  });

  it('rewrites no project once another projection wrote the rows, nor on another day', async () => {
    const doc = aBoard('一');
    await sut.replaceBoard(boardRows('b1', doc, '2026-03-10'), source(doc, 5), { projectionId: 'first' });
    await sut.replaceBoard(boardRows('b1', doc, '2026-03-10'), source(doc, 5), { force: true });
    const { board, ...rows } = boardRows('b1', aBoard('二'), '2026-03-10');
    const change = { board, projectIds: ['p1'], rows };
    expect(await sut.replaceProjects(change, source(doc, 6), { after: 'first', projectionId: 'x' })).toBe(false);
    await sut.replaceBoard(boardRows('b1', doc, '2026-03-10'), source(doc, 6), { projectionId: 'third' });
    const tomorrow = { ...change, board: { ...board, as_of: '2026-03-11' } };
    expect(await sut.replaceProjects(tomorrow, source(doc, 7), { after: 'third', projectionId: 'y' })).toBe(false);
    expect((await sut.readBoard('b1'))!.rows.board.title).toBe('一');
  });

  it('tells what the rows were projected from, by which projection and how long ago', async () => {
    const doc = aBoard('一');
    expect(await sut.storedSource('b1')).toBeNull();
    await sut.replaceBoard(boardRows('b1', doc, '2026-03-10'), source(doc, 5), { projectionId: 'first' });
    const stored = (await sut.storedSource('b1'))!;
    expect(stored).toMatchObject({ ...source(doc, 5), asOf: '2026-03-10', projectionId: 'first' });
    expect(stored.ageMs).toBeGreaterThanOrEqual(0);
    expect(stored.ageMs).toBeLessThan(60_000);
  });

  it('deletes a board’s rows with the board', async () => {
    const doc = aBoard('一');
    await sut.replaceBoard(boardRows('b1', doc, '2026-03-10'), source(doc, 5));
    await db.insertInto('boards').values({ id: 'b2', title: 'b2', created_by: null }).execute();
    await sut.replaceBoard(boardRows('b2', doc, '2026-03-10'), source(doc, 5));
    await db.deleteFrom('boards').where('id', '=', 'b2').execute();
    expect(await sut.readBoard('b2')).toBeNull();
    expect(await db.selectFrom('rm_funding').select('board_id').where('board_id', '=', 'b2').execute()).toEqual([]);
    expect(await sut.readBoard('b1')).not.toBeNull();
  });
});

/**
 * The projector against the real database: after any sequence of edits, each projected as it
 * comes (incrementally, once the first projection is written), and now and then a rewrite by
 * another writer, the stored rows are exactly `boardRows` of the document.
 */
describe.each(modes)('ProjectorService ($name)', (mode) => {
  const modeData = tempDataDir();
  let db: Db;
  let repository: ReadModelRepository;
  let testDb: TestDatabase | undefined;
  let boards = 0;

  beforeAll(async () => {
    if (!mode.embedded) testDb = await createTestDatabase();
    db = (await openDatabase({ databaseUrl: testDb?.url, dataDir: modeData.dir })).db;
    await migrateToLatest(db, pino({ level: 'silent' }));
    repository = new ReadModelRepository(db);
  });
  afterAll(async () => {
    await db.destroy();
    await testDb?.drop();
    modeData.remove();
  });

  type Step = { kind: 'edits'; commands: BoardCommand[] } | { kind: 'foreign write' };
  const step: fc.Arbitrary<Step> = fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({
        kind: fc.constant('edits' as const),
        commands: fc.array(boardCommandArbitrary, { minLength: 1, maxLength: 6 }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('foreign write' as const) }) },
  );

  it('keeps the rows equal to boardRows of the document through random edits, incrementally', async () => {
    const metrics = new MetricsService();
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
        const boardId = `prop-${boards++}`;
        await db.insertInto('boards').values({ id: boardId, title: boardId, created_by: null }).execute();
        const doc = new Y.Doc();
        initBoard(doc, { title: '随机', regionId: 'liangxi', year: 2026, criteria: RUBRICS[0] }, ORIGIN);
        const board = new LoadedBoard(boardId, doc, { ms: 1, seq: 0 }, 0, 0);
        let watcher: BoardWatcher | undefined;
        const store = {
          watch: (w: BoardWatcher) => {
            watcher = w;
            return () => undefined;
          },
          get: (id: string) => (id === boardId ? board : undefined),
        } as unknown as BoardStoreService;
        const config = loadConfig({ PROJECTION_DEBOUNCE_MS: '1', PROJECTION_MAX_WAIT_MS: '5' });
        const sut = new ProjectorService(
          store,
          repository,
          {} as SnapshotRepository,
          {} as UpdateLog,
          new LocalBoardLocks(),
          metrics,
          config,
          pino({ level: 'silent' }),
        );
        sut.onModuleInit();
        let counter = 0;
        const projected = async () => {
          const today = todayInShanghai(new Date());
          await eventually(async () => {
            const stored = await repository.storedSource(boardId);
            expect(stored?.logId).toEqual(board.lastLogId);
          }, 5_000);
          const stored = (await repository.readBoard(boardId))!;
          expect(sorted(stored.rows)).toEqual(sorted(boardRows(boardId, doc, today)));
        };
        try {
          watcher!.onChanged(board);
          await projected();
          for (const current of steps) {
            if (current.kind === 'foreign write') {
              const today = todayInShanghai(new Date());
              await repository.replaceBoard(
                boardRows(boardId, doc, today),
                { logId: { ...board.lastLogId }, stateVector: Y.encodeStateVector(doc) },
                { force: true },
              );
              continue;
            }
            for (const command of current.commands) {
              try {
                applyBoardCommand(doc, command, { replica: 0, nextId: () => `s${counter++}` }, ORIGIN);
              } catch (error) {
                if (!(error instanceof BoardCommandError)) throw error;
              }
            }
            board.noteLogged({ ms: board.lastLogId.ms + 1, seq: 0 }, 1);
            watcher!.onChanged(board);
            await projected();
          }
        } finally {
          await sut.onModuleDestroy();
          board.destroy();
        }
      }),
      { numRuns: 25 },
    );
    const outcomes = Object.fromEntries(
      (await metrics.projectionOutcomes.get()).values.map((value) => [value.labels.outcome, value.value]),
    );
    expect(outcomes.incremental).toBeGreaterThan(0);
    expect(outcomes.full).toBeGreaterThan(0);
  }, 120_000);
});
