import * as Y from 'yjs';
import { login } from '../support/api';
import { eventually, openClient } from '../support/clients';
import { createTestDatabase, TestDatabase } from '../support/postgres';
import { fingerprint, newProjectMap } from '../support/random-edits';
import { createTestRedis, TestRedis } from '../support/redis';
import { ServerProcess, startServer } from '../support/server-process';

const BOARD = 'demo-liangxi-2026';

describe('an instance that falls behind a trimmed stream', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let servers: ServerProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    redis = await createTestRedis();
  });
  afterAll(async () => {
    for (const server of servers) server.process.kill('SIGCONT');
    await Promise.all(servers.map((server) => server.stop()));
    await redis.cleanup();
    await database.drop();
  });

  it('catches up from the snapshot and brings what it missed to its sockets', async () => {
    const env = {
      DEMO: '1',
      REDIS_URL: redis.url,
      REDIS_PREFIX: redis.prefix,
      DATABASE_URL: database.url,
      COMPACT_AFTER_UPDATES: '5',
      COMPACT_INTERVAL_MS: '200',
      COMPACT_TRIM_GRACE_MS: '0',
    };
    servers = [await startServer(env), await startServer(env)];
    const [writer, lagging] = servers;
    const cookie = await login(writer.url, 'coord', 'demo12345');
    const here = openClient(writer.url, BOARD, cookie);
    const there = openClient(lagging.url, BOARD, cookie);
    await Promise.all([here.whenSaved(), there.whenSaved()]);

    // The lagging instance stops reading while the board is edited, compacted and trimmed.
    lagging.process.kill('SIGSTOP');
    for (let i = 0; i < 30; i++) here.doc.transact(() => here.doc.getMap('projects').set(`lag${i}`, newProjectMap(`lag${i}`, `项目${i}`)));
    await here.whenSaved();
    await eventually(async () => expect(await redis.client.xlen(`${redis.prefix}{board:${BOARD}}:log`)).toBeLessThan(5), 10_000);
    lagging.process.kill('SIGCONT');

    await eventually(() => expect(fingerprint(there.doc)).toEqual(fingerprint(here.doc)), 10_000);
    expect(there.doc.getMap<Y.Map<unknown>>('projects').has('lag0')).toBe(true);
    here.destroy();
    there.destroy();
  });
});
