import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { boardKeys, epochKey } from './keys';
import { formatLogId, LogId, parseLogId } from './log-id';
import { GapListeners, LogEntry, LogGap, Subscription, UpdateLog } from './update-log';

const READ_COUNT = 1000;
const BLOCK_MS = 5000;

export interface RedisUpdateLogOptions {
  /** How often the epoch key is checked for lost data, besides after every reconnect (ms). */
  lossCheckMs?: number;
}

interface Follower {
  boardId: string;
  lastId: string;
  onEntries: (entries: LogEntry[]) => void;
}

type RawEntry = [Buffer, Buffer[]];

/**
 * Update log on Redis streams, one stream per board. Every instance follows the boards it has
 * loaded with a single blocking XREAD over all their streams, on a connection of its own;
 * when the set of boards changes, the blocked read is interrupted with CLIENT UNBLOCK.
 *
 * Lost data is detected with an epoch: a random value in `<prefix>epoch`, set by the first
 * instance that finds it missing and remembered by every instance. Checked after every reconnect
 * of the command connection and every `lossCheckMs`: a missing or different value means Redis lost
 * what it held (restarted without persistence, flushed, failed over to a replica without it), and
 * the listeners of `onGap` are told (`data-lost`), as they are of every failed append.
 */
export class RedisUpdateLog implements UpdateLog {
  readonly kind = 'redis' as const;
  private readonly followers = new Map<string, Follower>();
  private generation = 0;
  private inflightGeneration = -1;
  private readerId: number | undefined;
  private closed = false;
  private wake: (() => void) | undefined;
  private readonly loopDone: Promise<void>;
  private readonly gaps = new GapListeners();
  /** The epoch this instance knows; undefined until first read. */
  private epoch: string | undefined;
  private epochCheck: Promise<void> | undefined;
  private epochCheckAgain = false;
  private readonly epochTimer: NodeJS.Timeout;

  constructor(
    private readonly redis: Redis,
    private readonly reader: Redis,
    private readonly prefix: string,
    private readonly logger: Logger,
    private readonly onLag?: (lagMs: number) => void,
    options: RedisUpdateLogOptions = {},
  ) {
    reader.on('ready', () => (this.readerId = undefined));
    redis.on('ready', () => void this.checkEpoch());
    this.epochTimer = setInterval(() => void this.checkEpoch(), options.lossCheckMs ?? 5000);
    this.epochTimer.unref();
    void this.checkEpoch();
    this.loopDone = this.loop();
  }

  async append(boardId: string, update: Uint8Array, origin: string, audit?: string): Promise<LogId> {
    const key = boardKeys(this.prefix, boardId).log;
    let id;
    try {
      id =
        audit === undefined
          ? await this.redis.xadd(key, '*', 'o', origin, 'u', toBuffer(update))
          : await this.redis.xadd(key, '*', 'o', origin, 'u', toBuffer(update), 'a', audit);
    } catch (err) {
      this.gaps.emit({ kind: 'append-failed', boardId, update });
      throw err;
    }
    return parseLogId(id as string);
  }

  async readAfter(boardId: string, after: LogId, limit = Infinity): Promise<LogEntry[]> {
    const key = boardKeys(this.prefix, boardId).log;
    const out: LogEntry[] = [];
    let start = `(${formatLogId(after)}`;
    while (out.length < limit) {
      const count = Math.min(READ_COUNT, limit - out.length);
      const page = (await this.redis.xrangeBuffer(key, start, '+', 'COUNT', count)) as RawEntry[];
      for (const raw of page) out.push(parseEntry(raw));
      if (page.length < count) break;
      start = `(${formatLogId(out[out.length - 1].id)}`;
    }
    return out;
  }

  follow(boardId: string, after: LogId, onEntries: (entries: LogEntry[]) => void): Subscription {
    const key = boardKeys(this.prefix, boardId).log;
    if (this.followers.has(key)) throw new Error(`board ${boardId} is already followed`);
    this.followers.set(key, { boardId, lastId: formatLogId(after), onEntries });
    this.refresh();
    return {
      close: () => {
        if (this.followers.delete(key)) this.refresh();
      },
    };
  }

  async trim(boardId: string, upTo: LogId): Promise<number> {
    const minId = formatLogId({ ms: upTo.ms, seq: upTo.seq + 1 });
    return this.redis.xtrim(boardKeys(this.prefix, boardId).log, 'MINID', minId);
  }

  async length(boardId: string): Promise<number> {
    return this.redis.xlen(boardKeys(this.prefix, boardId).log);
  }

  async now(): Promise<number> {
    const [seconds, micros] = await this.redis.time();
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  onGap(listener: (gap: LogGap) => void): () => void {
    return this.gaps.add(listener);
  }

  /** Reads the epoch; tells the gap listeners when it changed. Runs one at a time; a call meanwhile runs it once more. */
  checkEpoch(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.epochCheck) {
      this.epochCheckAgain = true;
      return this.epochCheck;
    }
    this.epochCheck = (async () => {
      do {
        this.epochCheckAgain = false;
        try {
          await this.readEpoch();
        } catch (err) {
          if (!this.closed) this.logger.warn({ err }, 'could not check the Redis epoch; will retry');
        }
      } while (this.epochCheckAgain && !this.closed);
    })().finally(() => (this.epochCheck = undefined));
    return this.epochCheck;
  }

  private async readEpoch(): Promise<void> {
    const key = epochKey(this.prefix);
    let current = await this.redis.get(key);
    if (current === null) {
      await this.redis.set(key, randomUUID(), 'NX');
      current = await this.redis.get(key);
      if (current === null) return;
    }
    if (this.epoch === undefined || this.epoch === current) {
      this.epoch = current;
      return;
    }
    this.logger.error(
      { previous: this.epoch, epoch: current },
      'Redis lost its data (the epoch changed): loaded boards are written again from memory',
    );
    this.epoch = current;
    this.gaps.emit({ kind: 'data-lost' });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.epochTimer);
    this.wake?.();
    this.reader.disconnect();
    await this.loopDone;
  }

  /** Makes the reader pick up a changed set of streams now rather than after its block times out. */
  private refresh(): void {
    this.generation += 1;
    this.wake?.();
    void this.interrupt(this.generation);
  }

  private async interrupt(generation: number): Promise<void> {
    // The blocked XREAD may not have reached Redis yet; retry briefly until it has been unblocked.
    for (let attempt = 0; attempt < 50 && !this.closed; attempt++) {
      if (this.inflightGeneration < 0 || this.inflightGeneration >= generation) return;
      if (this.readerId !== undefined) {
        try {
          const unblocked = await this.redis.client('UNBLOCK', this.readerId);
          if (unblocked === 1) return;
        } catch (err) {
          this.logger.warn({ err }, 'could not interrupt the stream reader');
          return;
        }
      }
      await sleep(2);
    }
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (!this.closed) {
      if (this.followers.size === 0) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
        continue;
      }
      failures = await this.readOnce(failures);
    }
  }

  /**
   * One blocking read of every followed stream, its entries handed to their followers; returns
   * the failures in a row. A method of its own so that nothing of a read (followers, entries)
   * stays reachable from the loop while it waits: a board's document must be collectable once
   * it is unloaded (seen in a heap snapshot: the last board read was kept alive by the loop).
   */
  private async readOnce(failures: number): Promise<number> {
    const keys = [...this.followers.keys()];
    const issued = keys.map((key) => this.followers.get(key)!);
    const ids = issued.map((follower) => follower.lastId);
    let result: Array<[Buffer, RawEntry[]]> | null;
    try {
      if (this.readerId === undefined) this.readerId = Number(await this.reader.client('ID'));
      this.inflightGeneration = this.generation;
      result = (await this.reader.xreadBuffer(
        'COUNT',
        READ_COUNT,
        'BLOCK',
        BLOCK_MS,
        'STREAMS',
        ...keys,
        ...ids,
      )) as Array<[Buffer, RawEntry[]]> | null;
    } catch (err) {
      if (this.closed) return failures;
      if (!isUnblockError(err)) {
        this.logger.warn({ err, failures: failures + 1 }, 'stream read failed; retrying');
        await sleep(Math.min(1000, 50 * 2 ** (failures + 1)));
      }
      return failures + 1;
    } finally {
      this.inflightGeneration = -1;
    }
    if (!result) return 0;
    const now = Date.now();
    for (const [keyBuffer, rawEntries] of result) {
      const key = keyBuffer.toString();
      const follower = this.followers.get(key);
      // A board followed anew while the read was out (from another id) reads on from its own id.
      if (!follower || follower !== issued[keys.indexOf(key)] || rawEntries.length === 0) continue;
      const entries = rawEntries.map(parseEntry);
      follower.lastId = formatLogId(entries[entries.length - 1].id);
      this.onLag?.(Math.max(0, now - entries[0].id.ms));
      try {
        follower.onEntries(entries);
      } catch (err) {
        this.logger.error({ err, boardId: follower.boardId }, 'update log follower failed');
      }
    }
    return 0;
  }
}

function parseEntry([id, fields]: RawEntry): LogEntry {
  let update: Uint8Array = new Uint8Array(0);
  let origin = '';
  let audit: string | undefined;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const name = fields[i].toString();
    if (name === 'u') update = new Uint8Array(fields[i + 1].buffer, fields[i + 1].byteOffset, fields[i + 1].byteLength);
    else if (name === 'o') origin = fields[i + 1].toString();
    else if (name === 'a') audit = fields[i + 1].toString();
  }
  return audit === undefined
    ? { id: parseLogId(id.toString()), update, origin }
    : { id: parseLogId(id.toString()), update, origin, audit };
}

function isUnblockError(err: unknown): boolean {
  return err instanceof Error && err.message.includes('UNBLOCKED');
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
