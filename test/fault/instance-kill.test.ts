import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Client } from 'pg';
import { login } from '../support/api';
import { eventually, loadFresh } from '../support/clients';
import { createTestDatabase, TestDatabase } from '../support/postgres';
import { fingerprint } from '../support/random-edits';
import { createTestRedis, TestRedis } from '../support/redis';
import { ServerProcess, startServer } from '../support/server-process';
import { Balancer, startBalancer } from './support/balancer';
import { exclusive } from './support/exclusive';
import { BOARD, Editor, missingAcked, param, percentile, scrape, sleep, SOAK } from './support/editors';

const CLIENTS = param('FAULT_CLIENTS', 50, 100);
/** Editing before and after the kill. */
const BEFORE_MS = param('FAULT_BEFORE_MS', 5_000, 30_000);
const AFTER_MS = param('FAULT_AFTER_MS', 6_000, 60_000);
const EDIT_INTERVAL_MS = param('FAULT_EDIT_INTERVAL_MS', 1000, 2000);
/** Clients of the killed instance that close with it (a browser closed): their acked edits must survive without them. */
const CLOSED_WITH_IT = 5;

/**
 * Two instances behind a load balancer, half the clients on each, all editing. One instance is
 * killed with SIGKILL: its clients reconnect through the balancer to the other one within 5 s,
 * nothing acknowledged is lost (also what only the clients that closed with it had made), every
 * client converges, and the surviving instance goes on compacting.
 */
describe('kill -9 of one of two instances under editing clients', () => {
  let release: (() => void) | undefined;
  let database: TestDatabase;
  let redis: TestRedis;
  let balancer: Balancer | undefined;
  const servers: ServerProcess[] = [];
  const editors: Editor[] = [];

  beforeAll(async () => {
    release = await exclusive();
    database = await createTestDatabase();
    redis = await createTestRedis();
  }, 16 * 60_000);
  afterAll(async () => {
    try {
      for (const editor of editors) editor.destroy();
      await balancer?.close();
      await Promise.all(servers.map((server) => server.stop()));
      await redis.cleanup();
      await database.drop();
    } finally {
      release?.();
    }
  });

  it(
    `${CLIENTS} clients: zero acked edits lost, reconnection within 5 s, convergence`,
    async () => {
      const env = {
        DEMO: '1',
        REDIS_URL: redis.url,
        REDIS_PREFIX: redis.prefix,
        DATABASE_URL: database.url,
        COMPACT_AFTER_UPDATES: '200',
        COMPACT_INTERVAL_MS: '1000',
        COMPACT_TRIM_GRACE_MS: '2000',
        LOCK_LEASE_MS: '3000',
      };
      const doomed = await startServer(env);
      servers.push(doomed);
      const survivor = await startServer(env);
      servers.push(survivor);
      balancer = await startBalancer([doomed.port, survivor.port]);
      const [toDoomed, toSurvivor] = balancer.urls;
      const cookies = await Promise.all(['admin', 'coord'].map((user) => login(survivor.url, user, 'demo12345')));

      for (let i = 0; i < CLIENTS; i++) {
        const url = i < CLIENTS / 2 ? toDoomed : toSurvivor;
        editors.push(new Editor(url, cookies[i % 2], `k${i}`));
      }
      const onDoomed = editors.slice(0, CLIENTS / 2);
      const onSurvivor = editors.slice(CLIENTS / 2);
      await Promise.all(editors.map((editor) => editor.ready(60_000)));
      expect(await scrape(doomed.url, 'gj_sockets')).toBe(onDoomed.length);
      expect(await scrape(survivor.url, 'gj_sockets')).toBe(onSurvivor.length);

      for (const editor of editors) editor.start(EDIT_INTERVAL_MS);
      await sleep(BEFORE_MS);

      const loopDelay = monitorEventLoopDelay({ resolution: 20 });
      loopDelay.enable();
      const killedAt = Date.now();
      await doomed.crash();
      const closed = onDoomed.slice(0, CLOSED_WITH_IT);
      for (const editor of closed) editor.destroy();
      const reconnecting = onDoomed.slice(CLOSED_WITH_IT);
      await sleep(AFTER_MS);

      for (const editor of editors) editor.stop();
      const live = editors.filter((editor) => !closed.includes(editor));
      await Promise.all(live.map((editor) => editor.provider.whenSaved(60_000)));

      // Reconnection: every client of the killed instance has reconnected and joined on the other
      // one within 5 s, and is saved again (its resync and the edits made meanwhile acknowledged)
      // soon after. (The test process runs all 50 clients on shared cores; its own event-loop
      // delay is part of these figures and is reported.)
      const recovery = reconnecting.map((editor) => {
        const gone = editor.disconnections.find((d) => d.at >= killedAt - 100);
        expect(gone?.savedAt).toBeDefined();
        return { rejoined: gone!.rejoinedAt! - killedAt, saved: gone!.savedAt! - killedAt };
      });
      loopDelay.disable();
      const rejoined = Math.max(...recovery.map((r) => r.rejoined));
      const saved = Math.max(...recovery.map((r) => r.saved));
      expect(rejoined).toBeLessThan(5_000);
      expect(saved).toBeLessThan(15_000);
      // The other instance's clients never noticed.
      for (const editor of onSurvivor) expect(editor.disconnections).toEqual([]);
      expect(await scrape(survivor.url, 'gj_sockets')).toBe(live.length);

      // Convergence.
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

      // The surviving instance goes on compacting once the killed one's lock lease has run out.
      const pg = new Client({ connectionString: database.url });
      await pg.connect();
      try {
        await eventually(
          async () => {
            const row = await pg.query<{ updated_at: Date }>(
              'select updated_at from board_snapshots where board_id = $1',
              [BOARD],
            );
            expect(row.rows[0].updated_at.getTime()).toBeGreaterThan(killedAt);
          },
          20_000,
          250,
        );
      } finally {
        await pg.end();
      }

      // Everything acknowledged is durable: a fresh instance, after the other is killed too, loads it all.
      const acked = editors.reduce((sum, editor) => sum + editor.acked, 0);
      const made = editors.reduce((sum, editor) => sum + editor.made, 0);
      for (const editor of live) editor.destroy();
      await survivor.crash();
      const fresh = await startServer(env);
      servers.push(fresh);
      const stored = await loadFresh(fresh.url, BOARD, cookies[0]);
      expect(missingAcked(stored, editors)).toEqual([]);
      expect(fingerprint(stored)).toEqual(converged);

      const ackLatency = editors.flatMap((editor) => editor.ackedAt.map((at, n) => at - editor.madeAt[n]));
      console.log(
        `[fault] kill -9${SOAK ? ' (soak)' : ''}: ${CLIENTS} clients, ${made} edits made, ${acked} acked, 0 lost; ` +
          `${reconnecting.length} clients moved: rejoined after p50 ${percentile(
            recovery.map((r) => r.rejoined),
            50,
          )} / max ${rejoined} ms, ` +
          `saved again after p50 ${percentile(
            recovery.map((r) => r.saved),
            50,
          )} / max ${saved} ms; ` +
          `edit→ack p50 ${percentile(ackLatency, 50)} ms, p99 ${percentile(ackLatency, 99)} ms ` +
          `(test process event-loop delay up to ${Math.round(loopDelay.max / 1e6)} ms)`,
      );
    },
    (SOAK ? 600 : 150) * 1000,
  );
});
