import { createTestDatabase, TestDatabase } from './postgres';
import { createTestRedis, TestRedis } from './redis';
import { freePort, ServerProcess, startServer } from './server-process';

/**
 * What most suites run against: a database and a Redis prefix of their own, and server instances
 * (real processes) sharing them, with the demo data.
 */
export interface TestStack {
  database: TestDatabase;
  redis: TestRedis;
  /** What every instance of the stack starts with: DEMO=1, the stack's Redis and database, `env`. */
  env: Record<string, string>;
  /** Instances started so far (by `startStack` and `start`), stopped by `stop`. */
  servers: ServerProcess[];
  /** With `inspect`: the port of the first instance's inspector (test/support/inspector.ts). */
  inspectPort: number | undefined;
  /** Starts one more instance, with `extra` over the stack's environment. */
  start(extra?: Record<string, string>): Promise<ServerProcess>;
  /** Stops every instance still running, then removes the Redis keys and drops the database. */
  stop(): Promise<void>;
}

export async function startStack(
  options: { instances?: number; env?: Record<string, string>; inspect?: boolean } = {},
): Promise<TestStack> {
  const inspectPort = options.inspect ? await freePort() : undefined;
  const database = await createTestDatabase();
  const redis = await createTestRedis();
  const env = {
    DEMO: '1',
    REDIS_URL: redis.url,
    REDIS_PREFIX: redis.prefix,
    DATABASE_URL: database.url,
    ...options.env,
  };
  const servers: ServerProcess[] = [];
  const stack: TestStack = {
    database,
    redis,
    env,
    servers,
    inspectPort,
    async start(extra = {}) {
      const server = await startServer({ ...env, ...extra });
      servers.push(server);
      return server;
    },
    async stop() {
      await Promise.all(servers.splice(0).map((server) => server.stop()));
      await redis.cleanup();
      await database.drop();
    },
  };
  const inspected = inspectPort === undefined ? env : { ...env, NODE_OPTIONS: `--inspect=127.0.0.1:${inspectPort}` };
  // Side by side, as the suites did before (migrations take a lock); in order in `servers`.
  const started = await Promise.allSettled(
    Array.from({ length: options.instances ?? 1 }, (_, i) => startServer(i === 0 ? inspected : env)),
  );
  for (const result of started) if (result.status === 'fulfilled') servers.push(result.value);
  const failed = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) {
    await stack.stop();
    throw failed.reason;
  }
  return stack;
}
