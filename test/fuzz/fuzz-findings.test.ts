import {
  addChecklistItem,
  createProject,
  encodeAwarenessMessage,
  encodeSyncUpdate,
  validateBoard,
} from '@gongjian/shared';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import type { Socket } from 'socket.io-client';
import { api, cookieValue, login } from '../support/api';
import { boardFootprint, docFingerprint } from '../support/board-footprint';
import { eventually, loadFresh, openClient } from '../support/clients';
import type { TestDatabase } from '../support/postgres';
import type { TestRedis } from '../support/redis';
import type { ServerProcess } from '../support/server-process';
import { alarmingLogLines } from '../support/server-watch';
import { startStack, TestStack } from '../support/stack';
import { connected, emitAck, rawSocket } from '../support/sync-sockets';

/**
 * The smallest inputs behind what the fuzzers found, one test each, so that a fix can be checked
 * without a fuzz run.
 */

const BOARD = 'demo-liangxi-2026';

/** An awareness update of one client whose state is the given JSON text. */
function awarenessWithState(json: string): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 1);
  encoding.writeVarUint(encoder, 424242);
  encoding.writeVarUint(encoder, 1);
  encoding.writeVarString(encoder, json);
  return encoding.toUint8Array(encoder);
}

describe('inputs the fuzzers found mishandled', () => {
  let stack: TestStack;
  let database: TestDatabase;
  let redis: TestRedis;
  let server: ServerProcess;
  let cookie: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    stack = await startStack();
    ({ database, redis } = stack);
    [server] = stack.servers;
    cookie = await login(server.url, 'union', 'demo12345');
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await stack?.stop();
  });

  it('answers a body whose Content-Encoding does not decode (gzip, deflate, br of plain JSON) 400 invalid, not 500', async () => {
    const logFrom = server.output().length;
    const answers = [];
    for (const encoding of ['gzip', 'deflate', 'br']) {
      const response = await fetch(`${server.url}/api/boards`, {
        method: 'POST',
        headers: {
          cookie,
          'x-csrf-token': cookieValue(cookie, 'gj_csrf')!,
          'content-type': 'application/json',
          'content-encoding': encoding,
        },
        body: JSON.stringify({ title: '压缩错误' }),
      });
      answers.push([encoding, response.status, ((await response.json()) as { code: string }).code]);
    }
    expect(answers).toEqual([
      ['gzip', 400, 'invalid'],
      ['deflate', 400, 'invalid'],
      ['br', 400, 'invalid'],
    ]);
    expect(alarmingLogLines(server.output(), logFrom)).toEqual([]);
  });

  it('refuses an awareness state nested too deep to encode again with invalid, logging no error', async () => {
    const socket = rawSocket(server.url, cookie);
    sockets.push(socket);
    await connected(socket);
    expect(await emitAck(socket, 'join', { boardId: BOARD })).toEqual({ ok: true, role: 'editor' });
    const logFrom = server.output().length;
    const depth = 20_000;
    const deep = `{"cursor":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    expect(await emitAck(socket, 'y', BOARD, encodeAwarenessMessage(awarenessWithState(deep)))).toEqual({
      ok: false,
      error: 'invalid',
    });
    expect(alarmingLogLines(server.output(), logFrom)).toEqual([]);
    // A shallow state is still welcome.
    expect(await emitAck(socket, 'y', BOARD, encodeAwarenessMessage(awarenessWithState('{"cursor":[[1]]}')))).toEqual({
      ok: true,
    });
  });
  it('refuses a concurrent creation of an existing checklist item whose keys are written into the item it replaces, storing nothing', async () => {
    // Found by run 2 of sync-fuzz.test.ts (FUZZ_SEED=777, an editor's socket): a mutated client id
    // turned a real "add checklist item c10" into a second, concurrent creation of c10 by another
    // client, while its keys still named the first c10 as their parent. In a map, the item of the
    // higher client id wins the key, so the first c10 is replaced without any deletion in the
    // update; the required keys land in the replaced map, and the stored c10 has none of them.
    const board = await api<{ id: string }>(server.url, '/api/boards', cookie, {
      method: 'POST',
      body: { title: '替换测试' },
    });
    const boardId = board.body.id;
    const socket = rawSocket(server.url, cookie);
    sockets.push(socket);
    await connected(socket);
    expect(await emitAck(socket, 'join', { boardId })).toEqual({ ok: true, role: 'coordinator' });
    const setup = openClient(server.url, boardId, cookie);
    await setup.whenSaved();
    const base = new Y.Doc();
    Y.applyUpdate(base, Y.encodeStateAsUpdate(setup.doc));
    setup.destroy();
    const checklistOf = (doc: Y.Doc) =>
      (doc.getMap('projects').get('p1') as Y.Map<unknown>).get('checklist') as Y.Map<Y.Map<unknown>>;
    /** What `change` writes on a copy of `from`, by a client of the given id. */
    const edit = (from: Y.Doc, clientID: number, change: (doc: Y.Doc) => void) => {
      const doc = new Y.Doc();
      doc.clientID = clientID;
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(from));
      const before = Y.encodeStateVector(doc);
      change(doc);
      return Y.encodeStateAsUpdate(doc, before);
    };
    // The project, then its item c1 made by client 1 (so that any other client id wins c1).
    const withProject = new Y.Doc();
    Y.applyUpdate(withProject, Y.encodeStateAsUpdate(base));
    const project = edit(withProject, 2, (doc) =>
      createProject(
        doc,
        {
          id: 'p1',
          category: 'training',
          title: '项目',
          leadOrgId: 'liangxi-union',
          createdBy: 'demo-union',
          now: '2026-03-01T08:00:00.000Z',
        },
        'setup',
      ),
    );
    Y.applyUpdate(withProject, project);
    const item = edit(withProject, 1, (doc) =>
      addChecklistItem(doc, 'p1', { id: 'c1', text: '事项', orgId: 'liangxi-union' }, 'setup'),
    );
    expect(await emitAck(socket, 'y', boardId, encodeSyncUpdate(project))).toEqual({ ok: true });
    expect(await emitAck(socket, 'y', boardId, encodeSyncUpdate(item))).toEqual({ ok: true });
    const withItem = new Y.Doc();
    Y.applyUpdate(withItem, Y.encodeStateAsUpdate(withProject));
    Y.applyUpdate(withItem, item);

    // Client 0xffffffff creates c1 as if it had not seen it (an empty map: it wins the key), and
    // writes the required keys into the c1 it replaces.
    const rival = edit(withProject, 0xffffffff, (doc) => checklistOf(doc).set('c1', new Y.Map()));
    const keys = edit(withItem, 3, (doc) => {
      const c1 = checklistOf(doc).get('c1')!;
      doc.transact(() => {
        c1.set('id', 'c1');
        c1.set('rank', 'zz');
        c1.set('status', 'todo');
        c1.set('text', new Y.Text('事项'));
      });
    });
    const attack = Y.mergeUpdates([rival, keys]);
    // What the board would be if the server took it: c1 without its required keys.
    const wouldBe = new Y.Doc();
    Y.applyUpdate(wouldBe, Y.encodeStateAsUpdate(withItem));
    Y.applyUpdate(wouldBe, attack);
    expect(validateBoard(wouldBe).map((problem) => problem.path)).toContain('projects/p1/checklist/c1/id');

    await eventually(async () =>
      expect((await api(server.url, `/api/boards/${boardId}/audit`, cookie)).status).toBe(200),
    );
    const before = {
      doc: docFingerprint(await loadFresh(server.url, boardId, cookie)),
      stored: await boardFootprint(database.url, boardId, redis),
    };
    expect(await emitAck(socket, 'y', boardId, encodeSyncUpdate(attack))).toEqual(
      expect.objectContaining({ ok: false, error: 'invalid' }),
    );
    const stored = await loadFresh(server.url, boardId, cookie);
    expect(validateBoard(stored)).toEqual([]);
    expect(docFingerprint(stored)).toEqual(before.doc);
    expect(await boardFootprint(database.url, boardId, redis)).toEqual(before.stored);
  });
});
