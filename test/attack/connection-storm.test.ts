import { SYNC_NAMESPACE } from '@gongjian/shared';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import { login } from '../support/api';
import { boardFootprint } from '../support/board-footprint';
import { heapAfterGc } from '../support/inspector';
import type { TestDatabase } from '../support/postgres';
import type { TestRedis } from '../support/redis';
import type { ServerProcess } from '../support/server-process';
import { alarmingLogLines, crashLogLines, metricValue, watchHealth } from '../support/server-watch';
import { startStack, TestStack } from '../support/stack';

/**
 * Connection storms: hundreds of socket connects and disconnects per second, with a valid cookie
 * (joining a board, leaving at once, or hanging up in the middle of the handshake), with forged,
 * missing or garbled cookies, from a foreign origin, and bare WebSockets that never open the
 * namespace. Meanwhile /healthz must stay fast; afterwards no socket may be left counted or held,
 * and the heap (measured after a forced GC through the inspector) must return to where it was.
 * STORM_CONNECTIONS sets the connections per round (default 400, 3 rounds; SOAK=1: 2,000).
 */

const PER_ROUND = Number(process.env.STORM_CONNECTIONS ?? (process.env.SOAK ? 2_000 : 400));
const ROUNDS = 3;
const CONCURRENCY = 50;
const BOARD = 'demo-liangxi-2026';
const MB = 1024 * 1024;

type Kind =
  | 'join-leave'
  | 'connect-close'
  | 'abort-handshake'
  | 'forged-cookie'
  | 'no-cookie'
  | 'garbled-cookie'
  | 'foreign-origin'
  | 'bare-websocket';
const KINDS: Kind[] = [
  'join-leave',
  'connect-close',
  'abort-handshake',
  'forged-cookie',
  'no-cookie',
  'garbled-cookie',
  'foreign-origin',
  'bare-websocket',
];

describe('connection storms', () => {
  let stack: TestStack;
  let database: TestDatabase;
  let redis: TestRedis;
  let server: ServerProcess;
  let inspectPort: number;
  let cookie: string;

  beforeAll(async () => {
    stack = await startStack({ inspect: true, env: { BOARD_IDLE_MS: '500' } });
    ({ database, redis } = stack);
    [server] = stack.servers;
    inspectPort = stack.inspectPort!;
    cookie = await login(server.url, 'union', 'demo12345');
  });
  afterAll(async () => {
    await stack?.stop();
  });

  /** One connection of the given kind, from open to closed; resolves with how it ended. */
  const connectOnce = (kind: Kind): Promise<string> =>
    new Promise((resolve) => {
      const wsUrl = `${server.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`;
      const timer = setTimeout(() => resolve('timeout'), 15_000);
      const end = (outcome: string) => {
        clearTimeout(timer);
        resolve(outcome);
      };
      if (kind === 'abort-handshake' || kind === 'bare-websocket') {
        const ws = new WebSocket(wsUrl, { headers: { cookie } });
        ws.on('message', (data) => {
          if (!data.toString().startsWith('0{')) return;
          // Asks for the namespace (the server starts checking the session) and hangs up at once.
          if (kind === 'abort-handshake') ws.send('40/sync,');
          ws.terminate();
        });
        ws.on('error', () => undefined);
        ws.on('close', () => end('closed'));
        return;
      }
      const headers: Record<string, string> = {
        'join-leave': { cookie },
        'connect-close': { cookie },
        'forged-cookie': { cookie: 'gj_sid=Zm9yZ2VkLXNlc3Npb24tdG9rZW4tdGhhdC1kb2VzLW5vdA' },
        'no-cookie': {},
        'garbled-cookie': { cookie: `gj_sid=%E0%A4%A; ${'x'.repeat(2000)}=;;==; gj_sid` },
        'foreign-origin': { cookie, origin: 'https://evil.example' },
      }[kind];
      const socket = io(`${server.url}${SYNC_NAMESPACE}`, {
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        extraHeaders: headers,
      });
      socket.on('connect_error', (err) => {
        socket.close();
        end(`refused:${err.message}`);
      });
      socket.on('connect', () => {
        if (kind === 'connect-close') {
          socket.close();
          return end('connected');
        }
        socket
          .timeout(10_000)
          .emitWithAck('join', { boardId: BOARD })
          .then(
            (ack: { ok: boolean }) => end(ack.ok ? 'joined' : 'join refused'),
            () => end('join timeout'),
          )
          .finally(() => socket.close());
      });
    });

  const storm = async (count: number) => {
    const outcomes: Record<string, number> = {};
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < count) {
          const kind = KINDS[next++ % KINDS.length];
          const outcome = `${kind} → ${await connectOnce(kind)}`;
          outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
        }
      }),
    );
    return { outcomes, perSecond: Math.round((count / (performance.now() - started)) * 1000) };
  };

  /**
   * Waits until the server's socket count stops changing (0, or what stays) and every board the
   * storm loaded is unloaded (BOARD_IDLE_MS).
   */
  const settled = async () => {
    const deadline = Date.now() + 15_000;
    let last = { sockets: -1, boards: -1 };
    let stableSince = Date.now();
    for (;;) {
      const now = {
        sockets: await metricValue(server.url, 'gj_sockets'),
        boards: await metricValue(server.url, 'gj_loaded_boards'),
      };
      if (now.sockets !== last.sockets || now.boards !== last.boards) stableSince = Date.now();
      last = now;
      if (
        (now.sockets === 0 && now.boards === 0) ||
        (now.boards === 0 && Date.now() - stableSince > 2_000) ||
        Date.now() > deadline
      )
        return now;
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  it('leaves no socket behind when a client hangs up while its session is being checked', async () => {
    await settled();
    const before = await metricValue(server.url, 'gj_sockets');
    for (let i = 0; i < 100; i += 20)
      await Promise.all(Array.from({ length: 20 }, () => connectOnce('abort-handshake')));
    // Sockets that did connect are counted and then uncounted; those whose handshake was cut must never stay.
    expect(await settled()).toEqual({ sockets: before, boards: 0 });
  }, 60_000);

  it(`survives ${ROUNDS} storms of ${PER_ROUND} connections: /healthz fast, no socket left behind, memory back`, async () => {
    // A first, small storm warms everything up (code, pools, the board once loaded).
    await storm(80);
    const before = await settled();
    const baseline = await heapAfterGc(inspectPort);
    const footprint = await boardFootprint(database.url, BOARD, redis);
    const logFrom = server.output().length;
    const health = watchHealth(server, 100, 5_000);
    const rounds = [];
    for (let round = 0; round < ROUNDS; round++) rounds.push(await storm(PER_ROUND));
    const report = await health.stop();
    const left = await settled();
    const after = await heapAfterGc(inspectPort);
    console.log(
      `connection storm: ${rounds.map((r) => `${r.perSecond}/s`).join(', ')} connects per second; outcomes ${JSON.stringify(rounds[0].outcomes)}; ` +
        `/healthz ${report.polls} polls, p95 ${report.p95Ms} ms, max ${report.maxMs} ms; ` +
        `heap ${Math.round(baseline.usedBytes / MB)} MB → ${Math.round(after.usedBytes / MB)} MB; left ${JSON.stringify(left)}`,
    );

    // Every kind ended as it should: in, or refused at the door.
    for (const round of rounds) {
      expect(Object.keys(round.outcomes).sort()).toEqual(
        [
          'abort-handshake → closed',
          'bare-websocket → closed',
          'connect-close → connected',
          'forged-cookie → refused:unauthenticated',
          'foreign-origin → refused:websocket error',
          'garbled-cookie → refused:unauthenticated',
          'join-leave → joined',
          'no-cookie → refused:unauthenticated',
        ].sort(),
      );
    }
    expect(report.failures).toEqual([]);
    expect(report.p95Ms).toBeLessThan(1_500);
    expect(await boardFootprint(database.url, BOARD, redis)).toEqual(footprint);
    expect(crashLogLines(server.output(), logFrom)).toEqual([]);
    expect(alarmingLogLines(server.output(), logFrom)).toEqual([]);
    // Nothing left behind: no socket counted, no board held, the heap where it was.
    expect(left).toEqual({ sockets: before.sockets, boards: 0 });
    expect(after.usedBytes - baseline.usedBytes).toBeLessThan(16 * MB);
  }, 300_000);
});
