import { Client } from 'pg';
import * as Y from 'yjs';
import { login } from '../support/api';
import { eventually, loadFresh } from '../support/clients';
import { fingerprint } from '../support/random-edits';
import { createTestRedis, TestRedis } from '../support/redis';
import { ServerProcess, startServer } from '../support/server-process';
import { exclusive } from './support/exclusive';
import { BOARD, Editor, itemsOf, missingAcked, param, percentile, scrape, sleep, SOAK } from './support/editors';
import { OwnPostgres, startOwnPostgres } from './support/own-postgres';

const CLIENTS = param('FAULT_CLIENTS', 16, 40);
/** How long PostgreSQL is down: 10 s in `npm test`, 30 s in `npm run soak`. */
const OUTAGE_MS = param('FAULT_PG_OUTAGE_MS', 10_000, 30_000);
const BEFORE_MS = param('FAULT_BEFORE_MS', 3_000, 20_000);
const AFTER_MS = param('FAULT_AFTER_MS', 4_000, 30_000);
const EDIT_INTERVAL_MS = param('FAULT_EDIT_INTERVAL_MS', 500, 1000);

/**
 * PostgreSQL stops for a while (pg_ctl stop -m fast: every connection is cut) while clients edit
 * on two instances. The instances stay up; editing on the loaded board goes on (the Redis log);
 * a new socket is refused `unavailable` meanwhile and gets in within 5 s once PostgreSQL is back;
 * compaction, the audit trail and the read model catch up by themselves.
 */
describe('PostgreSQL stopped while editing goes on', () => {
  let release: (() => void) | undefined;
  let postgres: OwnPostgres;
  let redis: TestRedis;
  const servers: ServerProcess[] = [];
  const editors: Editor[] = [];

  beforeAll(async () => {
    release = await exclusive();
    postgres = await startOwnPostgres();
    redis = await createTestRedis();
  }, 16 * 60_000);
  afterAll(async () => {
    try {
      for (const editor of editors) editor.destroy();
      await Promise.all(servers.map((server) => server.stop()));
      await redis.cleanup();
      await postgres.destroy();
    } finally {
      release?.();
    }
  });

  it(
    `${CLIENTS} clients, ${OUTAGE_MS / 1000} s outage: editing goes on, nothing acked is lost, everything is stored afterwards`,
    async () => {
      const env = {
        DEMO: '1',
        REDIS_URL: redis.url,
        REDIS_PREFIX: redis.prefix,
        DATABASE_URL: postgres.url,
        COMPACT_AFTER_UPDATES: '50',
        COMPACT_INTERVAL_MS: '1000',
        COMPACT_TRIM_GRACE_MS: '2000',
        ACCESS_RECHECK_MS: '3000',
      };
      servers.push(await startServer(env));
      servers.push(await startServer(env));
      const cookies = await Promise.all(['admin', 'coord'].map((user) => login(servers[0].url, user, 'demo12345')));
      for (let i = 0; i < CLIENTS; i++) editors.push(new Editor(servers[i % 2].url, cookies[i % 2], `p${i}`));
      await Promise.all(editors.map((editor) => editor.ready(60_000)));
      for (const editor of editors) editor.start(EDIT_INTERVAL_MS);
      await sleep(BEFORE_MS);

      const stoppedAt = Date.now();
      await postgres.stop();
      await sleep(1_000);
      for (const server of servers) {
        const ready = await fetch(`${server.url}/readyz`);
        expect(ready.status).toBe(503);
        expect(await ready.json()).toMatchObject({ database: 'fail', log: 'ok' });
      }
      // A newcomer during the outage: refused (`unavailable`) until PostgreSQL is back.
      const newcomer = new Editor(servers[0].url, cookies[0], 'newcomer');
      const refused = new Promise<string>((resolve) =>
        newcomer.provider.socket.once('connect_error', (err) => resolve(err.message)),
      );
      expect(await refused).toBe('unavailable');
      await sleep(OUTAGE_MS - (Date.now() - stoppedAt));

      // Meanwhile every client's edits kept being acknowledged, from the Redis log.
      const midOutage = stoppedAt + 2_000;
      for (const editor of editors) {
        const at = editor.firstServerAckOfEditAfter(midOutage);
        expect(at).toBeDefined();
        expect(at!).toBeLessThan(Date.now());
      }
      const madeDuring = editors.reduce((sum, e) => sum + e.madeAt.filter((t) => t >= stoppedAt).length, 0);
      for (const server of servers) expect(server.process.exitCode).toBeNull();

      await postgres.start();
      const restartedAt = Date.now();
      const ackedBefore = editors.map((e) => ({
        projectId: e.projectId,
        count: e.madeAt.filter((t, n) => n < e.acked && t < restartedAt).length,
      }));
      const stored: Record<string, number> = {};
      const caughtUp = timeCatchUp(postgres.url, ackedBefore, restartedAt, stored);
      await newcomer.provider.whenSaved(30_000);
      const newcomerIn = Date.now() - restartedAt;
      await newcomer.ready(30_000);
      editors.push(newcomer);
      expect(newcomerIn).toBeLessThan(5_000);
      await eventually(
        async () => {
          for (const server of servers) expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
        },
        10_000,
        100,
      );
      await sleep(AFTER_MS);

      for (const editor of editors) editor.stop();
      await Promise.all(editors.map((editor) => editor.provider.whenSaved(60_000)));
      await eventually(
        () => {
          const expected = fingerprint(editors[0].doc);
          for (const editor of editors) expect(fingerprint(editor.doc)).toEqual(expected);
        },
        30_000,
        200,
      );
      const converged = fingerprint(editors[0].doc);
      expect(missingAcked(editors[0].doc, editors)).toEqual([]);

      // Everything is stored in PostgreSQL again: the snapshot (compaction), the audit trail, the
      // read model; first what was acknowledged while it was down (timed from its return), then all.
      // (The snapshot lags the log by up to COMPACT_AFTER_UPDATES entries by design; the fresh load below reads both.)
      await caughtUp;
      expect(stored).toEqual({
        snapshot: expect.any(Number),
        audit: expect.any(Number),
        readModel: expect.any(Number),
      });
      const all = editors.map((editor) => ({ projectId: editor.projectId, count: editor.acked }));
      const pg = new Client({ connectionString: postgres.url });
      await pg.connect();
      try {
        for (const check of [auditHolds, readModelHolds]) {
          await eventually(async () => expect(await check(pg, all)).toEqual([]), 90_000, 500);
        }
      } finally {
        await pg.end();
      }
      const projectionFailures = (
        await Promise.all(servers.map((s) => scrape(s.url, 'gj_projection_failures_total')))
      ).reduce((a, b) => a + b, 0);

      // And a fresh instance, after both are killed, loads all of it.
      const acked = editors.reduce((sum, editor) => sum + editor.acked, 0);
      const made = editors.reduce((sum, editor) => sum + editor.made, 0);
      for (const editor of editors) editor.destroy();
      for (const server of servers) await server.crash();
      const fresh = await startServer(env);
      servers.push(fresh);
      const loaded = await loadFresh(fresh.url, BOARD, cookies[0]);
      expect(missingAcked(loaded, editors)).toEqual([]);
      expect(fingerprint(loaded)).toEqual(converged);

      const ackLatency = editors.flatMap((e) =>
        e.ackedAt.map((at, n) => ({ made: e.madeAt[n], latency: at - e.madeAt[n] })),
      );
      const during = ackLatency.filter((a) => a.made >= stoppedAt && a.made < restartedAt).map((a) => a.latency);
      console.log(
        `[fault] PostgreSQL down ${restartedAt - stoppedAt} ms${SOAK ? ' (soak)' : ''}: ${CLIENTS} clients, ${made} edits made ` +
          `(${madeDuring} during the outage, acked p50 ${percentile(during, 50)} / p99 ${percentile(during, 99)} ms), ${acked} acked, 0 lost; ` +
          `newcomer in ${newcomerIn} ms after PostgreSQL was back; stored again after: snapshot ${stored.snapshot} ms, ` +
          `audit ${stored.audit} ms, read model ${stored.readModel} ms (${projectionFailures} projection attempts failed and were retried)`,
      );
    },
    (SOAK ? 600 : 180) * 1000,
  );
});

type Expected = Array<{ projectId: string; count: number }>;

/** Checklist items `e0`… each project should have that `have` lacks, as `project/e<n>`. */
function lacking(expected: Expected, have: (projectId: string, item: string) => boolean): string[] {
  const missing: string[] = [];
  for (const { projectId, count } of expected)
    for (let n = 0; n < count; n++) if (!have(projectId, `e${n}`)) missing.push(`${projectId}/e${n}`);
  return missing;
}

async function snapshotHolds(pg: Client, expected: Expected): Promise<string[]> {
  const row = await pg.query<{ state: Buffer }>('select state from board_snapshots where board_id = $1', [BOARD]);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, row.rows[0].state);
  return lacking(expected, (projectId, item) => itemsOf(doc, projectId).has(item));
}

async function auditHolds(pg: Client, expected: Expected): Promise<string[]> {
  const rows = await pg.query<{ changes: Array<{ path: string }> }>(
    'select changes from audit_log where board_id = $1',
    [BOARD],
  );
  const paths = new Set(rows.rows.flatMap((row) => row.changes.map((change) => change.path)));
  return lacking(expected, (projectId, item) => paths.has(`projects/${projectId}/checklist/${item}`));
}

async function readModelHolds(pg: Client, expected: Expected): Promise<string[]> {
  const rows = await pg.query<{ project_id: string; item_id: string }>(
    'select project_id, item_id from rm_checklist_items where board_id = $1',
    [BOARD],
  );
  const projected = new Set(rows.rows.map((row) => `${row.project_id}/${row.item_id}`));
  return lacking(expected, (projectId, item) => projected.has(`${projectId}/${item}`));
}

/** Polls from PostgreSQL's return until the snapshot, the audit trail and the read model hold `expected`; records when each did. */
async function timeCatchUp(
  url: string,
  expected: Expected,
  since: number,
  times: Record<string, number>,
): Promise<void> {
  const pg = new Client({ connectionString: url });
  await pg.connect();
  try {
    const checks = { snapshot: snapshotHolds, audit: auditHolds, readModel: readModelHolds };
    const deadline = Date.now() + 120_000;
    while (Object.keys(times).length < 3 && Date.now() < deadline) {
      for (const [name, check] of Object.entries(checks)) {
        if (times[name] === undefined && (await check(pg, expected)).length === 0) times[name] = Date.now() - since;
      }
      await sleep(250);
    }
  } finally {
    await pg.end();
  }
}
