import * as Y from 'yjs';
import { login } from '../support/api';
import { eventually, loadFresh, openClient } from '../support/clients';
import { createTestDatabase, TestDatabase } from '../support/postgres';
import { fingerprint, newProjectMap, prng, randomEdit } from '../support/random-edits';
import { createTestRedis, TestRedis } from '../support/redis';
import { ServerProcess, startServer, tempDataDir } from '../support/server-process';

const BOARD = 'demo-liangxi-2026';

function titles(doc: Y.Doc): string[] {
  return [...doc.getMap<Y.Map<unknown>>('projects').values()].map((p) => String(p.get('title'))).sort();
}

function addProject(doc: Y.Doc, title: string): void {
  doc.transact(() => doc.getMap('projects').set(title, newProjectMap(title, title)), 'test');
}

type Mode = { name: string; env: () => Record<string, string>; setup(): Promise<void>; teardown(): Promise<void> };

const modes: Mode[] = (() => {
  let database: TestDatabase;
  let redis: TestRedis;
  const data = tempDataDir();
  return [
    {
      name: 'Redis + PostgreSQL',
      setup: async () => {
        database = await createTestDatabase();
        redis = await createTestRedis();
      },
      teardown: async () => {
        await redis.cleanup();
        await database.drop();
      },
      env: () => ({ DEMO: '1', REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix, DATABASE_URL: database.url }),
    },
    {
      name: 'embedded',
      setup: async () => {},
      teardown: async () => data.remove(),
      env: () => ({ DEMO: '1', DATA_DIR: data.dir }),
    },
  ];
})();

describe.each(modes)('durability ($name)', (mode) => {
  const servers: ServerProcess[] = [];
  beforeAll(() => mode.setup());
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await mode.teardown();
  });

  it('an update acked by an instance survives kill -9 of that instance', async () => {
    const first = await startServer(mode.env());
    servers.push(first);
    const cookie = await login(first.url, 'coord', 'demo12345');
    const client = openClient(first.url, BOARD, cookie);
    await client.whenSaved();
    const random = prng(7);
    for (let i = 0; i < 50; i++) randomEdit(client.doc, random, 'test');
    addProject(client.doc, 'acked-before-crash');
    await client.whenSaved();
    const expected = fingerprint(client.doc);
    client.destroy();

    await first.crash();
    const second = await startServer(mode.env());
    servers.push(second);
    const loaded = await loadFresh(second.url, BOARD, await login(second.url, 'youth', 'demo12345'));
    expect(titles(loaded)).toContain('acked-before-crash');
    expect(fingerprint(loaded)).toEqual(expected);
    await second.stop();
  });

  it('a client offline while it and others edit converges after reconnecting', async () => {
    const server = await startServer(mode.env());
    servers.push(server);
    // Coordinators: the projects they add may be led by any org.
    const [coordCookie, adminCookie] = await Promise.all([
      login(server.url, 'coord', 'demo12345'),
      login(server.url, 'admin', 'demo12345'),
    ]);
    const offline = openClient(server.url, BOARD, coordCookie);
    const online = openClient(server.url, BOARD, adminCookie);
    await Promise.all([offline.whenSaved(), online.whenSaved()]);

    offline.disconnect();
    expect(offline.status).toBe('offline');
    const randomA = prng(11);
    const randomB = prng(12);
    for (let i = 0; i < 100; i++) {
      randomEdit(offline.doc, randomA, 'test');
      randomEdit(online.doc, randomB, 'test');
    }
    addProject(offline.doc, 'made-offline');
    addProject(online.doc, 'made-online');
    await online.whenSaved();
    expect(titles(online.doc)).not.toContain('made-offline');

    offline.connect();
    await offline.whenSaved();
    await eventually(() => expect(fingerprint(offline.doc)).toEqual(fingerprint(online.doc)));
    expect(titles(offline.doc)).toEqual(expect.arrayContaining(['made-offline', 'made-online']));
    const stored = await loadFresh(server.url, BOARD, adminCookie);
    expect(fingerprint(stored)).toEqual(fingerprint(online.doc));
    offline.destroy();
    online.destroy();
    await server.stop();
  });
});
