import { decodeSyncMessage, encodeSyncStep1 } from '@gongjian/shared';
import type { Socket } from 'socket.io-client';
import * as Y from 'yjs';
import { login } from '../support/api';
import { eventually } from '../support/clients';
import type { ServerProcess } from '../support/server-process';
import { metricValue } from '../support/server-watch';
import { startStack, TestStack } from '../support/stack';
import { connected, editUpdate, emitAck, mirror, rawSocket } from '../support/sync-sockets';

const BOARD = 'demo-liangxi-2026';

/** The `y` message for `change` made on a copy of `doc`, applied to `doc` too (as a client's own edit). */
function edit(doc: Y.Doc, change: (copy: Y.Doc) => void): Uint8Array {
  const message = editUpdate(doc, change);
  const decoded = decodeSyncMessage(message);
  if (decoded.kind !== 'update') throw new Error('not an update');
  Y.applyUpdate(doc, decoded.update);
  return message;
}

/** Counts the document updates (not step 2s) a socket receives for the board. */
function countUpdates(socket: Socket): { count: number } {
  const counter = { count: 0 };
  socket.on('y', (board: string, data: Uint8Array) => {
    if (board !== BOARD) return;
    const message = decodeSyncMessage(new Uint8Array(data));
    if (message.kind === 'update' && message.step === 'update') counter.count += 1;
  });
  return counter;
}

describe('fan-out: updates of one turn go out merged', () => {
  let stack: TestStack;
  let server: ServerProcess;
  let cookie: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    stack = await startStack();
    [server] = stack.servers;
    cookie = await login(server.url, 'coord', 'demo12345');
  }, 60_000);

  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await stack?.stop();
  });

  /** A joined socket with a replica of the board, on the given server (by default the first). */
  async function replica(url = server.url, as = cookie): Promise<{ socket: Socket; doc: Y.Doc }> {
    const socket = rawSocket(url, as);
    sockets.push(socket);
    await connected(socket);
    const doc = new Y.Doc();
    mirror(socket, BOARD, doc);
    expect((await emitAck(socket, 'join', { boardId: BOARD })).ok).toBe(true);
    socket.emit('y', BOARD, encodeSyncStep1(Y.encodeStateVector(doc)));
    await eventually(() => expect(doc.getMap('meta').get('title')).toBeDefined());
    return { socket, doc };
  }

  it('sends one update to everyone but its sender, and a burst as fewer messages with nothing lost', async () => {
    const writer = await replica();
    const observer = await replica();
    const atWriter = countUpdates(writer.socket);
    const atObserver = countUpdates(observer.socket);

    // One update: the others get it, its sender does not.
    const one = edit(writer.doc, (doc) => doc.getMap('meta').set('title', '一次'));
    expect(await emitAck(writer.socket, 'y', BOARD, one)).toEqual({ ok: true });
    await eventually(() => expect(observer.doc.getMap('meta').get('title')).toBe('一次'));
    await new Promise((r) => setTimeout(r, 200));
    expect(atWriter.count).toBe(0);
    expect(atObserver.count).toBe(1);

    // A burst, sent without waiting for acks, each building on the last.
    const before = await metricValue(server.url, 'gj_updates_merged_total');
    const burst: Promise<unknown>[] = [];
    for (let i = 0; i < 150; i++) {
      burst.push(
        emitAck(
          writer.socket,
          'y',
          BOARD,
          edit(writer.doc, (doc) => doc.getMap('meta').set('title', `连发 ${i}`)),
        ),
      );
    }
    expect(await Promise.all(burst)).toEqual(burst.map(() => ({ ok: true })));
    await eventually(() => expect(observer.doc.getMap('meta').get('title')).toBe('连发 149'));
    expect(Y.encodeStateVector(observer.doc)).toEqual(Y.encodeStateVector(writer.doc));
    // Fewer messages than updates reached the observer: some went out merged.
    expect(atObserver.count - 1).toBeLessThan(150);
    expect(await metricValue(server.url, 'gj_updates_merged_total')).toBeGreaterThan(before);
  });

  it('with FANOUT_INTERVAL_MS, sends a hot board at most once per interval, merging what came meanwhile', async () => {
    const paced = await stack.start({ REDIS_PREFIX: `${stack.redis.prefix}paced:`, FANOUT_INTERVAL_MS: '300' });
    try {
      const pacedCookie = await login(paced.url, 'coord', 'demo12345');
      const writer = await replica(paced.url, pacedCookie);
      const observer = await replica(paced.url, pacedCookie);
      const atObserver = countUpdates(observer.socket);
      // Six edits 40 ms apart, each acked before the next: six turns, within two intervals.
      for (let i = 0; i < 6; i++) {
        expect(
          await emitAck(
            writer.socket,
            'y',
            BOARD,
            edit(writer.doc, (doc) => doc.getMap('meta').set('title', `节流 ${i}`)),
          ),
        ).toEqual({ ok: true });
        await new Promise((r) => setTimeout(r, 40));
      }
      await eventually(() => expect(observer.doc.getMap('meta').get('title')).toBe('节流 5'));
      // The first went out at once, the others merged at the ends of intervals.
      expect(atObserver.count).toBeGreaterThanOrEqual(2);
      expect(atObserver.count).toBeLessThanOrEqual(3);
    } finally {
      await paced.stop();
    }
  });
});
