// Services a benchmark runs against: a fresh PostgreSQL database, a Redis key prefix, server
// processes (the built gongjian server, the y-websocket reference server). Everything started is
// registered with `cleanup`, which undoes it in reverse order, once, on success, failure or signal.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

export const REDIS_URL = process.env.BENCH_REDIS_URL ?? process.env.REDIS_URL_TEST ?? 'redis://127.0.0.1:6379';
export const ADMIN_DATABASE_URL =
  process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL_TEST ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Undo actions, run last-in first-out by `run()`; `run()` is idempotent. */
export class Cleanup {
  constructor() {
    this.actions = [];
    this.running = null;
  }

  add(name, fn) {
    this.actions.push({ name, fn });
  }

  run() {
    if (!this.running) {
      this.running = (async () => {
        while (this.actions.length > 0) {
          const { name, fn } = this.actions.pop();
          try {
            await withTimeout(Promise.resolve().then(fn), 15_000, `cleanup: ${name}`);
          } catch (err) {
            console.error(`cleanup: ${name} failed: ${err?.message ?? err}`);
          }
        }
      })();
    }
    return this.running;
  }
}

export function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Fails early, with the fix, when the build the benchmark needs is missing. */
export function requireBuild(root) {
  const missing = ['server/dist/main.js', 'shared/dist/index.js'].filter((p) => !existsSync(join(root, p)));
  if (missing.length > 0) throw new Error(`missing ${missing.join(', ')}: run \`npm run build\` first`);
}

/** A fresh database `gjbench_<random>`; dropped by cleanup. */
export async function createDatabase(cleanup) {
  const { Client } = require('pg');
  const name = `gjbench_${randomBytes(5).toString('hex')}`;
  const admin = new Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  cleanup.add(`drop database ${name}`, async () => {
    const client = new Client({ connectionString: ADMIN_DATABASE_URL });
    await client.connect();
    try {
      await client.query(`drop database if exists ${name} with (force)`);
    } finally {
      await client.end();
    }
  });
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  const version = await queryOne(url.toString(), 'show server_version');
  return { name, url: url.toString(), version: `PostgreSQL ${version.server_version}` };
}

async function queryOne(connectionString, sql) {
  const { Client } = require('pg');
  const client = new Client({ connectionString });
  await client.connect();
  try {
    return (await client.query(sql)).rows[0];
  } finally {
    await client.end();
  }
}

/** A key prefix `gjbench:<random>:` of its own; its keys are deleted by cleanup. */
export async function createRedisPrefix(cleanup) {
  const { Redis } = require('ioredis');
  const prefix = `gjbench:${randomBytes(4).toString('hex')}:`;
  const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await client.connect();
  const info = await client.info('server');
  const version = /redis_version:(\S+)/.exec(info)?.[1] ?? '?';
  cleanup.add(`delete redis keys ${prefix}*`, async () => {
    try {
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await client.del(...keys);
      } while (cursor !== '0');
    } finally {
      client.disconnect();
    }
  });
  return { url: REDIS_URL, prefix, client, version: `Redis ${version}` };
}

/**
 * Spawns `node [nodeArgs] script` and waits until `readyUrl` answers 2xx. Killed by cleanup
 * (SIGTERM, then SIGKILL after 10 s). `output()` holds its stdout and stderr.
 */
export async function startProcess(cleanup, { name, script, env, nodeArgs = [], readyUrl, cwd, logDir, cpus }) {
  // `cpus` ("1", "0-1"): pinned with taskset (which execs node, so the pid is node's).
  const argv = [...nodeArgs, script];
  const child = spawn(cpus ? 'taskset' : process.execPath, cpus ? ['-c', cpus, process.execPath, ...argv] : argv, {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const spawnedAt = Date.now();
  let output = `# ${name}: node ${[...nodeArgs, script].join(' ')}; spawned at ${new Date(spawnedAt).toISOString()} (${spawnedAt})\n`;
  const keep = (chunk) => {
    output += chunk.toString();
    if (output.length > 4_000_000) output = output.slice(-2_000_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    if (logDir) {
      mkdirSync(logDir, { recursive: true });
      writeFileSync(join(logDir, `${name}.log`), output);
    }
  };
  cleanup.add(`stop ${name} (pid ${child.pid})`, stop);
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output}`);
    }
    try {
      const response = await fetch(readyUrl);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${name} was not ready within 30 s:\n${output}`);
    await sleep(100);
  }
  return { name, pid: child.pid, process: child, output: () => output, stop, exited };
}

/** One instance of the built server (`server/dist/main.js`). */
export async function startGongjian(cleanup, root, { name, env, nodeArgs, logDir, cpus, probe }) {
  const port = await freePort();
  const probePort = probe ? await freePort() : undefined;
  const server = await startProcess(cleanup, {
    name,
    script: join(root, 'server/dist/main.js'),
    cwd: root,
    nodeArgs: probe ? [...PROBE_ARGS, ...(nodeArgs ?? [])] : nodeArgs,
    logDir,
    cpus,
    env: {
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      ...env,
      PORT: String(port),
      ...(probe ? { BENCH_PROBE_PORT: String(probePort) } : {}),
    },
    readyUrl: `http://127.0.0.1:${port}/readyz`,
  });
  return {
    ...server,
    port,
    url: `http://127.0.0.1:${port}`,
    probeUrl: probe ? `http://127.0.0.1:${probePort}/` : undefined,
  };
}

/** Node arguments that load the heap / event-loop probe (servers/probe.mjs) into a server. */
export const PROBE_ARGS = ['--expose-gc', '--import', new URL('../servers/probe.mjs', import.meta.url).href];

/** A Hocuspocus 3.x reference instance (servers/hocuspocus.mjs), with the Redis extension when `redis` is given. */
export async function startHocuspocus(cleanup, root, { name, redis, nodeArgs, logDir, cpus, probe = true }) {
  let version;
  try {
    // package.json is not among the package's exports: read it beside dist/.
    const main = require.resolve('@hocuspocus/server', { paths: [root] });
    version = JSON.parse(readFileSync(join(dirname(main), '..', 'package.json'), 'utf8')).version;
  } catch {
    throw new Error(
      '@hocuspocus/server is not installed (npm install -D @hocuspocus/server@~3.4 @hocuspocus/extension-redis@~3.4)',
    );
  }
  const port = await freePort();
  const probePort = await freePort();
  const server = await startProcess(cleanup, {
    name,
    script: fileURLToPath(new URL('../servers/hocuspocus.mjs', import.meta.url)),
    cwd: root,
    nodeArgs: probe ? [...PROBE_ARGS, ...(nodeArgs ?? [])] : nodeArgs,
    logDir,
    cpus,
    env: {
      NAME: name,
      PORT: String(port),
      BENCH_PROBE_PORT: String(probePort),
      ...(redis ? { REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix } : {}),
    },
    readyUrl: `http://127.0.0.1:${port}/`,
  });
  return { ...server, port, url: `ws://127.0.0.1:${port}`, version, probeUrl: `http://127.0.0.1:${probePort}/` };
}

/** The y-websocket 2.x reference server (in memory, no persistence), as its `bin/server.cjs` runs it. */
export async function startYWebsocket(cleanup, root, { name, nodeArgs, logDir, cpus, probe }) {
  let packageJson;
  try {
    packageJson = require.resolve('y-websocket/package.json', { paths: [root] });
  } catch {
    throw new Error('y-websocket is not installed (npm install -D y-websocket@^2.1.0)');
  }
  // bin/server.cjs is not among the package's exports; it sits beside package.json.
  const script = join(dirname(packageJson), 'bin/server.cjs');
  const version = require(packageJson).version;
  if (!existsSync(script)) throw new Error(`y-websocket ${version} has no bin/server.cjs (need 2.x)`);
  const port = await freePort();
  const probePort = probe ? await freePort() : undefined;
  const server = await startProcess(cleanup, {
    name,
    script,
    cwd: root,
    nodeArgs: probe ? [...PROBE_ARGS, ...(nodeArgs ?? [])] : nodeArgs,
    logDir,
    cpus,
    env: { HOST: '127.0.0.1', PORT: String(port), ...(probe ? { BENCH_PROBE_PORT: String(probePort) } : {}) },
    readyUrl: `http://127.0.0.1:${port}/`,
  });
  return {
    ...server,
    port,
    url: `ws://127.0.0.1:${port}`,
    version,
    probeUrl: probe ? `http://127.0.0.1:${probePort}/` : undefined,
  };
}

/** POST /api/auth/login; the `gj_sid=…` cookie. */
export async function login(url, username, password) {
  const response = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (response.status !== 200) throw new Error(`login ${username} failed: ${response.status} ${await response.text()}`);
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0];
  if (!cookie.startsWith('gj_sid=')) throw new Error(`no session cookie from login ${username}`);
  return cookie;
}

/** POST /api/auth/login; both cookies (`gj_sid=…; gj_csrf=…`), for REST writes and sockets. */
export async function loginFull(url, username, password) {
  const response = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (response.status !== 200) throw new Error(`login ${username} failed: ${response.status} ${await response.text()}`);
  const cookies = response.headers.getSetCookie().map((h) => h.split(';')[0]);
  const sid = cookies.find((c) => c.startsWith('gj_sid='));
  const csrf = cookies.find((c) => c.startsWith('gj_csrf='));
  if (!sid || !csrf) throw new Error(`no session or CSRF cookie from login ${username}`);
  return { cookie: `${sid}; ${csrf}`, sid, csrf: csrf.slice('gj_csrf='.length) };
}

/** POST /api/boards as the logged-in user (coordinator of the new board); its id. */
export async function createBoard(url, session, title) {
  const response = await fetch(`${url}/api/boards`, {
    method: 'POST',
    headers: { cookie: session.cookie, 'content-type': 'application/json', 'x-csrf-token': session.csrf },
    body: JSON.stringify({ title }),
  });
  if (response.status !== 201) throw new Error(`create board failed: ${response.status} ${await response.text()}`);
  return (await response.json()).id;
}
