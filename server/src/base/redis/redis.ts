import { Redis } from 'ioredis';

/**
 * A Redis connection for commands. Commands issued while disconnected wait in the offline
 * queue, but fail after a bounded number of reconnect attempts, so a write that cannot reach
 * Redis is refused (unacked) rather than left hanging.
 */
export function createRedis(url: string, name: string): Redis {
  return new Redis(url, {
    connectionName: name,
    maxRetriesPerRequest: 3,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2000),
  });
}

/** A connection for blocking reads and subscriptions: no per-request retry limit. */
export function createBlockingRedis(url: string, name: string): Redis {
  return new Redis(url, {
    connectionName: name,
    maxRetriesPerRequest: null,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2000),
  });
}
