import { createProject, encodeAwarenessMessage, encodeSyncStep1 } from '@gongjian/shared';
import type { Socket } from 'socket.io-client';
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { BoardSyncProvider } from '../../client/src/lib/sync/board-sync-provider';
import { encodeAwarenessUpdate as encodeAwarenessEntries } from '../../server/src/modules/sync/awareness-codec';
import { api, login } from '../support/api';
import { eventually, loadFresh, openClient } from '../support/clients';
import type { ServerProcess } from '../support/server-process';
import { startStack, TestStack } from '../support/stack';
import { connected, editUpdate, emitAck, mirror, rawSocket, SyncAck } from '../support/sync-sockets';

/**
 * Access taken away or lowered while a user is connected to both instances: their sockets hear of
 * it, and their writes stop, on both instances within a second of the REST call. The periodic
 * re-check is off (ACCESS_RECHECK_MS=0), so only the access messages between instances can do it.
 */

const BOARD = 'demo-liangxi-2026';
const DEMO_PASSWORD = 'demo12345';
const PASSWORD = 'Access-Changes-Passphrase-2026';
const ORG = 'liangxi-women';
/** How soon after the REST call answers every socket of the user must have been told. */
const WITHIN_MS = 1000;

interface Attempt {
  id: string;
  sentAt: number;
  ack: SyncAck;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The first `access` event the socket receives for the board, with the time it arrived. */
function nextAccess(socket: Socket): Promise<{ boardId: string; change: unknown; at: number }> {
  return new Promise((resolve) =>
    socket.once('access', (boardId: string, change: unknown) => resolve({ boardId, change, at: Date.now() })),
  );
}

describe('access changes on open sockets across two instances', () => {
  let stack: TestStack;
  let servers: ServerProcess[];
  const cookies: Record<string, string> = {};
  const sockets: Socket[] = [];
  const providers: BoardSyncProvider[] = [];
  let users = 0;
  const url = (instance: number) => servers[instance].url;

  /** A new account of the women's federation with its own membership of the board, signed in. */
  async function newMember(role: string): Promise<{ id: string; cookie: string }> {
    const username = `ac-user-${(users += 1)}-${Math.random().toString(36).slice(2, 6)}`;
    const created = await api<{ id: string }>(url(0), '/api/users', cookies.admin, {
      method: 'POST',
      body: { username, displayName: `测试用户 ${username}`, orgId: ORG, password: PASSWORD },
    });
    expect(created.status).toBe(201);
    expect(
      (
        await api(url(0), `/api/boards/${BOARD}/members/users/${created.body.id}`, cookies.coord, {
          method: 'PUT',
          body: { role },
        })
      ).status,
    ).toBe(204);
    return { id: created.body.id, cookie: await login(url(1), username, PASSWORD) };
  }

  /** The user's sockets, one on each instance, joined to the board with `role`. */
  async function joinedOnBoth(cookie: string, role: string): Promise<[Socket, Socket]> {
    const pair = [rawSocket(url(0), cookie), rawSocket(url(1), cookie)] as [Socket, Socket];
    sockets.push(...pair);
    await Promise.all(pair.map(connected));
    for (const socket of pair) expect(await emitAck(socket, 'join', { boardId: BOARD })).toEqual({ ok: true, role });
    return pair;
  }

  /** A project of the women's federation: what an editor of that org may create. */
  const newProject = (id: string) => (doc: Y.Doc) =>
    createProject(
      doc,
      {
        id,
        category: 'culture',
        title: `写入 ${id}`,
        leadOrgId: ORG,
        createdBy: 'test',
        now: new Date().toISOString(),
      },
      'test',
    );

  /** Sends one new project after another over `socket` until `stop()`; every attempt with its ack. */
  async function writeUntil(socket: Socket, base: Y.Doc, prefix: string, stop: () => boolean): Promise<Attempt[]> {
    const attempts: Attempt[] = [];
    for (let k = 0; !stop(); k++) {
      const id = `${prefix}-${k}`;
      const sentAt = Date.now();
      const ack = socket.connected
        ? await emitAck(socket, 'y', BOARD, editUpdate(base, newProject(id))).catch(() => ({
            ok: false,
            error: 'no_ack',
          }))
        : { ok: false, error: 'disconnected' };
      attempts.push({ id, sentAt, ack });
      await sleep(20);
    }
    return attempts;
  }

  /** Accepted writes come first, then refused ones only; every write sent later than `deadline` is refused. */
  function expectWritesStopped(attempts: Attempt[], deadline: number, refusal: (attempt: Attempt) => SyncAck): void {
    const firstRefused = attempts.findIndex((attempt) => !attempt.ack.ok);
    expect(firstRefused).toBeGreaterThan(0);
    expect(attempts[firstRefused].sentAt).toBeLessThanOrEqual(deadline);
    for (const attempt of attempts.slice(firstRefused)) expect(attempt.ack).toEqual(refusal(attempt));
    expect(attempts.slice(0, firstRefused).every((attempt) => attempt.ack.ok)).toBe(true);
    expect(attempts.filter((attempt) => attempt.sentAt > deadline).length).toBeGreaterThan(0);
  }

  /** On both instances, exactly the accepted writes are stored. */
  async function expectStoredExactlyAccepted(attempts: Attempt[]): Promise<void> {
    for (const instance of [0, 1]) {
      await eventually(async () => {
        const fresh = await loadFresh(url(instance), BOARD, cookies.coord);
        const projects = fresh.getMap('projects');
        const stored = attempts.filter((attempt) => projects.has(attempt.id)).map((attempt) => attempt.id);
        expect(stored).toEqual(attempts.filter((attempt) => attempt.ack.ok).map((attempt) => attempt.id));
      }, 5000);
    }
  }

  beforeAll(async () => {
    stack = await startStack({ instances: 2, env: { ACCESS_RECHECK_MS: '0', AWARENESS_THROTTLE_MS: '10' } });
    servers = stack.servers;
    for (const user of ['admin', 'coord', 'union', 'youth', 'leader', 'women'])
      cookies[user] = await login(url(0), user, DEMO_PASSWORD);
  }, 60_000);

  afterEach(() => {
    for (const provider of providers.splice(0)) provider.destroy();
  });

  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await stack?.stop();
  });

  it('removing a membership (REST on instance 0) stops the user’s writes on both instances within 1 s', async () => {
    const user = await newMember('editor');
    const pair = await joinedOnBoth(user.cookie, 'editor');
    const base = await loadFresh(url(0), BOARD, cookies.coord);
    const told = pair.map((socket) => nextAccess(socket));

    let stopped = false;
    const writers = pair.map((socket, instance) => writeUntil(socket, base, `ac-removed-${instance}`, () => stopped));
    await sleep(300);
    const response = await api(url(0), `/api/boards/${BOARD}/members/users/${user.id}`, cookies.coord, {
      method: 'DELETE',
    });
    const answeredAt = Date.now();
    expect(response.status).toBe(204);

    const events = await within(Promise.all(told), 5000, 'the access event');
    for (const event of events) {
      expect(event).toEqual({ boardId: BOARD, change: { role: null }, at: expect.any(Number) });
      expect(event.at - answeredAt).toBeLessThanOrEqual(WITHIN_MS);
    }
    await sleep(WITHIN_MS + 300 - (Date.now() - answeredAt));
    stopped = true;
    const attempts = await Promise.all(writers);

    // After the access event the socket is no longer joined: forbidden, with no path.
    for (const list of attempts)
      expectWritesStopped(list, answeredAt + WITHIN_MS, () => ({ ok: false, error: 'forbidden' }));
    await expectStoredExactlyAccepted(attempts.flat());

    // Nor can they come back, on either instance.
    for (const socket of pair)
      expect(await emitAck(socket, 'join', { boardId: BOARD })).toEqual({ ok: false, error: 'not_found' });
    expect((await api(url(1), `/api/boards/${BOARD}`, user.cookie)).status).toBe(404);
  });

  it('lowering editor → viewer: access event with viewer, writes refused with viewer_read_only, reading continues', async () => {
    const user = await newMember('editor');
    const pair = await joinedOnBoth(user.cookie, 'editor');
    // Each socket keeps a copy of the board from what the server sends it.
    const copies = pair.map((socket) => {
      const copy = new Y.Doc();
      mirror(socket, BOARD, copy);
      return copy;
    });
    for (const socket of pair)
      expect(await emitAck(socket, 'y', BOARD, encodeSyncStep1(Y.encodeStateVector(new Y.Doc())))).toEqual({
        ok: true,
      });
    await eventually(() => copies.forEach((copy) => expect(copy.getMap('projects').size).toBeGreaterThan(0)));

    const base = await loadFresh(url(0), BOARD, cookies.coord);
    const told = pair.map((socket) => nextAccess(socket));
    let stopped = false;
    const writers = pair.map((socket, instance) => writeUntil(socket, base, `ac-lowered-${instance}`, () => stopped));
    await sleep(300);
    const response = await api(url(0), `/api/boards/${BOARD}/members/users/${user.id}`, cookies.coord, {
      method: 'PUT',
      body: { role: 'viewer' },
    });
    const answeredAt = Date.now();
    expect(response.status).toBe(204);

    const events = await within(Promise.all(told), 5000, 'the access event');
    for (const event of events) {
      expect(event).toEqual({ boardId: BOARD, change: { role: 'viewer' }, at: expect.any(Number) });
      expect(event.at - answeredAt).toBeLessThanOrEqual(WITHIN_MS);
    }
    await sleep(WITHIN_MS + 300 - (Date.now() - answeredAt));
    stopped = true;
    const attempts = await Promise.all(writers);
    for (const list of attempts) {
      expectWritesStopped(list, answeredAt + WITHIN_MS, (attempt) => ({
        ok: false,
        error: 'forbidden',
        path: `projects/${attempt.id}`,
        reason: 'viewer_read_only',
      }));
    }
    await expectStoredExactlyAccepted(attempts.flat());

    // Still joined, as a viewer, and still receiving what others write, on both instances.
    for (const socket of pair)
      expect(await emitAck(socket, 'join', { boardId: BOARD })).toEqual({ ok: true, role: 'viewer' });
    const writer = openClient(url(1), BOARD, cookies.union);
    providers.push(writer);
    await writer.whenSaved();
    writer.doc.transact(() =>
      createProject(
        writer.doc,
        {
          id: 'ac-read-on',
          category: 'rights',
          title: '降级后仍能看到',
          leadOrgId: 'liangxi-union',
          createdBy: 'demo-union',
          now: new Date().toISOString(),
        },
        'test',
      ),
    );
    await writer.whenSaved();
    await eventually(
      () => copies.forEach((copy) => expect(copy.getMap('projects').has('ac-read-on')).toBe(true)),
      5000,
    );
    expect((await api<{ role: string }>(url(1), `/api/boards/${BOARD}`, user.cookie)).body.role).toBe('viewer');
  });

  it('a disabled account (PATCH /api/users/:id by the admin) has its sockets on both instances disconnected within 1 s', async () => {
    const user = await newMember('editor');
    const pair = await joinedOnBoth(user.cookie, 'editor');
    const gone = pair.map(
      (socket) => new Promise<number>((resolve) => socket.once('disconnect', () => resolve(Date.now()))),
    );
    const told = pair.map((socket) => nextAccess(socket));

    const response = await api<{ disabled: boolean }>(url(0), `/api/users/${user.id}`, cookies.admin, {
      method: 'PATCH',
      body: { disabled: true },
    });
    const answeredAt = Date.now();
    expect(response.status).toBe(200);
    expect(response.body.disabled).toBe(true);

    for (const at of await within(Promise.all(gone), 5000, 'the disconnect'))
      expect(at - answeredAt).toBeLessThanOrEqual(WITHIN_MS);
    for (const event of await within(Promise.all(told), 100, 'the access event before the disconnect')) {
      expect(event).toEqual({ boardId: BOARD, change: { role: null }, at: expect.any(Number) });
    }
    // The session is over everywhere: REST answers 401, a new socket is refused.
    expect((await api(url(1), '/api/auth/me', user.cookie)).status).toBe(401);
    const again = rawSocket(url(1), user.cookie);
    sockets.push(again);
    await expect(connected(again)).rejects.toThrow('unauthenticated');
  });

  it('replaces an identity forged on instance 0 with the real one for a client on instance 1', async () => {
    const observer = openClient(url(1), BOARD, cookies.youth);
    providers.push(observer);
    await observer.whenSaved();
    const [forger] = await joinedOnBoth(cookies.union, 'editor');
    const awareness = new Awareness(new Y.Doc());
    awareness.setLocalState({
      user: { id: 'demo-admin', name: '系统管理员', color: '#000000', orgId: null, isAdmin: true },
      cursor: { projectId: 'forged' },
    });
    expect(
      await emitAck(forger, 'y', BOARD, encodeAwarenessMessage(encodeAwarenessUpdate(awareness, [awareness.clientID]))),
    ).toEqual({ ok: true });
    await eventually(() =>
      expect(observer.awareness.getStates().get(awareness.clientID)).toEqual({
        user: {
          id: 'demo-union',
          name: '梁溪区总工会 · 王工',
          color: expect.stringMatching(/^#[0-9a-f]{6}$/),
          orgId: 'liangxi-union',
        },
        cursor: { projectId: 'forged' },
      }),
    );
    awareness.destroy();
  });

  /** A client on instance 1 with a cursor, and another on instance 1 that watches it. */
  async function victimAndWatcher() {
    const victim = openClient(url(1), BOARD, cookies.leader);
    const watcher = openClient(url(1), BOARD, cookies.women);
    providers.push(victim, watcher);
    await Promise.all([victim.whenSaved(), watcher.whenSaved()]);
    victim.awareness.setLocalStateField('cursor', { projectId: 'victim-own' });
    const real = {
      user: {
        id: 'demo-leader',
        name: '梁溪区委 · 周领导',
        color: expect.stringMatching(/^#/),
        orgId: 'liangxi-office',
      },
      cursor: { projectId: 'victim-own' },
    };
    await eventually(() => expect(watcher.awareness.getStates().get(victim.doc.clientID)).toEqual(real));
    return { victimId: victim.doc.clientID, watcher, real };
  }

  it.each([
    ['take over (overwrite)', { cursor: { projectId: 'hijacked' } }],
    ['remove', null],
  ])('does not let a client on instance 0 %s the presence of a client on instance 1', async (_what, state) => {
    const { victimId, watcher, real } = await victimAndWatcher();
    const [onZero, onOne] = await joinedOnBoth(cookies.union, 'editor');
    const forged = encodeAwarenessMessage(encodeAwarenessEntries([{ clientId: victimId, clock: 1_000, state }]));
    // On the victim's own instance the owner check keeps the client id the victim's...
    expect(await emitAck(onOne, 'y', BOARD, forged)).toEqual({ ok: true });
    await sleep(300);
    expect(watcher.awareness.getStates().get(victimId)).toEqual(real);
    // ...and a socket on the other instance must not get round it.
    expect(await emitAck(onZero, 'y', BOARD, forged)).toEqual({ ok: true });
    await sleep(500);
    expect(watcher.awareness.getStates().get(victimId)).toEqual(real);
  });
});
