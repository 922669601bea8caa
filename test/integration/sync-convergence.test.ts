import * as Y from 'yjs';
import { BoardSyncProvider } from '../../client/src/lib/sync/board-sync-provider';
import { login } from '../support/api';
import { eventually, loadFresh, openClient } from '../support/clients';
import { createTestDatabase, TestDatabase } from '../support/postgres';
import { fingerprint, prng, randomEdit } from '../support/random-edits';
import { createTestRedis, TestRedis } from '../support/redis';
import { ServerProcess, startServer, tempDataDir } from '../support/server-process';

const BOARD = 'demo-liangxi-2026';
// Coordinators: random edits touch meta, deletions and every org's funding, which only they may write.
const USERS = ['admin', 'coord'];
const CLIENTS = 10;
const EDITS_PER_CLIENT = 210;

/**
 * 10 clients make random concurrent edits, pausing at random; then every client and a board
 * loaded fresh from storage (on a new instance) must hold the same state.
 */
async function editConcurrently(servers: ServerProcess[], seed: number): Promise<{ clients: BoardSyncProvider[]; edits: number }> {
  const cookies = await Promise.all(USERS.map((user) => login(servers[0].url, user, 'demo12345')));
  const clients = Array.from({ length: CLIENTS }, (_, i) =>
    openClient(servers[i % servers.length].url, BOARD, cookies[i % cookies.length]),
  );
  await Promise.all(clients.map((client) => client.whenSaved()));
  let edits = 0;
  await Promise.all(
    clients.map(async (client, index) => {
      const random = prng(seed + index);
      for (let i = 0; i < EDITS_PER_CLIENT; i++) {
        randomEdit(client.doc, random, 'test');
        edits += 1;
        if (random() < 0.3) await new Promise((r) => setTimeout(r, Math.floor(random() * 15)));
      }
    }),
  );
  return { clients, edits };
}

async function expectConverged(clients: BoardSyncProvider[], fresh: () => Promise<Y.Doc>): Promise<void> {
  await Promise.all(clients.map((client) => client.whenSaved(30_000)));
  await eventually(() => {
    const expected = fingerprint(clients[0].doc);
    for (const client of clients) expect(fingerprint(client.doc)).toEqual(expected);
  }, 20_000);
  const stored = await fresh();
  expect(fingerprint(stored)).toEqual(fingerprint(clients[0].doc));
  expect((clients[0].doc.getMap('projects').size)).toBeGreaterThan(0);
}

describe('convergence across two instances (Redis + PostgreSQL)', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let servers: ServerProcess[] = [];
  let clients: BoardSyncProvider[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    redis = await createTestRedis();
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await Promise.all(servers.map((server) => server.stop()));
    await redis.cleanup();
    await database.drop();
  });

  it('10 clients on two instances making 2,000+ random edits end identical, as does a fresh load', async () => {
    const env = { DEMO: '1', REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix, DATABASE_URL: database.url, COMPACT_AFTER_UPDATES: '300', COMPACT_INTERVAL_MS: '500' };
    servers = [await startServer(env)];
    servers.push(await startServer(env));
    const run = await editConcurrently(servers, 1234);
    clients = run.clients;
    expect(run.edits).toBeGreaterThanOrEqual(2000);
    await expectConverged(clients, async () => {
      const third = await startServer(env);
      servers.push(third);
      return loadFresh(third.url, BOARD, await login(third.url, 'admin', 'demo12345'));
    });
  });
});

describe('convergence in embedded mode (no REDIS_URL, no DATABASE_URL)', () => {
  const data = tempDataDir();
  let server: ServerProcess | undefined;
  let clients: BoardSyncProvider[] = [];

  afterAll(async () => {
    for (const client of clients) client.destroy();
    await server?.stop();
    data.remove();
  });

  it('10 clients making 2,000+ random edits end identical, as does a load after a restart', async () => {
    const env = { DEMO: '1', DATA_DIR: data.dir, COMPACT_AFTER_UPDATES: '300', COMPACT_INTERVAL_MS: '500' };
    server = await startServer(env);
    const run = await editConcurrently([server], 99);
    clients = run.clients;
    expect(run.edits).toBeGreaterThanOrEqual(2000);
    await expectConverged(clients, async () => {
      for (const client of clients) client.disconnect();
      await server!.stop();
      server = await startServer(env);
      return loadFresh(server.url, BOARD, await login(server.url, 'admin', 'demo12345'));
    });
  });
});
