import { type AccessChange, SYNC_NAMESPACE, SyncEvent } from '@gongjian/shared';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import * as Y from 'yjs';
import type { BoardSyncProvider, Refusal, ResetEvent } from '../../client/src/lib/sync/board-sync-provider';
import { login } from '../support/api';
import { eventually, loadFresh, openClient } from '../support/clients';
import { newProjectMap } from '../support/random-edits';
import { ServerProcess, startServer, tempDataDir } from '../support/server-process';

const BOARD = 'demo-liangxi-2026';

type ProjectMap = Y.Map<unknown>;

function projects(doc: Y.Doc): Y.Map<ProjectMap> {
  return doc.getMap<ProjectMap>('projects');
}

function titleOf(doc: Y.Doc, id: string): string | undefined {
  return (projects(doc).get(id)?.get('title') as Y.Text | undefined)?.toString();
}

/** A new project led by the district union, which the `union` user may create and edit. */
function unionProject(id: string, title: string): ProjectMap {
  const project = newProjectMap(id, title);
  project.set('leadOrgId', 'liangxi-union');
  return project;
}

/** What a person sees of a board. */
function contentOf(doc: Y.Doc): unknown {
  return { meta: doc.getMap('meta').toJSON(), projects: projects(doc).toJSON() };
}

/** Holds back the server's ack of the next `y` message by `ms`, as a slow durable log would. */
function delayNextAck(provider: BoardSyncProvider, ms: number): void {
  const { socket } = provider;
  const emit = socket.emit.bind(socket);
  socket.emit = ((event: string, ...args: unknown[]) => {
    const ack = args.at(-1);
    if (event === SyncEvent.y && typeof ack === 'function') {
      socket.emit = emit;
      args[args.length - 1] = (...answer: unknown[]) => setTimeout(() => ack(...answer), ms);
    }
    return emit(event, ...args);
  }) as typeof socket.emit;
}

/** Resolves with the next `refused` and the `reset` after it. */
function nextRefusal(provider: BoardSyncProvider): Promise<{ refusal: Refusal; reset: ResetEvent }> {
  return new Promise((resolve) => {
    provider.once('refused', (refusal) => provider.once('reset', (reset) => resolve({ refusal, reset })));
  });
}

describe('sync refusals: the client goes back to the server state', () => {
  const data = tempDataDir();
  let server: ServerProcess;
  const cookies: Record<string, string> = {};
  const providers: BoardSyncProvider[] = [];
  const open = async (user: string) => {
    const provider = openClient(server.url, BOARD, cookies[user]);
    providers.push(provider);
    await provider.whenSaved();
    return provider;
  };
  /** The board as a client that joins now receives it. */
  const serverState = async () => contentOf(await loadFresh(server.url, BOARD, cookies.youth));

  beforeAll(async () => {
    server = await startServer({ DEMO: '1', DATA_DIR: data.dir });
    for (const user of ['union', 'youth', 'leader']) cookies[user] = await login(server.url, user, 'demo12345');
  });
  afterEach(() => {
    for (const provider of providers.splice(0)) provider.destroy();
  });
  afterAll(async () => {
    await server.stop();
    data.remove();
  });

  it('drops a change the schema refuses, keeps a valid unacknowledged change made before it, and keeps syncing', async () => {
    const union = await open('union');
    const original = union.doc;
    const refused = nextRefusal(union);
    // Two local transactions sent back to back: the first is valid (and its ack is slow, so it is
    // still unacknowledged when the refusal comes), the second writes a key the schema lacks.
    delayNextAck(union, 500);
    union.doc.transact(() => projects(union.doc).set('kept-1', unionProject('kept-1', '保留的项目')));
    union.doc.transact(() => projects(union.doc).get('kept-1')!.set('bogus', 1));
    const { refusal, reset } = await refused;

    expect(refusal).toEqual({
      code: 'invalid',
      path: 'projects/kept-1/bogus',
      reason: 'unknown_key',
      conditions: undefined,
      all: false,
    });
    expect(reset).toMatchObject({ kept: 1, dropped: 0 });
    expect(reset.previous).toBe(original);
    expect(reset.doc).toBe(union.doc);
    expect(union.doc).not.toBe(original);
    await union.whenSaved();
    expect(projects(union.doc).get('kept-1')?.has('bogus')).toBe(false);
    expect(titleOf(union.doc, 'kept-1')).toBe('保留的项目');
    expect(contentOf(union.doc)).toEqual(await serverState());

    // Still in sync both ways on the new document.
    const other = await open('union');
    union.doc.transact(() => projects(union.doc).set('after-1', unionProject('after-1', '之后的项目')));
    await union.whenSaved();
    await eventually(() => expect(titleOf(other.doc, 'after-1')).toBe('之后的项目'));
    other.doc.transact(() => (projects(other.doc).get('after-1')!.get('title') as Y.Text).insert(0, '新'));
    await eventually(() => expect(titleOf(union.doc, 'after-1')).toBe('新之后的项目'));
  });

  it('drops a later change that builds on the refused one, keeps a later deletion that does not', async () => {
    const union = await open('union');
    union.doc.transact(() => {
      projects(union.doc).set('other-2', unionProject('other-2', '多余的字'));
      projects(union.doc).set('base-2', unionProject('base-2', '底稿'));
    });
    await union.whenSaved();
    const refused = nextRefusal(union);
    union.doc.transact(() => projects(union.doc).get('base-2')!.set('bogus', true));
    // Its items come after the refused ones in this client's clock: it cannot stand without them.
    union.doc.transact(() => (projects(union.doc).get('base-2')!.get('title') as Y.Text).insert(2, '（修订）'));
    // A deletion adds no items, so it stands alone.
    union.doc.transact(() => (projects(union.doc).get('other-2')!.get('title') as Y.Text).delete(2, 2));
    await refused;

    await union.whenSaved();
    expect(titleOf(union.doc, 'base-2')).toBe('底稿');
    expect(titleOf(union.doc, 'other-2')).toBe('多余');
    expect(contentOf(union.doc)).toEqual(await serverState());
  });

  it('refuses a stage move that fails its gate with the unmet conditions and puts the project back', async () => {
    const union = await open('union');
    union.doc.transact(() => projects(union.doc).set('gated-3', unionProject('gated-3', '门槛项目')));
    await union.whenSaved();
    const refused = nextRefusal(union);
    union.doc.transact(() => projects(union.doc).get('gated-3')!.set('stage', 'archived'));
    const { refusal } = await refused;

    expect(refusal).toMatchObject({ code: 'gate_failed', path: 'projects/gated-3/stage', all: false });
    expect(refusal.conditions?.map((condition) => condition.code)).toContain('partner_org_missing');
    expect(refusal.conditions?.[0].message['zh-CN']).toEqual(expect.any(String));
    await union.whenSaved();
    expect(projects(union.doc).get('gated-3')?.get('stage')).toBe('planning');
    expect(contentOf(union.doc)).toEqual(await serverState());
  });

  it("returns a viewer's change to the server state with forbidden, and the viewer keeps receiving", async () => {
    const leader = await open('leader');
    expect(leader.role).toBe('viewer');
    const before = leader.doc.getMap('meta').get('title');
    const refused = nextRefusal(leader);
    leader.doc.getMap('meta').set('title', '领导改的标题');
    const { refusal } = await refused;

    expect(refusal).toEqual({
      code: 'forbidden',
      path: 'meta/title',
      reason: 'viewer_read_only',
      conditions: undefined,
      all: false,
    });
    await leader.whenSaved();
    expect(leader.doc.getMap('meta').get('title')).toBe(before);
    expect(contentOf(leader.doc)).toEqual(await serverState());
    const union = await open('union');
    union.doc.transact(() => projects(union.doc).set('seen-4', unionProject('seen-4', '领导能看到')));
    await eventually(() => expect(titleOf(leader.doc, 'seen-4')).toBe('领导能看到'));
  });

  it('drops every unsaved change when the step 2 after a reconnect is refused', async () => {
    const union = await open('union');
    union.disconnect();
    await eventually(() => expect(union.status).toBe('offline'));
    union.doc.transact(() => projects(union.doc).set('offline-5', unionProject('offline-5', '离线时添加')));
    union.doc.transact(() => projects(union.doc).get('offline-5')!.set('bogus', 1));
    const refused = nextRefusal(union);
    union.connect();
    const { refusal } = await refused;

    expect(refusal).toMatchObject({ code: 'invalid', all: true });
    await union.whenSaved();
    expect(projects(union.doc).has('offline-5')).toBe(false);
    expect(contentOf(union.doc)).toEqual(await serverState());
    union.doc.transact(() => projects(union.doc).set('online-5', unionProject('online-5', '恢复后添加')));
    await union.whenSaved();
    expect(contentOf(union.doc)).toEqual(await serverState());
    expect(titleOf(union.doc, 'online-5')).toBe('恢复后添加');
  });
});

describe('sync access changes', () => {
  let http: HttpServer;
  let io: Server;
  let url: string;
  const providers: BoardSyncProvider[] = [];
  /** Whether the handshake's session is (still) valid. */
  let sessionValid = true;
  let joins = 0;

  beforeAll(async () => {
    http = createServer();
    io = new Server(http);
    // Just enough of the server's side: a session check and a join; the tests push access changes.
    io.of(SYNC_NAMESPACE).use((_socket, next) => next(sessionValid ? undefined : new Error('unauthenticated')));
    io.of(SYNC_NAMESPACE).on('connection', (socket) => {
      socket.on(SyncEvent.join, (_payload: unknown, ack: (response: unknown) => void) => {
        joins += 1;
        ack({ ok: true, role: 'editor' });
      });
      socket.on(SyncEvent.y, (_board: unknown, _data: unknown, ack: (response: unknown) => void) => ack({ ok: true }));
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  afterEach(() => {
    for (const provider of providers.splice(0)) provider.destroy();
    sessionValid = true;
  });
  afterAll(async () => {
    await io.close();
  });

  const joined = async () => {
    const provider = openClient(url, BOARD, 'gj_sid=test');
    providers.push(provider);
    await eventually(() => expect(provider.role).toBe('editor'));
    return provider;
  };
  const push = async (change: AccessChange) => {
    for (const socket of await io.of(SYNC_NAMESPACE).fetchSockets()) socket.emit(SyncEvent.access, BOARD, change);
  };

  it('follows a role the server changes', async () => {
    const provider = await joined();
    const roles: unknown[] = [];
    provider.on('role', (role) => roles.push(role));
    await push({ role: 'viewer' });
    await eventually(() => expect(provider.role).toBe('viewer'));
    await push({ role: 'coordinator' });
    await eventually(() => expect(roles).toEqual(['viewer', 'coordinator']));
  });

  it('stops for good when access is removed, and does not join again', async () => {
    const provider = await joined();
    const joinsBefore = joins;
    const roles: unknown[] = [];
    provider.on('role', (role) => roles.push(role));
    await push({ role: null });
    await eventually(() => expect(provider.status).toBe('removed'));
    expect(provider.role).toBeNull();
    expect(roles).toEqual([null]);
    provider.socket.io.engine.close();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(joins).toBe(joinsBefore);
    expect(provider.status).toBe('removed');
    await expect(provider.whenSaved(100)).rejects.toThrow(/removed/);
  });

  it('ends as unauthenticated, not removed, when the removal came with a revoked session', async () => {
    const provider = await joined();
    const errors: unknown[] = [];
    provider.on('error', (code) => errors.push(code));
    await push({ role: null });
    await eventually(() => expect(provider.status).toBe('removed'));
    sessionValid = false;
    for (const socket of await io.of(SYNC_NAMESPACE).fetchSockets()) socket.disconnect(true);
    await eventually(() => expect(provider.status).toBe('error'));
    expect(errors).toEqual(['unauthenticated']);
  });

  it('connects again after the server hung up, and stops as unauthenticated when the session is gone', async () => {
    const provider = await joined();
    const joinsBefore = joins;
    for (const socket of await io.of(SYNC_NAMESPACE).fetchSockets()) socket.disconnect(true);
    await eventually(() => expect(joins).toBe(joinsBefore + 1));
    // This stand-in server joins but never syncs: joined again is as far as it goes.
    await eventually(() => expect(provider.status).toBe('syncing'));
    const errors: unknown[] = [];
    provider.on('error', (code) => errors.push(code));
    sessionValid = false;
    for (const socket of await io.of(SYNC_NAMESPACE).fetchSockets()) socket.disconnect(true);
    await eventually(() => expect(provider.status).toBe('error'));
    expect(errors).toEqual(['unauthenticated']);
  });
});
