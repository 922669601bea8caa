import { changeStage, createProject, setChecklistStatus, setFunding, updateProject } from '@gongjian/shared';
import { Client } from 'pg';
import type { Socket } from 'socket.io-client';
import * as Y from 'yjs';
import type { BoardSyncProvider } from '../../client/src/lib/sync/board-sync-provider';
import { api, login } from '../support/api';
import { eventually, openClient } from '../support/clients';
import type { TestDatabase } from '../support/postgres';
import type { TestRedis } from '../support/redis';
import { ServerProcess, startServer } from '../support/server-process';
import { startStack, TestStack } from '../support/stack';
import { connected, editUpdate, emitAck, rawSocket } from '../support/sync-sockets';

/**
 * The audit trail across two instances: one row per accepted update (whoever, wherever it was
 * accepted), none for refused ones, filters that work, and the compaction backstop: the row of
 * an update whose instance was killed before its audit writer flushed is written by compaction.
 */

const DEMO_PASSWORD = 'demo12345';
const NOW = '2026-03-01T08:00:00.000Z';
const A = 'audit-a';
const B = 'audit-b';

interface AuditRecord {
  id: string;
  at: string;
  userId: string;
  userName: string | null;
  orgId: string | null;
  projectIds: string[];
  summary: string;
  changes: Array<{ path: string; kind: string; old?: unknown; new?: unknown }>;
}

/** What an accepted write must leave in the trail. */
interface Expected {
  userId: string;
  orgId: string | null;
  projectIds: string[];
  summary: string[];
  change?: { path: string; kind: string; old?: unknown; new?: unknown };
}

type User = 'coord' | 'union' | 'youth' | 'leader';

const projectOf = (doc: Y.Doc, id: string) => doc.getMap<Y.Map<unknown>>('projects').get(id);
const checklistItem = (doc: Y.Doc, p: string, id: string) =>
  (projectOf(doc, p)?.get('checklist') as Y.Map<Y.Map<unknown>> | undefined)?.get(id);

describe('audit trail across two instances', () => {
  let stack: TestStack;
  let database: TestDatabase;
  let redis: TestRedis;
  let env: Record<string, string>;
  let servers: ServerProcess[];
  const extra: ServerProcess[] = [];
  const cookies = {} as Record<User, string>;
  const sockets = new Map<string, Socket>();
  const observers: BoardSyncProvider[] = [];
  let board = '';
  /** The accepted writes in order, with what each must leave in the trail. */
  const accepted: Expected[] = [];
  let split = '';

  const url = (instance: number) => servers[instance].url;

  async function socketOf(user: User, server: ServerProcess): Promise<Socket> {
    const key = `${user}@${server.port}`;
    let socket = sockets.get(key);
    if (!socket) {
      socket = rawSocket(server.url, cookies[user]);
      sockets.set(key, socket);
      await connected(socket);
      expect(await emitAck(socket, 'join', { boardId: board })).toEqual({ ok: true, role: expect.any(String) });
    }
    return socket;
  }

  /** Sends `change` as `user` to `instance`; checks it is accepted and reaches both observers. */
  async function write(
    user: User,
    instance: 0 | 1,
    change: (doc: Y.Doc) => void,
    stored: (doc: Y.Doc) => boolean,
    expected: Omit<Expected, 'userId'>,
  ) {
    const socket = await socketOf(user, servers[instance]);
    expect(await emitAck(socket, 'y', board, editUpdate(observers[instance].doc, change))).toEqual({ ok: true });
    await eventually(() => observers.forEach((observer) => expect(stored(observer.doc)).toBe(true)));
    accepted.push({ userId: `demo-${user}`, ...expected });
  }

  async function refused(user: User, instance: 0 | 1, change: (doc: Y.Doc) => void, ack: Record<string, unknown>) {
    const socket = await socketOf(user, servers[instance]);
    expect(await emitAck(socket, 'y', board, editUpdate(observers[instance].doc, change))).toEqual({
      ok: false,
      ...ack,
    });
  }

  /** The trail as instance `instance` serves it, after both instances' writers have flushed. */
  async function trail(instance: number, query = 'limit=500', cookie = cookies.leader): Promise<AuditRecord[]> {
    // Each instance flushes its own writer before it answers.
    for (const other of [1 - instance, instance]) {
      const response = await api<AuditRecord[]>(url(other), `/api/boards/${board}/audit?${query}`, cookie);
      expect(response.status).toBe(200);
      if (other === instance) return response.body;
    }
    throw new Error('unreachable');
  }

  function expectRecord(record: AuditRecord, expected: Expected): void {
    expect(record).toEqual({
      id: expect.stringMatching(/^\d+-\d+$/),
      at: expect.any(String),
      userId: expected.userId,
      userName: expect.any(String),
      orgId: expected.orgId,
      projectIds: expect.arrayContaining(expected.projectIds),
      summary: expect.any(String),
      changes: expect.any(Array),
    });
    expect(record.projectIds).toHaveLength(expected.projectIds.length);
    for (const words of expected.summary) expect(record.summary).toContain(words);
    if (expected.change) expect(record.changes).toContainEqual(expected.change);
  }

  async function auditRowCount(): Promise<number> {
    const pg = new Client({ connectionString: database.url });
    await pg.connect();
    try {
      return Number((await pg.query('select count(*) as n from audit_log where board_id = $1', [board])).rows[0].n);
    } finally {
      await pg.end();
    }
  }

  beforeAll(async () => {
    // No compaction by size on these two: every row they write is their audit writer's.
    stack = await startStack({ instances: 2, env: { COMPACT_AFTER_UPDATES: '100000' } });
    ({ database, redis } = stack);
    servers = stack.servers;
    env = stack.env;
    for (const user of ['coord', 'union', 'youth', 'leader'] as User[])
      cookies[user] = await login(url(0), user, DEMO_PASSWORD);
    const created = await api<{ id: string }>(url(0), '/api/boards', cookies.coord, {
      method: 'POST',
      body: { title: '审计测试看板' },
    });
    expect(created.status).toBe(201);
    board = created.body.id;
    for (const [user, role] of [
      ['demo-union', 'editor'],
      ['demo-youth', 'editor'],
      ['demo-leader', 'viewer'],
    ]) {
      expect(
        (
          await api(url(0), `/api/boards/${board}/members/users/${user}`, cookies.coord, {
            method: 'PUT',
            body: { role },
          })
        ).status,
      ).toBe(204);
    }
    observers.push(openClient(url(0), board, cookies.coord), openClient(url(1), board, cookies.coord));
    await Promise.all(observers.map((observer) => observer.whenSaved(20_000)));
  }, 60_000);

  afterAll(async () => {
    for (const socket of sockets.values()) socket.disconnect();
    for (const observer of observers) observer.destroy();
    await Promise.all([...(servers ?? []), ...extra].map((server) => server.stop()));
    await redis?.cleanup();
    await database?.drop();
  });

  it('writes exactly one row per accepted update, from both instances, and none for refused ones', async () => {
    // 1. union creates a project it leads (instance 0).
    await write(
      'union',
      0,
      (doc) =>
        doc.transact(() => {
          createProject(
            doc,
            {
              id: A,
              category: 'training',
              title: '职工技能提升',
              leadOrgId: 'liangxi-union',
              partnerOrgIds: ['liangxi-youth'],
              reviewerOrgIds: ['liangxi-office'],
              checklist: [{ id: 'cY', text: '组织青年报名', orgId: 'liangxi-youth' }],
              createdBy: 'demo-union',
              now: NOW,
            },
            'test',
          );
          setFunding(doc, A, 'liangxi-union', 200_000, 'test');
        }),
      (doc) => projectOf(doc, A) !== undefined,
      // (The summary names a project created by the update by its id: its title is not in the board yet.)
      {
        orgId: 'liangxi-union',
        projectIds: [A],
        summary: ['新建项目'],
        change: { path: `projects/${A}`, kind: 'create' },
      },
    );
    // 2. youth creates one it leads (instance 1).
    await write(
      'youth',
      1,
      (doc) =>
        createProject(
          doc,
          {
            id: B,
            category: 'culture',
            title: '青年文化节',
            leadOrgId: 'liangxi-youth',
            createdBy: 'demo-youth',
            now: NOW,
          },
          'test',
        ),
      (doc) => projectOf(doc, B) !== undefined,
      { orgId: 'liangxi-youth', projectIds: [B], summary: ['新建项目'] },
    );
    // Refused: forbidden (youth is no lead of A).
    await refused('youth', 1, (doc) => updateProject(doc, A, { title: '被改掉的标题' }, 'test'), {
      error: 'forbidden',
      path: `projects/${A}/title`,
      reason: 'lead_org_only',
    });
    // 3. union moves A to 立项 (instance 0).
    await write(
      'union',
      0,
      (doc) =>
        expect(changeStage(doc, A, { to: 'approved', by: 'demo-union', now: NOW, id: 'm1' }, 'test')).toEqual([]),
      (doc) => projectOf(doc, A)?.get('stage') === 'approved',
      {
        orgId: 'liangxi-union',
        projectIds: [A],
        summary: ['阶段 策划 → 立项'],
        change: { path: `projects/${A}/stage`, kind: 'set', old: 'planning', new: 'approved' },
      },
    );
    // Refused: invalid (a key the schema lacks).
    await refused('union', 0, (doc) => doc.transact(() => projectOf(doc, A)!.set('bogus', 1)), {
      error: 'invalid',
      path: `projects/${A}/bogus`,
      reason: 'unknown_key',
    });
    // 4. youth ticks the item it answers for (instance 1).
    await write(
      'youth',
      1,
      (doc) => setChecklistStatus(doc, A, 'cY', { status: 'done' }, 'test'),
      (doc) => checklistItem(doc, A, 'cY')?.get('status') === 'done',
      {
        orgId: 'liangxi-youth',
        projectIds: [A],
        summary: ['清单事项 cY 状态 待办 → 已完成'],
        change: { path: `projects/${A}/checklist/cY/status`, kind: 'set', old: 'todo', new: 'done' },
      },
    );
    // 5. the coordinator retitles the board (instance 0).
    await write(
      'coord',
      0,
      (doc) => doc.getMap('meta').set('title', '审计测试看板（修订）'),
      (doc) => doc.getMap('meta').get('title') === '审计测试看板（修订）',
      { orgId: 'chongansi-center', projectIds: [], summary: ['看板：标题 审计测试看板 → 审计测试看板（修订）'] },
    );
    await new Promise((resolve) => setTimeout(resolve, 30));
    split = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 30));
    // Refused: gate_failed (B has no partner, no funding, no checklist).
    await refused('youth', 1, (doc) => doc.transact(() => projectOf(doc, B)!.set('stage', 'approved')), {
      error: 'gate_failed',
      path: `projects/${B}/stage`,
      conditions: expect.any(Array),
    });
    // 6. union plans its own contribution to B (instance 1).
    await write(
      'union',
      1,
      (doc) => setFunding(doc, B, 'liangxi-union', 300_000, 'test'),
      (doc) => (projectOf(doc, B)?.get('funding') as Y.Map<unknown>).get('liangxi-union') === 300_000,
      { orgId: 'liangxi-union', projectIds: [B], summary: ['资金计划 liangxi-union 设为 300000'] },
    );
    // 7. youth, in one update, gives evidence on A and retitles B (instance 0): two projects.
    await write(
      'youth',
      0,
      (doc) =>
        doc.transact(() => {
          checklistItem(doc, A, 'cY')!.set('evidence', '报名表 32 份');
          updateProject(doc, B, { title: '青年文化艺术节' }, 'test');
        }),
      (doc) =>
        checklistItem(doc, A, 'cY')?.get('evidence') === '报名表 32 份' &&
        String(projectOf(doc, B)?.get('title')) === '青年文化艺术节',
      { orgId: 'liangxi-youth', projectIds: [A, B], summary: ['清单事项 cY 佐证', '修改标题'] },
    );
    // Refused: a viewer's write.
    await refused('leader', 0, (doc) => doc.getMap('meta').set('title', '领导改的'), {
      error: 'forbidden',
      path: 'meta/title',
      reason: 'viewer_read_only',
    });
    // 8. the leader (a viewer, its org asked to review A) scores A (instance 1).
    await write(
      'leader',
      1,
      (doc) =>
        doc.transact(() =>
          (projectOf(doc, A)!.get('scores') as Y.Map<unknown>).set(
            'liangxi-office',
            new Y.Map<unknown>(Object.entries({ comment: '组织有力', at: NOW })),
          ),
        ),
      (doc) => (projectOf(doc, A)?.get('scores') as Y.Map<unknown>).has('liangxi-office'),
      { orgId: 'liangxi-office', projectIds: [A], summary: ['新增评分 liangxi-office'] },
    );
    // 9. the coordinator moves A back with a reason (instance 0).
    await write(
      'coord',
      0,
      (doc) =>
        expect(
          changeStage(
            doc,
            A,
            { to: 'planning', reason: '经费需要重新核定', by: 'demo-coord', now: NOW, id: 'm2' },
            'test',
          ),
        ).toEqual([]),
      (doc) => projectOf(doc, A)?.get('stage') === 'planning',
      { orgId: 'chongansi-center', projectIds: [A], summary: ['阶段 立项 → 策划'] },
    );

    for (const instance of [0, 1]) {
      const records = await trail(instance);
      expect(records).toHaveLength(accepted.length);
      // Newest first.
      [...records].reverse().forEach((record, index) => expectRecord(record, accepted[index]));
      expect(records.map((record) => record.summary).join('\n')).not.toMatch(/被改掉的标题|领导改的|bogus/);
    }
    expect(await auditRowCount()).toBe(accepted.length);
  });

  describe('filters', () => {
    let all: AuditRecord[] = [];
    const expectQuery = async (query: string, expected: AuditRecord[]) => {
      for (const instance of [0, 1]) expect(ids(await trail(instance, query))).toEqual(ids(expected));
    };
    beforeAll(async () => {
      all = await trail(0);
    });

    it('by projectId: the rows of updates that touched the project', async () => {
      expect(all).toHaveLength(9);
      expect(all.filter((record) => record.projectIds.includes(A))).toHaveLength(6);
      await expectQuery(
        `projectId=${A}`,
        all.filter((record) => record.projectIds.includes(A)),
      );
      await expectQuery(
        `projectId=${B}`,
        all.filter((record) => record.projectIds.includes(B)),
      );
      await expectQuery(
        `projectId=${A}&userId=demo-youth`,
        all.filter((record) => record.userId === 'demo-youth' && record.projectIds.includes(A)),
      );
      await expectQuery('projectId=no-such-project', []);
    });

    it('by userId', async () => {
      expect(all.filter((record) => record.userId === 'demo-youth')).toHaveLength(3);
      await expectQuery(
        'userId=demo-youth',
        all.filter((record) => record.userId === 'demo-youth'),
      );
      await expectQuery(
        'userId=demo-union',
        all.filter((record) => record.userId === 'demo-union'),
      );
      await expectQuery('userId=demo-women', []);
    });

    it('by time range [from, to)', async () => {
      // The split was taken between the 5th and 6th accepted updates.
      await expectQuery(`from=${encodeURIComponent(split)}`, all.slice(0, 4));
      await expectQuery(`to=${encodeURIComponent(split)}`, all.slice(4));
      // From the 3rd update (included) to the 7th (excluded).
      const chronological = [...all].reverse();
      const from = chronological[2].at;
      const to = chronological[6].at;
      const inRange = all.filter((record) => record.at >= from && record.at < to);
      expect(inRange.length).toBeGreaterThanOrEqual(3);
      expect(inRange.map((record) => record.id)).not.toContain(chronological[6].id);
      await expectQuery(`from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`, inRange);
      await expectQuery(
        `userId=demo-youth&from=${encodeURIComponent(split)}`,
        all.slice(0, 4).filter((record) => record.userId === 'demo-youth'),
      );
    });

    it('by limit, newest first; a bad query is invalid', async () => {
      await expectQuery('limit=2', all.slice(0, 2));
      expect((await api(url(0), `/api/boards/${board}/audit?limit=0`, cookies.leader)).status).toBe(400);
      expect((await api(url(1), `/api/boards/${board}/audit?from=yesterday`, cookies.leader)).status).toBe(400);
    });
  });

  it('writes the row of an update whose instance was killed (kill -9) before its audit writer flushed, at compaction', async () => {
    const before = await trail(0);
    expect(before).toHaveLength(accepted.length);
    // A third instance accepts an update and dies at once: its audit writer flushes 250 ms later, never.
    const doomed = await startServer(env);
    extra.push(doomed);
    const socket = await socketOf('union', doomed);
    const ack = await emitAck(
      socket,
      'y',
      board,
      editUpdate(observers[0].doc, (doc) => updateProject(doc, A, { description: '面向一线职工的技能培训' }, 'test')),
    );
    await doomed.crash();
    expect(ack).toEqual({ ok: true });
    // The update is in the log (the other instances read it) but its row is not in the trail.
    await eventually(() =>
      observers.forEach((observer) =>
        expect(String(projectOf(observer.doc, A)?.get('description'))).toBe('面向一线职工的技能培训'),
      ),
    );
    expect(await auditRowCount()).toBe(accepted.length);
    expect(await trail(1)).toHaveLength(accepted.length);

    // An instance that compacts after every update loads the board: compaction writes the missing row.
    const compacting = await startServer({ ...env, COMPACT_AFTER_UPDATES: '1', COMPACT_INTERVAL_MS: '100' });
    extra.push(compacting);
    await socketOf('coord', compacting);
    await eventually(async () => {
      const response = await api<AuditRecord[]>(compacting.url, `/api/boards/${board}/audit?limit=500`, cookies.leader);
      expect(response.body).toHaveLength(accepted.length + 1);
    }, 15_000);
    const records = await trail(0);
    expect(records).toHaveLength(accepted.length + 1);
    expectRecord(records[0], {
      userId: 'demo-union',
      orgId: 'liangxi-union',
      projectIds: [A],
      summary: ['项目「职工技能提升」', '修改简介'],
      change: { path: `projects/${A}/description`, kind: 'text' },
    });
    // Compaction wrote every merged update's row again: each is still there once.
    expect(ids(records.slice(1))).toEqual(ids(before));
    expect(await auditRowCount()).toBe(accepted.length + 1);
  });
});

function ids(records: AuditRecord[]): string[] {
  return records.map((record) => record.id);
}
