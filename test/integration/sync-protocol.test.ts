import {
  encodeAwarenessMessage,
  encodeSyncStep1,
  encodeSyncUpdate,
  decodeSyncMessage,
  SYNC_NAMESPACE,
  validateBoard,
} from '@gongjian/shared';
import { createHash } from 'node:crypto';
import { Client } from 'pg';
import { io, Socket } from 'socket.io-client';
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { api, login } from '../support/api';
import { eventually, openClient } from '../support/clients';
import { newProjectMap } from '../support/random-edits';
import { rawEngineSocket } from '../support/raw-engine';
import type { ServerProcess } from '../support/server-process';
import { startStack, TestStack } from '../support/stack';

const BOARD = 'demo-liangxi-2026';
type Ack = { ok: boolean; error?: string; role?: string };

function rawSocket(url: string, cookie?: string): Socket {
  return io(`${url}${SYNC_NAMESPACE}`, {
    transports: ['websocket'],
    reconnection: false,
    extraHeaders: cookie ? { cookie } : undefined,
  });
}

async function connected(socket: Socket): Promise<void> {
  if (socket.connected) return;
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
}

function emitAck(socket: Socket, event: string, ...args: unknown[]): Promise<Ack> {
  return socket.timeout(5000).emitWithAck(event, ...args) as Promise<Ack>;
}

function someUpdate(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getMap('meta').set('title', text);
  return Y.encodeStateAsUpdate(doc);
}

describe('sync protocol: refusals and limits', () => {
  let stack: TestStack;
  let server: ServerProcess;
  let cookies: Record<string, string>;
  const sockets: Socket[] = [];
  const open = async (user?: string) => {
    const socket = rawSocket(server.url, user ? cookies[user] : undefined);
    sockets.push(socket);
    await connected(socket);
    return socket;
  };
  const joined = async (user: string) => {
    const socket = await open(user);
    expect(await emitAck(socket, 'join', { boardId: BOARD })).toEqual({ ok: true, role: expect.any(String) });
    return socket;
  };

  beforeAll(async () => {
    stack = await startStack({
      env: { MAX_UPDATE_BYTES: '4096', RATE_LIMIT_PER_SEC: '5', RATE_LIMIT_BURST: '40', AWARENESS_THROTTLE_MS: '10' },
    });
    [server] = stack.servers;
    cookies = {};
    for (const user of ['union', 'youth', 'leader', 'coord'])
      cookies[user] = await login(server.url, user, 'demo12345');
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await stack.stop();
  });

  it('refuses a handshake without a session', async () => {
    const socket = rawSocket(server.url);
    sockets.push(socket);
    await expect(connected(socket)).rejects.toThrow('unauthenticated');
  });

  it('refuses a handshake with an unknown session', async () => {
    const socket = rawSocket(server.url, 'gj_sid=forged');
    sockets.push(socket);
    await expect(connected(socket)).rejects.toThrow('unauthenticated');
  });

  it('refuses /sync connected again over the same connection: the handshake is not kept', async () => {
    const raw = await rawEngineSocket(server.url, { cookie: cookies.youth });
    try {
      raw.send(`41${SYNC_NAMESPACE},`);
      // socket.io handles the disconnect a tick later; a connect before that closes the connection.
      await new Promise((resolve) => setTimeout(resolve, 100));
      raw.send(`40${SYNC_NAMESPACE},`);
      await eventually(() => expect(raw.received).toContainEqual(`44${SYNC_NAMESPACE},{"message":"unauthenticated"}`));
    } finally {
      raw.close();
    }
  });

  it('answers join with the role', async () => {
    const socket = await open('leader');
    expect(await emitAck(socket, 'join', { boardId: BOARD })).toEqual({ ok: true, role: 'viewer' });
  });

  it('refuses to join a board the user cannot see', async () => {
    const created = await api<{ id: string }>(server.url, '/api/boards', cookies.union, {
      method: 'POST',
      body: { title: '工会内部看板' },
    });
    expect(created.status).toBe(201);
    const socket = await open('youth');
    expect(await emitAck(socket, 'join', { boardId: created.body.id })).toEqual({ ok: false, error: 'not_found' });
    expect(await emitAck(socket, 'join', { boardId: 'no-such-board' })).toEqual({ ok: false, error: 'not_found' });
  });

  it('refuses a malformed join', async () => {
    const socket = await open('youth');
    expect(await emitAck(socket, 'join', { boardId: '../etc' })).toEqual({ ok: false, error: 'invalid' });
    expect(await emitAck(socket, 'join', 'demo')).toEqual({ ok: false, error: 'invalid' });
  });

  it('refuses a y message for a board the socket has not joined', async () => {
    const socket = await open('youth');
    expect(await emitAck(socket, 'y', BOARD, encodeSyncUpdate(someUpdate('x')))).toEqual({
      ok: false,
      error: 'forbidden',
    });
  });

  it('answers random bytes, truncated updates and wrong types with invalid, and keeps working', async () => {
    // The board's coordinator: meta (what someUpdate writes) is theirs.
    const sender = await joined('coord');
    const watcher = await joined('youth');
    const update = someUpdate('after the garbage');
    const valid = encodeSyncUpdate(update);
    const garbage: unknown[] = [
      new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]),
      new Uint8Array([7, 1, 2]),
      new Uint8Array([0, 9, 0]),
      valid.subarray(0, valid.length - 3),
      encodeSyncUpdate(update.subarray(0, update.length - 2)),
      new Uint8Array([0, 2, 5, 1, 2, 3, 4, 200]),
      'not bytes',
      42,
    ];
    for (const data of garbage)
      expect(await emitAck(sender, 'y', BOARD, data)).toEqual({ ok: false, error: 'invalid' });
    expect(await emitAck(sender, 'y', 42, valid)).toEqual({ ok: false, error: 'invalid' });

    const seen = new Promise<Uint8Array>((resolve) =>
      watcher.on('y', (_board: string, data: Uint8Array) => {
        const message = decodeSyncMessage(new Uint8Array(data));
        if (message.kind === 'update' && message.step === 'update') resolve(message.update);
      }),
    );
    expect(await emitAck(sender, 'y', BOARD, valid)).toEqual({ ok: true });
    const doc = new Y.Doc();
    Y.applyUpdate(doc, await seen);
    expect(doc.getMap('meta').get('title')).toBe('after the garbage');
  });

  it('refuses an oversize message with too_large and keeps the socket', async () => {
    const socket = await joined('coord');
    const big = new Y.Doc();
    big.getMap('meta').set('blob', 'x'.repeat(5000));
    expect(await emitAck(socket, 'y', BOARD, encodeSyncUpdate(Y.encodeStateAsUpdate(big)))).toEqual({
      ok: false,
      error: 'too_large',
    });
    expect(await emitAck(socket, 'y', BOARD, encodeSyncUpdate(someUpdate('small')))).toEqual({ ok: true });
  });

  it('refuses a flood with rate_limited', async () => {
    const socket = await joined('union');
    const acks = await Promise.all(
      Array.from({ length: 60 }, () => emitAck(socket, 'y', BOARD, encodeSyncStep1(Y.encodeStateVector(new Y.Doc())))),
    );
    expect(acks.filter((ack) => ack.error === 'rate_limited').length).toBeGreaterThan(0);
    expect(acks.filter((ack) => ack.ok).length).toBeGreaterThanOrEqual(40);
    expect(acks.every((ack) => ack.ok || ack.error === 'rate_limited')).toBe(true);
  });

  it("refuses a viewer's change with forbidden but accepts a viewer's step 2 that brings nothing", async () => {
    const viewer = openClient(server.url, BOARD, cookies.leader);
    await viewer.whenSaved();
    expect(viewer.role).toBe('viewer');
    const socket = await joined('leader');
    expect(await emitAck(socket, 'y', BOARD, encodeSyncUpdate(someUpdate('viewer was here')))).toEqual({
      ok: false,
      error: 'forbidden',
      path: 'meta/title',
      reason: 'viewer_read_only',
    });
    const stored = openClient(server.url, BOARD, cookies.union);
    await stored.whenSaved();
    expect(stored.doc.getMap('meta').get('title')).not.toBe('viewer was here');
    stored.destroy();
    viewer.destroy();
  });

  it('replaces a forged awareness identity with the real one, and removes a leaving socket’s state', async () => {
    const observer = openClient(server.url, BOARD, cookies.youth);
    await observer.whenSaved();
    const forger = await joined('union');
    const awareness = new Awareness(new Y.Doc());
    awareness.setLocalState({ user: { id: 'demo-admin', name: '系统管理员', color: '#000' }, cursor: 1 });
    expect(
      await emitAck(forger, 'y', BOARD, encodeAwarenessMessage(encodeAwarenessUpdate(awareness, [awareness.clientID]))),
    ).toEqual({ ok: true });
    await eventually(() => {
      const state = observer.awareness.getStates().get(awareness.clientID);
      expect(state).toEqual({
        user: {
          id: 'demo-union',
          name: '梁溪区总工会 · 王工',
          color: expect.stringMatching(/^#/),
          orgId: 'liangxi-union',
        },
        cursor: 1,
      });
    });
    forger.disconnect();
    await eventually(() => expect(observer.awareness.getStates().has(awareness.clientID)).toBe(false));
    awareness.destroy();
    observer.destroy();
  });

  it('refuses a board whose stored state is corrupt with unavailable, stores nothing, and serves it once repaired', async () => {
    const created = await api<{ id: string }>(server.url, '/api/boards', cookies.union, {
      method: 'POST',
      body: { title: '损坏的看板' },
    });
    const pg = new Client({ connectionString: stack.database.url });
    await pg.connect();
    try {
      const corrupt = Buffer.from([0, 0, 1, 2, 3, 250, 250]);
      // A damaged snapshot: its bytes no longer match the checksum written with them.
      await pg.query('update board_snapshots set state = $2, state_sha256 = $3 where board_id = $1', [
        created.body.id,
        corrupt,
        createHash('sha256').update('the bytes before the damage').digest('hex'),
      ]);
      const socket = await open('union');
      expect(await emitAck(socket, 'join', { boardId: created.body.id })).toEqual({ ok: false, error: 'unavailable' });
      const row = await pg.query('select state from board_snapshots where board_id = $1', [created.body.id]);
      expect(Buffer.compare(row.rows[0].state, corrupt)).toBe(0);

      const doc = new Y.Doc();
      doc.getMap('meta').set('title', '修复后');
      const repaired = Buffer.from(Y.encodeStateAsUpdate(doc));
      await pg.query('update board_snapshots set state = $2, state_sha256 = $3 where board_id = $1', [
        created.body.id,
        repaired,
        createHash('sha256').update(repaired).digest('hex'),
      ]);
      const client = openClient(server.url, created.body.id, cookies.union);
      await client.whenSaved();
      expect(client.doc.getMap('meta').get('title')).toBe('修复后');
      client.destroy();
    } finally {
      await pg.end();
    }
  });

  it('refuses updates that break the board schema with invalid and the path, and stores none of them', async () => {
    const socket = await joined('union');
    const base = openClient(server.url, BOARD, cookies.union);
    await base.whenSaved();
    const edit = (change: (doc: Y.Doc) => void) => {
      const doc = new Y.Doc();
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(base.doc));
      const before = Y.encodeStateVector(doc);
      change(doc);
      return encodeSyncUpdate(Y.encodeStateAsUpdate(doc, before));
    };
    expect(
      await emitAck(
        socket,
        'y',
        BOARD,
        edit((doc) => doc.getMap('secrets').set('x', 1)),
      ),
    ).toEqual({
      ok: false,
      error: 'invalid',
      path: 'secrets',
      reason: 'unknown_root',
    });
    expect(
      await emitAck(
        socket,
        'y',
        BOARD,
        edit((doc) => doc.getMap('meta').set('year', 'next year')),
      ),
    ).toEqual({
      ok: false,
      error: 'invalid',
      path: 'meta/year',
      reason: 'invalid_value',
    });
    expect(
      await emitAck(
        socket,
        'y',
        BOARD,
        edit((doc) => doc.getMap('projects').set('p-bad', new Y.Map())),
      ),
    ).toEqual({
      ok: false,
      error: 'invalid',
      path: 'projects/p-bad/id',
      reason: 'missing_key',
    });
    base.destroy();
    const fresh = openClient(server.url, BOARD, cookies.youth);
    await fresh.whenSaved();
    expect(fresh.doc.share.has('secrets')).toBe(false);
    expect(fresh.doc.getMap('meta').get('year')).toBe(2026);
    expect(fresh.doc.getMap('projects').has('p-bad')).toBe(false);
    expect(validateBoard(fresh.doc)).toEqual([]);
    fresh.destroy();
  });

  it('refuses a stage move that fails its gate with gate_failed and the unmet conditions; accepts one that passes', async () => {
    // A coordinator may move any project, and back with a reason.
    const socket = await joined('coord');
    const base = openClient(server.url, BOARD, cookies.coord);
    await base.whenSaved();
    base.doc.transact(() => base.doc.getMap('projects').set('gated', newProjectMap('gated', '职工技能竞赛')));
    await base.whenSaved();
    const project = () => base.doc.getMap<Y.Map<unknown>>('projects').get('gated')!;
    const edit = (change: (doc: Y.Doc) => void) => {
      const doc = new Y.Doc();
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(base.doc));
      const before = Y.encodeStateVector(doc);
      change(doc);
      return encodeSyncUpdate(Y.encodeStateAsUpdate(doc, before));
    };
    const moveTo = (stage: string) => (doc: Y.Doc) =>
      doc.getMap<Y.Map<unknown>>('projects').get('gated')!.set('stage', stage);

    const refused = await emitAck(socket, 'y', BOARD, edit(moveTo('approved')));
    expect(refused).toMatchObject({ ok: false, error: 'gate_failed', path: 'projects/gated/stage' });
    const codes = (refused as unknown as { conditions: Array<{ code: string }> }).conditions.map((c) => c.code);
    expect(codes).toEqual(['partner_org_missing', 'funding_plan_missing', 'checklist_empty']);

    // Fill in what approval needs, and move in the same update.
    const approve = edit((doc) => {
      const p = doc.getMap<Y.Map<unknown>>('projects').get('gated')!;
      const partners = new Y.Map<unknown>();
      p.set('partnerOrgIds', partners);
      const partner = p.get('leadOrgId') === 'liangxi-youth' ? 'liangxi-women' : 'liangxi-youth';
      partners.set(partner, true);
      (p.get('funding') as Y.Map<unknown>).set(String(p.get('leadOrgId')), 500000);
      const item = new Y.Map<unknown>();
      (p.get('checklist') as Y.Map<unknown>).set('c1', item);
      for (const [key, value] of Object.entries({ id: 'c1', rank: 'a0', status: 'todo', orgId: partner }))
        item.set(key, value);
      p.set('stage', 'approved');
    });
    expect(await emitAck(socket, 'y', BOARD, approve)).toEqual({ ok: true });
    await eventually(() => expect(project().get('stage')).toBe('approved'));

    const back = await emitAck(socket, 'y', BOARD, edit(moveTo('planning')));
    expect(back).toMatchObject({ ok: false, error: 'gate_failed', conditions: [{ code: 'reason_required' }] });
    const fresh = openClient(server.url, BOARD, cookies.youth);
    await fresh.whenSaved();
    expect(fresh.doc.getMap<Y.Map<unknown>>('projects').get('gated')!.get('stage')).toBe('approved');
    expect(validateBoard(fresh.doc)).toEqual([]);
    fresh.destroy();
    base.destroy();
  });
});
