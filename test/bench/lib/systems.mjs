// The systems a scenario runs against, behind one interface, so every scenario runs the same load
// on ours and on the reference servers in one invocation:
//   gongjian     N instances of the built server on Redis + PostgreSQL (DEMO=1), clients log in as
//                the demo coordinators; boards are created over REST and may be seeded in the DB.
//   y-websocket  one instance of y-websocket 2.x's own server (in memory).
//   hocuspocus   N instances of Hocuspocus 3.x with its Redis extension (in memory + Redis pub/sub).
// `system.newBoard()` gives a fresh board (a REST-created board, or a fresh room name);
// `system.seed(board, update)` gives it content before anyone joins (gongjian: the snapshot row is
// replaced, with its SHA-256; references: a holder client pushes the state and stays connected,
// since they keep documents only while someone is connected);
// `system.client({board, instance, name, apply, onAck})` a RawClient (raw-clients.mjs).
import { createRequire } from 'node:module';
import { createHash, randomBytes } from 'node:crypto';
import {
  Cleanup,
  createBoard,
  createDatabase,
  createRedisPrefix,
  loginFull,
  startGongjian,
  startHocuspocus,
  startYWebsocket,
} from './infra.mjs';
import { RawGongjianClient, RawHocuspocusClient, RawYWebsocketClient } from './raw-clients.mjs';

const require = createRequire(import.meta.url);
const PASSWORD = 'demo12345';
const USERS = ['admin', 'coord'];

export const SYSTEM_NAMES = ['gongjian', 'y-websocket', 'hocuspocus'];

/**
 * @param {'gongjian'|'y-websocket'|'hocuspocus'} kind
 * @param {{instances?: number, env?: object, cpus?: string, nodeArgs?: string[], logDir?: string, root: string, log: Function, outer: Cleanup}} o
 */
export async function startSystem(kind, o) {
  const cleanup = new Cleanup();
  o.outer.add(`${kind} system`, () => cleanup.run());
  try {
    if (kind === 'gongjian') return await startGongjianSystem(cleanup, o);
    if (kind === 'y-websocket') return await startYWebsocketSystem(cleanup, o);
    if (kind === 'hocuspocus') return await startHocuspocusSystem(cleanup, o);
  } catch (err) {
    await cleanup.run();
    throw err;
  }
  throw new Error(`unknown system ${kind}`);
}

async function startGongjianSystem(cleanup, o) {
  const instances = o.instances ?? 2;
  const database = await createDatabase(cleanup);
  const redis = await createRedisPrefix(cleanup);
  const env = {
    DEMO: '1',
    REDIS_URL: redis.url,
    REDIS_PREFIX: redis.prefix,
    DATABASE_URL: database.url,
    LOG_LEVEL: 'warn',
    ...(o.env ?? {}),
  };
  const servers = [];
  for (let i = 0; i < instances; i++) {
    servers.push(
      await startGongjian(cleanup, o.root, {
        name: `gongjian-${i + 1}`,
        env,
        nodeArgs: o.nodeArgs,
        logDir: o.logDir,
        cpus: o.cpus,
        probe: true,
      }),
    );
  }
  const sessions = await Promise.all(USERS.map((user) => loginFull(servers[0].url, user, PASSWORD)));
  o.log(`gongjian: ${instances} instance(s) (pids ${servers.map((s) => s.pid).join(', ')}), db ${database.name}`);
  const { Client } = require('pg');
  let count = 0;
  return {
    kind: 'gongjian',
    label: `gongjian ${instances}× (Redis + PostgreSQL)`,
    servers,
    services: [database.version, redis.version],
    database,
    redis,
    async newBoard(title = 'bench') {
      return createBoard(servers[0].url, sessions[1], `${title} ${++count}`);
    },
    /** Replaces the board's snapshot (before any instance loaded it) with `update` as its state. */
    async seed(board, update) {
      const sql = new Client({ connectionString: database.url });
      await sql.connect();
      try {
        const result = await sql.query('update board_snapshots set state = $1, state_sha256 = $2 where board_id = $3', [
          Buffer.from(update),
          createHash('sha256').update(update).digest('hex'), // as server/src/modules/sync/snapshot-checksum.ts
          board,
        ]);
        if (result.rowCount !== 1) throw new Error(`no snapshot row for board ${board}`);
      } finally {
        await sql.end();
      }
    },
    async unseed() {},
    client({ board, instance = 0, name, apply = false, onAck }) {
      const i = instance % servers.length;
      return new RawGongjianClient({
        url: servers[i].url,
        boardId: board,
        cookie: sessions[(instance >> 1) % sessions.length].sid,
        name: `${name} @ gongjian-${i + 1}`,
        apply,
        onAck,
      });
    },
    /** Scrapes /metrics of every instance. */
    async metrics() {
      return Promise.all(
        servers.map(async (s) => {
          try {
            const r = await fetch(`${s.url}/metrics`, { signal: AbortSignal.timeout(5_000) });
            return r.ok ? r.text() : '';
          } catch {
            return '';
          }
        }),
      );
    },
    /** Distinct warnings the servers logged (level 40: message and error), at most `max`. */
    warnings(max = 5) {
      const seen = new Map();
      for (const s of servers) {
        for (const line of s.output().split('\n')) {
          if (!/"level":40/.test(line)) continue;
          try {
            const entry = JSON.parse(line);
            const key = `${entry.msg}: ${entry.err?.message ?? ''}`.slice(0, 300);
            seen.set(key, (seen.get(key) ?? 0) + 1);
          } catch {
            // not JSON
          }
        }
      }
      return [...seen].slice(0, max).map(([k, n]) => `${n}× ${k}`);
    },
    /** Error lines the servers logged. */
    problems() {
      return servers.flatMap((s) =>
        s
          .output()
          .split('\n')
          .filter((line) => /"level":(50|60)/.test(line))
          .slice(0, 3)
          .map((line) => `${s.name}: ${line.slice(0, 400)}`),
      );
    },
    stop: () => cleanup.run(),
  };
}

function referenceSystem(kind, label, servers, cleanup, makeClient, services = []) {
  const holders = [];
  cleanup.add('close holder clients', () => holders.forEach((h) => h.close()));
  return {
    kind,
    label,
    servers,
    services,
    /** These servers send an update back to the client that sent it, too. */
    echo: true,
    async newBoard(title = 'bench') {
      return `${title.replace(/\W+/g, '-')}-${randomBytes(4).toString('hex')}`;
    },
    async seed(board, update) {
      const holder = makeClient({ board, instance: 0, name: `holder ${board}`, apply: false });
      await holder.connect(60_000);
      holder.sendSync(2, update);
      holders.push(holder);
      // Wait until the server has it: a second client's sync brings the whole state.
      const check = makeClient({ board, instance: servers.length - 1, name: 'seed check', apply: false });
      check.wantState = true;
      await check.connect(120_000);
      check.close();
    },
    client: makeClient,
    /** Lets the seeded documents go (closes the holder clients). */
    async unseed() {
      for (const h of holders.splice(0)) h.close();
    },
    async metrics() {
      return [];
    },
    problems() {
      return servers.flatMap((s) =>
        s
          .output()
          .split('\n')
          .filter((line) => /error/i.test(line))
          .slice(0, 3)
          .map((line) => `${s.name}: ${line.slice(0, 400)}`),
      );
    },
    stop: () => cleanup.run(),
  };
}

async function startYWebsocketSystem(cleanup, o) {
  const server = await startYWebsocket(cleanup, o.root, {
    name: 'y-websocket',
    nodeArgs: o.nodeArgs,
    logDir: o.logDir,
    cpus: o.cpus,
    probe: true,
  });
  o.log(`y-websocket ${server.version}: 1 instance (pid ${server.pid})`);
  return referenceSystem(
    'y-websocket',
    `y-websocket ${server.version} 1× (in memory)`,
    [server],
    cleanup,
    ({ board, name, apply }) =>
      new RawYWebsocketClient({ url: server.url, room: board, name: `${name} @ y-websocket`, apply }),
  );
}

async function startHocuspocusSystem(cleanup, o) {
  const instances = o.instances ?? 2;
  const redis = await createRedisPrefix(cleanup);
  const servers = [];
  for (let i = 0; i < instances; i++) {
    servers.push(
      await startHocuspocus(cleanup, o.root, {
        name: `hocuspocus-${i + 1}`,
        redis: instances > 1 || o.redis ? redis : undefined,
        nodeArgs: o.nodeArgs,
        logDir: o.logDir,
        cpus: o.cpus,
      }),
    );
  }
  o.log(`hocuspocus ${servers[0].version}: ${instances} instance(s) (pids ${servers.map((s) => s.pid).join(', ')})`);
  return referenceSystem(
    'hocuspocus',
    `Hocuspocus ${servers[0].version} ${instances}×${instances > 1 ? ' + Redis ext.' : ''}`,
    servers,
    cleanup,
    ({ board, instance = 0, name, apply, onAck }) =>
      new RawHocuspocusClient({
        url: servers[instance % servers.length].url,
        room: board,
        name: `${name} @ hocuspocus-${(instance % servers.length) + 1}`,
        apply,
        onAck,
      }),
    [redis.version],
  );
}
