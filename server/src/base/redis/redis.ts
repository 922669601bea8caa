import { Redis } from 'ioredis';

/**
 * Reconnecting: 100 ms doubling to 1 s between attempts, so that the service is back within about
 * a second of Redis (three connections per instance, one attempt a second each, while it is down).
 */
const retryStrategy = (attempt: number) => Math.min(50 * 2 ** attempt, 1000);

/**
 * A Redis connection for commands. Commands issued while disconnected wait in the offline
 * queue, but fail after a bounded number of reconnect attempts, so a write that cannot reach
 * Redis is refused (unacked) rather than left hanging.
 */
export function createRedis(url: string, name: string): Redis {
  return new Redis(url, { connectionName: name, maxRetriesPerRequest: 3, retryStrategy });
}

/** A connection for blocking reads and subscriptions: no per-request retry limit. */
export function createBlockingRedis(url: string, name: string): Redis {
  return new Redis(url, { connectionName: name, maxRetriesPerRequest: null, retryStrategy });
}
