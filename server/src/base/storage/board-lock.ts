import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { boardKeys } from './keys';

export interface Lease {
  /** Extends the lease; false if it was lost (expired and taken by someone else). */
  renew(): Promise<boolean>;
  release(): Promise<void>;
}

/** What a lock guards: compaction and read-model projection each have a lock per board. */
export type LockPurpose = 'compaction' | 'projection';

/** Per-board mutual exclusion with a lease. */
export interface BoardLocks {
  tryAcquire(boardId: string, leaseMs: number, purpose?: LockPurpose): Promise<Lease | null>;
}

export const BOARD_LOCKS = Symbol('BOARD_LOCKS');

const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export class RedisBoardLocks implements BoardLocks {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async tryAcquire(boardId: string, leaseMs: number, purpose: LockPurpose = 'compaction'): Promise<Lease | null> {
    const keys = boardKeys(this.prefix, boardId);
    const key = purpose === 'compaction' ? keys.lock : keys.projectionLock;
    const token = randomUUID();
    const ok = await this.redis.set(key, token, 'PX', leaseMs, 'NX');
    if (ok !== 'OK') return null;
    return {
      renew: async () => Number(await this.redis.eval(RENEW, 1, key, token, leaseMs)) === 1,
      release: async () => {
        await this.redis.eval(RELEASE, 1, key, token);
      },
    };
  }
}

/** In-process locks for embedded mode (one instance). */
export class LocalBoardLocks implements BoardLocks {
  private readonly held = new Map<string, { token: symbol; expires: number }>();

  async tryAcquire(boardId: string, leaseMs: number, purpose: LockPurpose = 'compaction'): Promise<Lease | null> {
    const key = `${purpose}:${boardId}`;
    const current = this.held.get(key);
    if (current && current.expires > Date.now()) return null;
    const token = Symbol(key);
    this.held.set(key, { token, expires: Date.now() + leaseMs });
    return {
      renew: async () => {
        const entry = this.held.get(key);
        if (entry?.token !== token) return false;
        entry.expires = Date.now() + leaseMs;
        return true;
      },
      release: async () => {
        if (this.held.get(key)?.token === token) this.held.delete(key);
      },
    };
  }
}
