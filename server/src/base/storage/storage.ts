import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { AwarenessBus, LocalAwarenessBus, RedisAwarenessBus } from './awareness-bus';
import { BoardLocks, LocalBoardLocks, RedisBoardLocks } from './board-lock';
import { ControlBus, LocalControlBus, RedisControlBus } from './control-bus';
import { DbUpdateLog } from './db-update-log';
import { RedisUpdateLog } from './redis-update-log';
import type { UpdateLog } from './update-log';
import type { AppConfig } from '../config';
import type { Db } from '../db';
import { createBlockingRedis, createRedis } from '../redis';

/** The shared state behind an instance: the update log, locks and the awareness bus. */
export interface Storage {
  instanceId: string;
  log: UpdateLog;
  locks: BoardLocks;
  awarenessBus: AwarenessBus;
  controlBus: ControlBus;
  redis: Redis | undefined;
  close(): Promise<void>;
}

/** Redis when REDIS_URL is set; otherwise the embedded log in the database (one instance). */
export function openStorage(config: AppConfig, db: Db, logger: Logger, onLag: (ms: number) => void): Storage {
  const instanceId = randomUUID();
  if (!config.REDIS_URL) {
    return {
      instanceId,
      log: new DbUpdateLog(db, logger),
      locks: new LocalBoardLocks(),
      awarenessBus: new LocalAwarenessBus(),
      controlBus: new LocalControlBus(),
      redis: undefined,
      close: async () => {},
    };
  }
  const redis = createRedis(config.REDIS_URL, `gj-cmd-${instanceId}`);
  const reader = createBlockingRedis(config.REDIS_URL, `gj-read-${instanceId}`);
  const subscriber = createBlockingRedis(config.REDIS_URL, `gj-sub-${instanceId}`);
  for (const connection of [redis, reader, subscriber]) {
    connection.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));
  }
  const log = new RedisUpdateLog(redis, reader, config.REDIS_PREFIX, logger, onLag, { lossCheckMs: config.REDIS_LOSS_CHECK_MS });
  const awarenessBus = new RedisAwarenessBus(redis, subscriber, config.REDIS_PREFIX, instanceId, logger);
  const controlBus = new RedisControlBus(redis, subscriber, config.REDIS_PREFIX, instanceId, logger);
  return {
    instanceId,
    log,
    locks: new RedisBoardLocks(redis, config.REDIS_PREFIX),
    awarenessBus,
    controlBus,
    redis,
    close: async () => {
      await log.close();
      await awarenessBus.close();
      await controlBus.close();
      redis.disconnect();
    },
  };
}
