import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { TEST_REDIS_URL } from './env';

export interface TestRedis {
  url: string;
  prefix: string;
  client: Redis;
  /** Deletes every key under the prefix and closes the client. */
  cleanup(): Promise<void>;
}

/** A Redis key prefix of its own for one test file. */
export async function createTestRedis(): Promise<TestRedis> {
  const prefix = `gjtest:${randomBytes(4).toString('hex')}:`;
  const client = new Redis(TEST_REDIS_URL);
  return {
    url: TEST_REDIS_URL,
    prefix,
    client,
    cleanup: async () => {
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await client.del(...keys);
      } while (cursor !== '0');
      client.disconnect();
    },
  };
}
