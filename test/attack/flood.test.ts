import {
  addChecklistItem,
  createProject,
  decodeSyncMessage,
  encodeAwarenessMessage,
  encodeSyncUpdate,
} from '@gongjian/shared';
import * as encoding from 'lib0/encoding';
import type { Socket } from 'socket.io-client';
import * as Y from 'yjs';
import { api, login } from '../support/api';
import { eventually, loadFresh, openClient } from '../support/clients';
import { heapAfterGc } from '../support/inspector';
import type { ServerProcess } from '../support/server-process';
import { alarmingLogLines, watchHealth } from '../support/server-watch';
import { startStack, TestStack } from '../support/stack';
import { connected, emitAck, rawSocket } from '../support/sync-sockets';
import { ackAnswer } from '../fuzz/pump';

/**
 * A message flood: one socket sends real writes as fast as it can for a few seconds. It must be
 * answered `rate_limited` beyond its token bucket (RATE_LIMIT_BURST, then RATE_LIMIT_PER_SEC), and
 * exactly the writes acked `ok` may be stored — none of the refused ones. Meanwhile two other
 * clients on the same board keep editing: none of their writes is refused, and their ack and
 * delivery latency stays close to what it was before the flood.
 */

const BURST = 100;
const PER_SEC = 50;
const FLOOD_MS = 2_500;
const WINDOW = 256;
const FLOOD_MAX = 12_000;
const PROJECT = 'flood-target';

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0);
};

/** An update adding checklist item `id` to the project, made on a copy of `base` (a client id of its own). */
function addItem(base: Y.Doc, id: string): Uint8Array {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(base));
  const before = Y.encodeStateVector(doc);
  addChecklistItem(doc, PROJECT, { id, text: id, orgId: 'liangxi-union' }, 'flood');
  const update = encodeSyncUpdate(Y.encodeStateAsUpdate(doc, before));
  doc.destroy();
  return update;
}

const checklistIds = (doc: Y.Doc) =>
  [
    ...(((doc.getMap('projects').get(PROJECT) as Y.Map<unknown>).get('checklist') as Y.Map<unknown>)?.keys() ?? []),
  ].sort();

describe('message flood on one board', () => {
  let stack: TestStack;
  let server: ServerProcess;
  let inspectPort: number;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    stack = await startStack({
      inspect: true,
      env: { RATE_LIMIT_BURST: String(BURST), RATE_LIMIT_PER_SEC: String(PER_SEC) },
    });
    [server] = stack.servers;
    inspectPort = stack.inspectPort!;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await stack?.stop();
  });

  it('answers a flooding socket rate_limited, stores only what it acked, and keeps the other clients’ latency', async () => {
    const union = await login(server.url, 'union', 'demo12345');
    const board = await api<{ id: string }>(server.url, '/api/boards', union, {
      method: 'POST',
      body: { title: '洪泛测试看板' },
    });
    expect(board.status).toBe(201);
    const boardId = board.body.id;
    const setup = openClient(server.url, boardId, union);
    await setup.whenSaved();
    createProject(
      setup.doc,
      {
        id: PROJECT,
        category: 'training',
        title: '洪泛',
        leadOrgId: 'liangxi-union',
        createdBy: 'demo-union',
        now: '2026-03-01T08:00:00.000Z',
      },
      'setup',
    );
    await setup.whenSaved();
    const base = new Y.Doc();
    Y.applyUpdate(base, Y.encodeStateAsUpdate(setup.doc));
    setup.destroy();

    // Made beforehand (before any socket or timer of this test is running), so that the flood costs
    // this process nothing but sending.
    const floodUpdates = Array.from({ length: FLOOD_MAX }, (_, i) => addItem(base, `f${i}`));

    const open = async () => {
      const socket = rawSocket(server.url, union);
      sockets.push(socket);
      await connected(socket);
      expect(await emitAck(socket, 'join', { boardId })).toEqual({ ok: true, role: 'coordinator' });
      return socket;
    };
    const [writer, reader, flooder] = [await open(), await open(), await open()];

    // The other clients: the writer adds an item every 100 ms; the reader times its arrival.
    const sentAt = new Map<string, number>();
    const ackMs: number[] = [];
    const deliveryMs: Array<{ at: number; ms: number }> = [];
    const writerRefusals: string[] = [];
    reader.on('y', (_board: string, data: Uint8Array) => {
      const message = decodeSyncMessage(new Uint8Array(data));
      if (message.kind !== 'update') return;
      const doc = new Y.Doc();
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(base));
      Y.applyUpdate(doc, message.update);
      for (const id of checklistIds(doc)) {
        const at = sentAt.get(id);
        if (at !== undefined) {
          deliveryMs.push({ at, ms: performance.now() - at });
          sentAt.delete(id);
        }
      }
      doc.destroy();
    });
    let writing = true;
    let written = 0;
    const writing$ = (async () => {
      while (writing) {
        const id = `w${written++}`;
        const update = addItem(base, id);
        const at = performance.now();
        sentAt.set(id, at);
        const answer = await writer
          .timeout(15_000)
          .emitWithAck('y', boardId, update)
          .then(ackAnswer, (err: Error) => err.message);
        if (answer !== 'ok') writerRefusals.push(`${id}: ${answer}`);
        ackMs.push(performance.now() - at);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();

    const health = watchHealth(server, 200, 5_000);
    await new Promise((r) => setTimeout(r, 2_500));
    // The first writes load the board and open the log; the baseline is what follows.
    const baseline = { ack: ackMs.slice(3), delivery: deliveryMs.slice(3).map((d) => d.ms) };

    // The flood: real writes, each adding an item of its own, as fast as the socket takes them.
    const floodAcks = new Map<string, string>();
    const floodStart = performance.now();
    const floodIndexStart = ackMs.length;
    let sent = 0;
    await new Promise<void>((resolve) => {
      let inflight = 0;
      const fill = () => {
        while (inflight < WINDOW && performance.now() - floodStart < FLOOD_MS && sent < FLOOD_MAX) {
          const index = sent++;
          const id = `f${index}`;
          inflight += 1;
          flooder.emit('y', boardId, floodUpdates[index], (ack: unknown) => {
            floodAcks.set(id, ackAnswer(ack));
            inflight -= 1;
            if (performance.now() - floodStart < FLOOD_MS && sent < FLOOD_MAX) fill();
            else if (inflight === 0) resolve();
          });
        }
      };
      fill();
    });
    const floodMs = performance.now() - floodStart;
    const during = {
      ack: ackMs.slice(floodIndexStart),
      delivery: deliveryMs.filter((d) => d.at >= floodStart && d.at <= floodStart + floodMs).map((d) => d.ms),
    };
    writing = false;
    await writing$;
    const report = await health.stop();

    const answers = [...floodAcks.values()];
    const accepted = [...floodAcks].filter(([, answer]) => answer === 'ok').map(([id]) => id);
    const limited = answers.filter((answer) => answer === 'rate_limited').length;
    console.log(
      `flood: ${sent} writes in ${Math.round(floodMs)} ms, ${accepted.length} accepted, ${limited} rate_limited; ` +
        `other client ack p50/p95 ${percentile(baseline.ack, 0.5)}/${percentile(baseline.ack, 0.95)} ms before, ` +
        `${percentile(during.ack, 0.5)}/${percentile(during.ack, 0.95)} ms during (n=${during.ack.length}); ` +
        `delivery p95 ${percentile(baseline.delivery, 0.95)} ms before, ${percentile(during.delivery, 0.95)} ms during; /healthz max ${report.maxMs} ms`,
    );

    // The flooder: refused beyond its bucket, with nothing but ok or rate_limited.
    expect(answers.every((answer) => answer === 'ok' || answer === 'rate_limited')).toBe(true);
    expect(limited).toBeGreaterThan(sent / 2);
    expect(accepted.length).toBeGreaterThanOrEqual(BURST);
    expect(accepted.length).toBeLessThanOrEqual(BURST + Math.ceil((PER_SEC * floodMs) / 1000) + 10);
    // The socket stays usable.
    expect(await emitAck(flooder, 'join', { boardId })).toEqual({ ok: true, role: 'coordinator' });

    // The other clients: never refused, everything delivered, latency close to before.
    expect(writerRefusals).toEqual([]);
    expect(during.ack.length).toBeGreaterThanOrEqual(2);
    await eventually(() => expect([...sentAt.keys()]).toEqual([]), 10_000);
    // A guard against starvation rather than a benchmark: the machine has 2 cores shared with other
    // suites, and this process also sends the flood. Refused messages are cheap but not free: the
    // flooder's 256 in flight still queue ahead of the others' (0.1–0.5 s on an idle machine).
    expect(percentile(during.ack, 0.95)).toBeLessThan(Math.max(5 * percentile(baseline.ack, 0.95), 2_000));
    expect(percentile(during.delivery, 0.95)).toBeLessThan(Math.max(5 * percentile(baseline.delivery, 0.95), 2_000));
    expect(report.failures).toEqual([]);

    // Stored: the writer's items and exactly the flood writes acked ok, none that were refused.
    const stored = checklistIds(await loadFresh(server.url, boardId, union));
    const expected = [...accepted, ...Array.from({ length: written }, (_, i) => `w${i}`)].sort();
    expect(stored).toEqual(expected);
    expect(alarmingLogLines(server.output())).toEqual([]);
  }, 60_000);
  it('does not let one socket’s awareness flood hold memory without bound', async () => {
    // Every message announces a client id of its own with a large state: within MAX_UPDATE_BYTES
    // and within the rate limit, each is accepted, and the server keeps every state until the socket leaves.
    const union = await login(server.url, 'union', 'demo12345');
    const socket = rawSocket(server.url, union);
    sockets.push(socket);
    await connected(socket);
    expect(await emitAck(socket, 'join', { boardId: 'demo-liangxi-2026' })).toEqual({ ok: true, role: 'editor' });
    const before = await heapAfterGc(inspectPort);
    const note = 'x'.repeat(300_000);
    const answers: Record<string, number> = {};
    const messages = BURST + PER_SEC * 4;
    for (let i = 0; i < messages; i++) {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, 1);
      encoding.writeVarUint(encoder, 900_000 + i);
      encoding.writeVarUint(encoder, 1);
      encoding.writeVarString(encoder, JSON.stringify({ note: `${i}${note}` }));
      const answer = ackAnswer(
        await emitAck(socket, 'y', 'demo-liangxi-2026', encodeAwarenessMessage(encoding.toUint8Array(encoder))),
      );
      answers[answer] = (answers[answer] ?? 0) + 1;
      if (answer === 'rate_limited') await new Promise((r) => setTimeout(r, 1000 / PER_SEC));
    }
    const during = await heapAfterGc(inspectPort);
    socket.disconnect();
    await new Promise((r) => setTimeout(r, 500));
    const after = await heapAfterGc(inspectPort);
    const MB = 1024 * 1024;
    console.log(
      `awareness flood: ${JSON.stringify(answers)}; heap ${Math.round(before.usedBytes / MB)} MB → ${Math.round(during.usedBytes / MB)} MB while connected → ${Math.round(after.usedBytes / MB)} MB after`,
    );
    // Once the socket is gone its states are gone; while it is connected they must not pile up either.
    expect(after.usedBytes - before.usedBytes).toBeLessThan(16 * MB);
    expect(during.usedBytes - before.usedBytes).toBeLessThan(32 * MB);
  }, 120_000);
});
