import fc from 'fast-check';
import { encodeSyncUpdate } from '@gongjian/shared';
import * as Y from 'yjs';
import { login } from '../support/api';
import { boardFootprint, docFingerprint } from '../support/board-footprint';
import { loadFresh } from '../support/clients';
import type { TestDatabase } from '../support/postgres';
import { rawEngineSocket, RawEngineSocket } from '../support/raw-engine';
import type { TestRedis } from '../support/redis';
import type { ServerProcess } from '../support/server-process';
import { alarmingLogLines, crashLogLines, watchHealth } from '../support/server-watch';
import { startStack, TestStack } from '../support/stack';

/**
 * Fuzzing below the sync protocol: raw engine.io / socket.io frames over a WebSocket, as no
 * socket.io client would send them — malformed packets, wrong namespaces, reserved event names,
 * binary attachments that don't match their placeholders, acks for nothing, random text and bytes.
 * The server may close a connection that sends garbage; it must stay up, keep answering, store
 * nothing, and log no error. TRANSPORT_FRAMES sets the count (default 2,000; SOAK=1: 40,000).
 */

const FRAMES = Number(process.env.TRANSPORT_FRAMES ?? (process.env.SOAK ? 40_000 : 2_000));
const SEED = Number(process.env.FUZZ_SEED ?? 20260301);
const BOARD = 'demo-liangxi-2026';
const CONNECTIONS = 4;
const BATCH = 1;

type Frame = string | Buffer;

function validUpdateFrame(): Buffer {
  const doc = new Y.Doc();
  doc.getMap('meta').set('title', 'raw frame');
  return Buffer.from(encodeSyncUpdate(Y.encodeStateAsUpdate(doc)));
}

const NAMESPACES = ['/sync', '/', '/admin', '', '/sync/', '/SYNC', '/sync\u0000', '/sync?x=1', '/../sync'];
const ACK_IDS = ['', '0', '1', '4294967296', '99999999999999999999999', '-1', '1e3', 'abc'];
const RESERVED = ['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener', 'error'];

const mutateText = (text: string) =>
  fc.oneof(
    fc.nat().map((cut) => text.slice(0, cut % (text.length + 1))),
    fc.tuple(fc.nat(), fc.string({ unit: 'binary', minLength: 1, maxLength: 3 })).map(([at, s]) => {
      const i = at % (text.length + 1);
      return text.slice(0, i) + s + text.slice(i + 1);
    }),
  );

const json = fc.oneof(
  fc.json({ maxDepth: 3 }),
  fc.constantFrom(
    '["y"]',
    '[]',
    '{}',
    'null',
    '["join",{"boardId":"demo-liangxi-2026"}]',
    `["y","${BOARD}",{"_placeholder":true,"num":0}]`,
  ),
  fc.integer({ min: 1_000, max: 20_000 }).map((depth) => `["y",${'['.repeat(depth)}${']'.repeat(depth)}]`),
);

/** One burst of frames: usually a single frame, sometimes a binary event's header and attachments. */
const frames: fc.Arbitrary<Frame[]> = fc.oneof(
  // engine.io: random text, unknown packet types, packets out of place.
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 120 }).map((s) => [s]) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom('0', '1', '2', '3', '5', '6', '7', '8', '9', 'b', ''), fc.string({ maxLength: 40 }))
      .map(([t, s]) => [t + s]),
  },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => [Buffer.from(b)]) },
  // socket.io: every packet type, namespace and ack id, with JSON that may be broken.
  {
    weight: 6,
    arbitrary: fc
      .tuple(fc.integer({ min: 0, max: 9 }), fc.constantFrom(...NAMESPACES), fc.constantFrom(...ACK_IDS), json)
      .chain(([type, ns, id, body]) => mutateText(`4${type}${ns}${ns ? ',' : ''}${id}${body}`).map((text) => [text])),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.constantFrom(...ACK_IDS), json)
      .chain(([id, body]) =>
        fc.oneof(fc.constant(`42/sync,${id}${body}`), mutateText(`42/sync,${id}${body}`)).map((text) => [text]),
      ),
  },
  // Reserved event names, which a client library refuses to emit.
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...RESERVED), fc.constantFrom('', '1'))
      .map(([name, id]) => [`42/sync,${id}${JSON.stringify([name, BOARD])}`]),
  },
  // Binary events whose attachment count and placeholders disagree.
  {
    weight: 4,
    arbitrary: fc
      .tuple(
        fc.constantFrom('0', '1', '2', '10', '11', '1000000', '-1', 'a', ''),
        fc.constantFrom<unknown>(0, 1, -1, '0', null, 1e9, '__proto__', 'constructor', 0.5),
        fc.constantFrom('', '5'),
        fc.integer({ min: 0, max: 3 }),
      )
      .map(([count, num, id, attachments]) => [
        `45${count}-/sync,${id}${JSON.stringify(['y', BOARD, { _placeholder: true, num }])}`,
        ...Array.from({ length: attachments }, () => validUpdateFrame()),
      ]),
  },
  { weight: 1, arbitrary: fc.constant<Frame[]>([validUpdateFrame()]) },
  // Acks from the client for ids the server never sent.
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...ACK_IDS), json).map(([id, body]) => [`43/sync,${id}${body}`]) },
);

describe('raw transport frames (engine.io / socket.io)', () => {
  let stack: TestStack;
  let database: TestDatabase;
  let redis: TestRedis;
  let server: ServerProcess;
  let cookie: string;

  beforeAll(async () => {
    stack = await startStack({ env: { RATE_LIMIT_PER_SEC: '100000', RATE_LIMIT_BURST: '100000' } });
    ({ database, redis } = stack);
    [server] = stack.servers;
    cookie = await login(server.url, 'leader', 'demo12345');
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it(`${FRAMES} malformed frames from a viewer: connections may be closed, the server stays up, stores nothing and logs no error`, async () => {
    const before = await loadFresh(server.url, BOARD, cookie);
    const footprint = await boardFootprint(database.url, BOARD, redis);
    const bursts = fc.sample(frames, { numRuns: FRAMES, seed: SEED });
    const health = watchHealth(server, 200, 5_000);
    const logFrom = server.output().length;
    let sent = 0;
    let reconnects = 0;
    let probesAnswered = 0;
    const started = performance.now();

    const open = async (): Promise<RawEngineSocket> => {
      const socket = await rawEngineSocket(server.url, { cookie });
      socket.send(`42/sync,0${JSON.stringify(['join', { boardId: BOARD }])}`);
      return socket;
    };
    /** Sends a join with an ack id; resolves true when answered, false when the connection closed first. */
    const probe = (socket: RawEngineSocket, id: number): Promise<boolean> =>
      new Promise((resolve) => {
        if (!socket.isOpen()) return resolve(false);
        const timer = setTimeout(() => done(false), 1_500);
        const onMessage = (data: Buffer, isBinary: boolean) => {
          if (!isBinary && data.toString().startsWith(`43/sync,${id}[`)) done(true);
        };
        const done = (answered: boolean) => {
          clearTimeout(timer);
          socket.ws.off('message', onMessage);
          resolve(answered);
        };
        socket.ws.on('message', onMessage);
        void socket.closed.then(() => done(false));
        socket.send(`42/sync,${id}${JSON.stringify(['join', { boardId: BOARD }])}`);
      });

    await Promise.all(
      Array.from({ length: CONNECTIONS }, async (_, c) => {
        let socket = await open();
        let probeId = 1000;
        for (let i = c; i < bursts.length; i += CONNECTIONS * BATCH) {
          for (const burst of bursts.slice(i, i + CONNECTIONS * BATCH).filter((_, k) => k % CONNECTIONS === 0)) {
            for (const frame of burst) socket.send(frame);
            sent += 1;
          }
          if (await probe(socket, probeId++)) probesAnswered += 1;
          else {
            socket.close();
            await socket.closed;
            socket = await open();
            reconnects += 1;
          }
        }
        socket.close();
      }),
    );
    const report = await health.stop();
    console.log(
      `transport fuzz: ${sent} bursts in ${Math.round(performance.now() - started)} ms; ${reconnects} connections closed by the server, ${probesAnswered} probes answered; /healthz p95 ${report.p95Ms} ms, max ${report.maxMs} ms`,
    );

    expect(report.failures).toEqual([]);
    expect(crashLogLines(server.output(), logFrom)).toEqual([]);
    expect(alarmingLogLines(server.output(), logFrom)).toEqual([]);
    expect(probesAnswered).toBeGreaterThan(0);
    const after = await loadFresh(server.url, BOARD, cookie);
    expect(docFingerprint(after)).toEqual(docFingerprint(before));
    expect(await boardFootprint(database.url, BOARD, redis)).toEqual(footprint);
  }, 240_000);
});
