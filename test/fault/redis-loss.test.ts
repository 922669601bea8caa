import { Redis } from 'ioredis';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { login } from '../support/api';
import { eventually, loadFresh } from '../support/clients';
import { createTestDatabase, TestDatabase } from '../support/postgres';
import { fingerprint } from '../support/random-edits';
import { ServerProcess, startServer } from '../support/server-process';
import { exclusive } from './support/exclusive';
import { BOARD, Editor, missingAcked, param, percentile, scrape, sleep, SOAK } from './support/editors';
import { OwnRedis, startOwnRedis } from './support/own-redis';

const CLIENTS = param('FAULT_CLIENTS', 20, 40);
/** Clients that finish and close before Redis goes: what they made lives only in the log and the instances' memory. */
const CLOSED_BEFORE = 4;
const BEFORE_MS = param('FAULT_BEFORE_MS', 4_000, 30_000);
const DOWN_MS = param('FAULT_REDIS_DOWN_MS', 2_000, 10_000);
const AFTER_MS = param('FAULT_AFTER_MS', 6_000, 60_000);
const EDIT_INTERVAL_MS = param('FAULT_EDIT_INTERVAL_MS', 500, 1000);

/**
 * Redis (without persistence) is killed and started again, empty, in the middle of editing: the
 * streams, i.e. every acknowledged update not yet compacted into PostgreSQL, are gone. The
 * instances notice (the epoch key changed), write their loaded boards back from memory, and go
 * on: nothing acknowledged is lost, not even what only clients that have since closed had made.
 */
describe('a Redis restart without persistence in the middle of editing', () => {
  let release: (() => void) | undefined;
  let database: TestDatabase;
  let redis: OwnRedis;
  const servers: ServerProcess[] = [];
  const editors: Editor[] = [];

  beforeAll(async () => {
    release = await exclusive();
    database = await createTestDatabase();
    redis = await startOwnRedis();
  }, 16 * 60_000);
  afterAll(async () => {
    try {
      for (const editor of editors) editor.destroy();
      await Promise.all(servers.map((server) => server.stop()));
      await redis.stop();
      await database.drop();
    } finally {
      release?.();
    }
  });

  it(
    `${CLIENTS} clients on two instances: zero acked edits lost, acks again within 5 s, convergence`,
    async () => {
      const env = {
        DEMO: '1',
        REDIS_URL: redis.url,
        REDIS_PREFIX: 'gjfault:',
        DATABASE_URL: database.url,
        // Nothing is compacted before Redis goes, so that everything since the seed is at stake.
        COMPACT_AFTER_UPDATES: '1000000',
        COMPACT_INTERVAL_MS: '1000',
        REDIS_LOSS_CHECK_MS: '1000',
      };
      servers.push(await startServer(env));
      servers.push(await startServer(env));
      const cookies = await Promise.all(['admin', 'coord'].map((user) => login(servers[0].url, user, 'demo12345')));
      for (let i = 0; i < CLIENTS; i++) editors.push(new Editor(servers[i % 2].url, cookies[i % 2], `r${i}`));
      await Promise.all(editors.map((editor) => editor.ready(60_000)));
      for (const editor of editors) editor.start(EDIT_INTERVAL_MS);
      await sleep(BEFORE_MS);

      const closed = editors.slice(0, CLOSED_BEFORE);
      for (const editor of closed) editor.stop();
      await Promise.all(closed.map((editor) => editor.provider.whenSaved(30_000)));
      for (const editor of closed) editor.destroy();
      const live = editors.slice(CLOSED_BEFORE);

      const probe = new Redis(redis.url);
      const atStake = await probe.xlen(`gjfault:{board:${BOARD}}:log`);
      probe.disconnect();
      expect(atStake).toBeGreaterThan(100);

      // How late the test process itself ran (2 shared cores): the figures below include it.
      const loopDelay = monitorEventLoopDelay({ resolution: 20 });
      loopDelay.enable();
      const lostAt = Date.now();
      await redis.kill();
      await sleep(DOWN_MS);
      await redis.start();
      const restartedAt = Date.now();

      // The service comes back by itself: ready again, loss detected, boards written back from memory.
      await eventually(
        async () => {
          for (const server of servers) expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
        },
        10_000,
        100,
      );
      const readyAfter = Date.now() - restartedAt;
      await eventually(
        async () => {
          for (const server of servers)
            expect(await scrape(server.url, 'gj_log_gaps_total', { kind: 'data-lost' })).toBeGreaterThanOrEqual(1);
        },
        10_000,
        100,
      );
      const detectedAfter = Date.now() - restartedAt;
      await sleep(AFTER_MS);

      for (const editor of live) editor.stop();
      await Promise.all(live.map((editor) => editor.provider.whenSaved(60_000)));
      const repairs = (await Promise.all(servers.map((server) => scrape(server.url, 'gj_log_repairs_total')))).reduce(
        (a, b) => a + b,
        0,
      );
      expect(repairs).toBeGreaterThanOrEqual(1);

      // Within 5 s of Redis coming back the server acknowledges every client's new edits again (it
      // must append them to the new stream); the client reports itself saved once its retries of
      // what was refused meanwhile (backing off up to 6.4 s ±50%) are through.
      const firstAcks = live.map((editor) => {
        const at = editor.firstServerAckOfEditAfter(restartedAt);
        expect(at).toBeDefined();
        return at! - restartedAt;
      });
      const savedAgain = live.map((editor) => (editor.firstAckOfEditAfter(restartedAt) ?? Infinity) - restartedAt);
      loopDelay.disable();
      expect(Math.max(...firstAcks)).toBeLessThan(5_000);
      expect(Math.max(...savedAgain)).toBeLessThan(20_000);

      await eventually(
        () => {
          const expected = fingerprint(live[0].doc);
          for (const editor of live) expect(fingerprint(editor.doc)).toEqual(expected);
        },
        30_000,
        200,
      );
      const converged = fingerprint(live[0].doc);
      expect(missingAcked(live[0].doc, editors)).toEqual([]);

      // Durable, not just in memory: kill -9 both instances, load on a fresh one.
      const acked = editors.reduce((sum, editor) => sum + editor.acked, 0);
      const made = editors.reduce((sum, editor) => sum + editor.made, 0);
      const duringOutage = live.reduce(
        (sum, e) => sum + e.madeAt.filter((t) => t >= lostAt && t < restartedAt).length,
        0,
      );
      for (const editor of live) editor.destroy();
      for (const server of servers) await server.crash();
      const fresh = await startServer(env);
      servers.push(fresh);
      const stored = await loadFresh(fresh.url, BOARD, cookies[0]);
      expect(missingAcked(stored, editors)).toEqual([]);
      expect(fingerprint(stored)).toEqual(converged);

      console.log(
        `[fault] Redis restart without persistence${SOAK ? ' (soak)' : ''}: ${CLIENTS} clients, ${atStake} log entries lost with Redis, ` +
          `${made} edits made (${duringOutage} while Redis was down), ${acked} acked, 0 lost; down ${restartedAt - lostAt} ms; ` +
          `ready again after ${readyAfter} ms, loss detected after ≤${detectedAfter} ms, ${repairs} board repairs; ` +
          `first ack after the restart p50 ${percentile(firstAcks, 50)} / max ${Math.max(...firstAcks)} ms, ` +
          `clients saved again p50 ${percentile(savedAgain, 50)} / max ${Math.max(...savedAgain)} ms ` +
          `(test process event-loop delay up to ${Math.round(loopDelay.max / 1e6)} ms)`,
      );
    },
    (SOAK ? 600 : 150) * 1000,
  );
});
