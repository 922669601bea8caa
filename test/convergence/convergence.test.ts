import { api, login } from '../support/api';
import { createTestDatabase, TestDatabase } from '../support/postgres';
import { createTestRedis, TestRedis } from '../support/redis';
import { ServerProcess, startServer } from '../support/server-process';
import { type Peer, type RunResult, runSeed } from './harness';

/**
 * The convergence harness (harness.ts) against two real instances: 200 seeds in `npm test`,
 * 10,000 in `npm run soak` (CONVERGENCE_SEEDS). Each seed runs on its own new board with a
 * coordinator and three editors of different organizations on alternating instances; seeds run
 * a few at a time. A failure names its seed; rerun one with CONVERGENCE_SEED=<n>.
 */
const SEEDS = Number(process.env.CONVERGENCE_SEEDS ?? 200);
const FIRST = Number(process.env.CONVERGENCE_SEED ?? 1);
const ONLY = process.env.CONVERGENCE_SEED !== undefined;
const PARALLEL = Number(process.env.CONVERGENCE_PARALLEL ?? 6);
const USERS = ['coord', 'union', 'youth', 'women'];

describe('convergence harness against the real server (two instances)', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let servers: ServerProcess[];
  const cookies: Record<string, string> = {};

  beforeAll(async () => {
    database = await createTestDatabase();
    redis = await createTestRedis();
    const env = {
      DEMO: '1',
      REDIS_URL: redis.url,
      REDIS_PREFIX: redis.prefix,
      DATABASE_URL: database.url,
      AWARENESS_THROTTLE_MS: '0',
    };
    // The second instance does every whole-document job in its worker thread (a big board's path:
    // step 2 for a reconnecting client worked out there, compaction merged there).
    servers = await Promise.all([startServer(env), startServer({ ...env, WORKER_MIN_BYTES: '0' })]);
    for (const user of USERS) cookies[user] = await login(servers[0].url, user, 'demo12345');
  }, 60_000);

  afterAll(async () => {
    await Promise.all((servers ?? []).map((server) => server.stop()));
    await redis?.cleanup();
    await database?.drop();
  });

  /** A new board: coord coordinates; the three Liangxi organizations edit. */
  async function newBoard(seed: number): Promise<string> {
    const created = await api<{ id: string }>(servers[0].url, '/api/boards', cookies.coord, {
      method: 'POST',
      body: { title: `收敛 ${seed}` },
    });
    if (created.status !== 201) throw new Error(`board for seed ${seed}: ${created.status}`);
    for (const org of ['liangxi-union', 'liangxi-youth', 'liangxi-women']) {
      const put = await api(servers[0].url, `/api/boards/${created.body.id}/members/orgs/${org}`, cookies.coord, {
        method: 'PUT',
        body: { role: 'editor' },
      });
      if (put.status !== 204) throw new Error(`membership for seed ${seed}: ${put.status}`);
    }
    return created.body.id;
  }

  it(
    `${ONLY ? `seed ${FIRST}` : `${SEEDS} seeds`}: every replica, a fresh load on each instance and a rebuild from the accepted updates agree`,
    async () => {
      const peers: Peer[] = USERS.map((user, index) => ({
        name: user,
        url: servers[index % 2].url,
        cookie: cookies[user],
      }));
      const seeds = ONLY ? [FIRST] : Array.from({ length: SEEDS }, (_, i) => FIRST + i);
      const results: RunResult[] = [];
      let next = 0;
      const worker = async () => {
        while (next < seeds.length) {
          const seed = seeds[next++];
          results.push(await runSeed(seed, peers, await newBoard(seed)));
        }
      };
      await Promise.all(Array.from({ length: Math.min(PARALLEL, seeds.length) }, worker));
      const total = (key: keyof RunResult) => results.reduce((sum, result) => sum + result[key], 0);
      expect(results).toHaveLength(seeds.length);
      // The harness must exercise what it claims to: edits accepted and refused, resets, drops.
      expect(total('accepted')).toBeGreaterThan(seeds.length * 5);
      if (seeds.length >= 20) {
        expect(total('refused')).toBeGreaterThan(0);
        expect(total('drops')).toBeGreaterThan(0);
      }
      process.stdout.write(
        `convergence: ${seeds.length} seeds, ${total('edits')} edits, ${total('accepted')} accepted, ${total('refused')} refused (replica reset), ${total('drops')} dropped connections\n`,
      );
    },
    Number(process.env.CONVERGENCE_TIMEOUT_MS ?? 15 * 60_000),
  );
});
