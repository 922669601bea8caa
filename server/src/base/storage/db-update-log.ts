import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Db } from '../db';
import { LogId } from './log-id';
import { GapListeners, LogEntry, LogGap, Subscription, UpdateLog } from './update-log';

interface Follower {
  last: LogId;
  onEntries: (entries: LogEntry[]) => void;
  reading: boolean;
  again: boolean;
}

/**
 * Embedded update log: a table in the (PGlite or PostgreSQL) database, so an acked update
 * survives a crash without Redis. Fan-out is in process, so it serves one instance only.
 * Ids are `<seq>-0`.
 */
export class DbUpdateLog implements UpdateLog {
  readonly kind = 'database' as const;
  private readonly followers = new Map<string, Follower>();
  private readonly gaps = new GapListeners();

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
  ) {}

  async append(boardId: string, update: Uint8Array, origin: string, audit?: string): Promise<LogId> {
    let row;
    try {
      row = await this.db
        .insertInto('update_log')
        .values({ board_id: boardId, data: update, origin, audit: audit ?? null })
        .returning('seq')
        .executeTakeFirstOrThrow();
    } catch (err) {
      this.gaps.emit({ kind: 'append-failed', boardId, update });
      throw err;
    }
    const id = { ms: Number(row.seq), seq: 0 };
    const follower = this.followers.get(boardId);
    if (follower) void this.deliver(boardId, follower);
    return id;
  }

  async readAfter(boardId: string, after: LogId, limit?: number): Promise<LogEntry[]> {
    let query = this.db
      .selectFrom('update_log')
      .select(['seq', 'data', 'origin', 'audit'])
      .where('board_id', '=', boardId)
      .where('seq', '>', after.ms)
      .orderBy('seq');
    if (limit !== undefined && Number.isFinite(limit)) query = query.limit(limit);
    const rows = await query.execute();
    return rows.map((row) => {
      const entry: LogEntry = { id: { ms: Number(row.seq), seq: 0 }, update: row.data, origin: row.origin };
      if (row.audit !== null) entry.audit = row.audit;
      return entry;
    });
  }

  follow(boardId: string, after: LogId, onEntries: (entries: LogEntry[]) => void): Subscription {
    if (this.followers.has(boardId)) throw new Error(`board ${boardId} is already followed`);
    const follower: Follower = { last: after, onEntries, reading: false, again: false };
    this.followers.set(boardId, follower);
    return { close: () => this.followers.get(boardId) === follower && this.followers.delete(boardId) };
  }

  async trim(boardId: string, upTo: LogId): Promise<number> {
    const result = await this.db
      .deleteFrom('update_log')
      .where('board_id', '=', boardId)
      .where('seq', '<=', upTo.ms)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async length(boardId: string): Promise<number> {
    const row = await this.db
      .selectFrom('update_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('board_id', '=', boardId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async now(): Promise<number> {
    return Date.now();
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  onGap(listener: (gap: LogGap) => void): () => void {
    return this.gaps.add(listener);
  }

  async close(): Promise<void> {
    this.followers.clear();
  }

  /** Reads on from the follower's last id; concurrent appends coalesce into one more read. */
  private async deliver(boardId: string, follower: Follower): Promise<void> {
    if (follower.reading) {
      follower.again = true;
      return;
    }
    follower.reading = true;
    try {
      do {
        follower.again = false;
        const entries = await this.readAfter(boardId, follower.last);
        if (entries.length === 0) continue;
        follower.last = entries[entries.length - 1].id;
        if (this.followers.get(boardId) === follower) follower.onEntries(entries);
      } while (follower.again);
    } catch (err) {
      this.logger.error({ err, boardId }, 'embedded update log delivery failed');
    } finally {
      follower.reading = false;
    }
  }
}
