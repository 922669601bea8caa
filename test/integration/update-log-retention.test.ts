import pino from 'pino';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadConfig } from '../../server/src/base/config';
import type { Db } from '../../server/src/base/db';
import { openStorage, Storage, ZERO_LOG_ID } from '../../server/src/base/storage';
import { createTestRedis, TestRedis } from '../support/redis';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/**
 * A board unloaded must leave memory: what its log follower held (the document, through the
 * callback) must not stay reachable from the stream reader once the board is no longer followed.
 * A heap snapshot of the s5 benchmark found the last board read kept alive by the reader's loop.
 */
describe('Redis update log: nothing of an unfollowed board stays reachable', () => {
  let redis: TestRedis;
  let storage: Storage;

  beforeAll(async () => {
    redis = await createTestRedis();
    const config = loadConfig({ REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix });
    // With Redis, the log, locks and buses live there: the database is not used.
    storage = openStorage(config, {} as Db, pino({ level: 'silent' }), () => {});
  });
  afterAll(async () => {
    await storage.close();
    await redis.cleanup();
  });

  it('lets the follower (and what it holds) be collected after the subscription is closed', async () => {
    let collected = false;
    const registry = new FinalizationRegistry(() => (collected = true));
    await (async () => {
      // Stands for a board's document: only the follower's callback refers to it.
      const board = { doc: new Uint8Array(1024 * 1024) };
      registry.register(board, 'board');
      let seen = 0;
      const subscription = storage.log.follow('b-retained', ZERO_LOG_ID, (entries) => {
        seen += entries.length + board.doc.length * 0;
      });
      await storage.log.append('b-retained', new Uint8Array([0, 0]), 'other');
      for (let i = 0; i < 200 && seen === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(seen).toBe(1);
      subscription.close();
    })();
    for (let i = 0; i < 50 && !collected; i++) {
      await new Promise((r) => setTimeout(r, 20));
      gc();
    }
    expect(collected).toBe(true);
  });
});
