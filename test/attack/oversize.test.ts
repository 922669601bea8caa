import {
  addChecklistItem,
  createProject,
  encodeAwarenessMessage,
  encodeSyncStep2,
  encodeSyncUpdate,
} from '@gongjian/shared';
import { gzipSync } from 'node:zlib';
import type { Socket } from 'socket.io-client';
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { api, cookieValue, login } from '../support/api';
import { boardFootprint, docFingerprint } from '../support/board-footprint';
import { loadFresh, openClient } from '../support/clients';
import type { TestDatabase } from '../support/postgres';
import { rawEngineSocket } from '../support/raw-engine';
import type { TestRedis } from '../support/redis';
import type { ServerProcess } from '../support/server-process';
import { alarmingLogLines } from '../support/server-watch';
import { startStack, TestStack } from '../support/stack';
import { connected, emitAck, rawSocket } from '../support/sync-sockets';

/**
 * Oversize input: a sync message over MAX_UPDATE_BYTES is refused `too_large` and the socket
 * stays; one over the transport limit (MAX_UPDATE_BYTES × 2 + 64 KiB) closes the connection; a
 * REST body over 1 MB is 413 `too_large`, for every endpoint with a body. Each oversize input is a
 * real, otherwise acceptable change, and none of it may be stored.
 */

const MAX_UPDATE_BYTES = 4096;
const TRANSPORT_LIMIT = MAX_UPDATE_BYTES * 2 + 64 * 1024;
const PROJECT = 'oversize-target';
const PASSWORD = 'demo12345';

/** An update adding `count` checklist items in one transaction, made on a copy of `base`. */
function addItems(base: Y.Doc, count: number, prefix: string): Uint8Array {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(base));
  const before = Y.encodeStateVector(doc);
  for (let i = 0; i < count; i++)
    addChecklistItem(
      doc,
      PROJECT,
      { id: `${prefix}${i}`, text: `第 ${i} 项：活动台账与场地安排`, orgId: 'liangxi-union' },
      'big',
    );
  const update = Y.encodeStateAsUpdate(doc, before);
  doc.destroy();
  return update;
}

describe('oversize messages and bodies', () => {
  let stack: TestStack;
  let database: TestDatabase;
  let redis: TestRedis;
  let server: ServerProcess;
  let union: string;
  let boardId: string;
  let base: Y.Doc;
  const sockets: Socket[] = [];

  const joined = async () => {
    const socket = rawSocket(server.url, union);
    sockets.push(socket);
    await connected(socket);
    expect(await emitAck(socket, 'join', { boardId })).toEqual({ ok: true, role: 'coordinator' });
    return socket;
  };
  const stored = async () => {
    // Reading the audit trail first flushes what the server still queues for it.
    expect((await api(server.url, `/api/boards/${boardId}/audit`, union)).status).toBe(200);
    return {
      doc: docFingerprint(await loadFresh(server.url, boardId, union)),
      footprint: await boardFootprint(database.url, boardId, redis),
    };
  };

  beforeAll(async () => {
    stack = await startStack({ env: { MAX_UPDATE_BYTES: String(MAX_UPDATE_BYTES) } });
    ({ database, redis } = stack);
    [server] = stack.servers;
    union = await login(server.url, 'union', PASSWORD);
    const created = await api<{ id: string }>(server.url, '/api/boards', union, {
      method: 'POST',
      body: { title: '超大消息测试' },
    });
    boardId = created.body.id;
    const setup = openClient(server.url, boardId, union);
    await setup.whenSaved();
    createProject(
      setup.doc,
      {
        id: PROJECT,
        category: 'training',
        title: '超大',
        leadOrgId: 'liangxi-union',
        createdBy: 'demo-union',
        now: '2026-03-01T08:00:00.000Z',
      },
      'setup',
    );
    await setup.whenSaved();
    base = new Y.Doc();
    Y.applyUpdate(base, Y.encodeStateAsUpdate(setup.doc));
    setup.destroy();
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await stack?.stop();
  });

  it('refuses a message over MAX_UPDATE_BYTES with too_large, as update, step 2 or awareness; keeps the socket; stores nothing', async () => {
    const before = await stored();
    const socket = await joined();
    const big = addItems(base, 60, 'big');
    expect(encodeSyncUpdate(big).byteLength).toBeGreaterThan(MAX_UPDATE_BYTES);
    expect(encodeSyncUpdate(big).byteLength).toBeLessThan(TRANSPORT_LIMIT);
    const presence = new Awareness(new Y.Doc());
    presence.setLocalState({ note: '备注'.repeat(MAX_UPDATE_BYTES) });
    for (const message of [
      encodeSyncUpdate(big),
      encodeSyncStep2(big),
      encodeAwarenessMessage(encodeAwarenessUpdate(presence, [presence.clientID])),
    ]) {
      expect(await emitAck(socket, 'y', boardId, message)).toEqual({ ok: false, error: 'too_large' });
    }
    presence.destroy();
    expect(socket.connected).toBe(true);
    expect(await stored()).toEqual(before);
    // The same change in pieces under the limit is accepted: it was refused for its size alone.
    const small = addItems(base, 3, 'small');
    expect(await emitAck(socket, 'y', boardId, encodeSyncUpdate(small))).toEqual({ ok: true });
  });

  it('closes the connection on a message over the transport limit, binary or text, and stores nothing', async () => {
    const before = await stored();
    const huge = addItems(base, 1_200, 'huge');
    expect(encodeSyncUpdate(huge).byteLength).toBeGreaterThan(TRANSPORT_LIMIT);
    const messages: Array<[string, unknown[]]> = [
      ['y', [boardId, encodeSyncUpdate(huge)]],
      ['y', [boardId, 'x'.repeat(TRANSPORT_LIMIT + 1)]],
      ['join', [{ boardId: 'x'.repeat(TRANSPORT_LIMIT + 1) }]],
    ];
    for (const [event, args] of messages) {
      const socket = await joined();
      const closed = new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
      const acked = socket
        .timeout(10_000)
        .emitWithAck(event, ...args)
        .then(
          (ack: unknown) => `acked ${JSON.stringify(ack)}`,
          () => 'no ack',
        );
      expect([event, await closed]).toEqual([event, expect.stringMatching(/^transport (close|error)$/)]);
      expect(await acked).toBe('no ack');
    }
    // A raw WebSocket frame over the limit is cut by the transport itself (1009: message too big).
    const raw = await rawEngineSocket(server.url, { cookie: union });
    raw.send(`42/sync,["join",{"boardId":"${'x'.repeat(TRANSPORT_LIMIT)}"}]`);
    expect(await raw.closed).toBe(1009);
    expect(await stored()).toEqual(before);
    // The server goes on serving.
    const socket = await joined();
    expect(await emitAck(socket, 'y', boardId, encodeSyncUpdate(addItems(base, 2, 'after')))).toEqual({ ok: true });
  });

  it('answers a REST body over 1 MB 413 too_large on every endpoint with a body, however it is sent, and stores nothing', async () => {
    const admin = await login(server.url, 'admin', PASSWORD);
    const document = (await (await fetch(`${server.url}/api/docs/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { requestBody?: unknown }>>;
    };
    const routes = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([, operation]) => operation.requestBody)
        .map(([method]) => ({
          method: method.toUpperCase(),
          path: path
            .replace('{id}', path.startsWith('/api/boards') ? boardId : 'demo-union')
            .replace('{userId}', 'demo-youth')
            .replace('{orgId}', 'liangxi-women'),
        })),
    );
    expect(routes.length).toBeGreaterThanOrEqual(10);
    const directory = async () =>
      Promise.all(
        ['/api/boards', '/api/users', '/api/orgs', '/api/regions'].map((path) => api(server.url, path, admin)),
      );
    const directoryBefore = await directory();
    const big = JSON.stringify({ title: '大'.repeat(400_000), name: 'x', username: 'admin', password: 'x'.repeat(10) });
    expect(Buffer.byteLength(big)).toBeGreaterThan(1024 * 1024);
    const bodies: Array<{ label: string; body: Buffer | string; headers: Record<string, string> }> = [
      { label: 'plain', body: big, headers: {} },
      {
        label: 'gzip bomb',
        body: gzipSync(Buffer.from(`{"title":"${'x'.repeat(20_000_000)}"}`)),
        headers: { 'content-encoding': 'gzip' },
      },
    ];
    const wrong: string[] = [];
    for (const route of routes) {
      for (const { label, body, headers } of bodies) {
        const response = await fetch(`${server.url}${route.path}`, {
          method: route.method,
          headers: {
            cookie: admin,
            'x-csrf-token': cookieValue(admin, 'gj_csrf')!,
            'content-type': 'application/json',
            ...headers,
          },
          body,
        });
        const text = await response.text();
        if (
          response.status !== 413 ||
          !/"code":"too_large"/.test(text) ||
          !/^application\/json/.test(response.headers.get('content-type') ?? '')
        ) {
          wrong.push(`${route.method} ${route.path} (${label}) → ${response.status} ${text.slice(0, 100)}`);
        }
      }
    }
    // Streamed without a length (chunked): the limit holds as the body arrives.
    const chunked = await fetch(`${server.url}/api/boards`, {
      method: 'POST',
      headers: { cookie: admin, 'x-csrf-token': cookieValue(admin, 'gj_csrf')!, 'content-type': 'application/json' },
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"title":"'));
          for (let i = 0; i < 40; i++) controller.enqueue(new TextEncoder().encode('y'.repeat(64 * 1024)));
          controller.enqueue(new TextEncoder().encode('"}'));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    if (chunked.status !== 413) wrong.push(`chunked POST /api/boards → ${chunked.status}`);
    expect(wrong).toEqual([]);
    expect(await directory()).toEqual(directoryBefore);
    expect(alarmingLogLines(server.output())).toEqual([]);
  });
});
