import { Inject, Injectable, Optional } from '@nestjs/common';
import { sql, Transaction } from 'kysely';
import { Database, DB, Db } from '../../base/db';
import { LogId } from '../../base/storage';
import { createHash } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { snapshotChecksum } from './snapshot-checksum';

/** Snapshots are read in chunks of this many bytes (see SnapshotRepository.get). */
export const SNAPSHOT_CHUNK_BYTES = 1024 * 1024;

/**
 * Big snapshots this instance read or wrote last are kept, up to this many bytes in all: a
 * compaction that finds the snapshot it wrote itself (matched by the stored SHA-256) does not read
 * it again. s4 compacts a 10 MB board every second: each read was 20 MB of hex text on the heap
 * and the long garbage-collection pauses that follow.
 */
export const SNAPSHOT_CACHE_BYTES = 64 * 1024 * 1024;
export const SNAPSHOT_CACHE = Symbol('SNAPSHOT_CACHE_BYTES');

/** Snapshot states by board, each with its SHA-256, least recently used dropped first. */
class SnapshotCache {
  private readonly entries = new Map<string, { sha256: string; state: Uint8Array }>();
  private bytes = 0;

  constructor(private readonly budget: number) {}

  get(boardId: string, sha256: string): Uint8Array | undefined {
    const entry = this.entries.get(boardId);
    if (!entry || entry.sha256 !== sha256) return undefined;
    this.entries.delete(boardId);
    this.entries.set(boardId, entry);
    return entry.state;
  }

  put(boardId: string, sha256: string, state: Uint8Array): void {
    this.drop(boardId);
    // Small ones come with the first query anyway.
    if (state.byteLength <= SNAPSHOT_CHUNK_BYTES || state.byteLength > this.budget) return;
    this.entries.set(boardId, { sha256, state });
    this.bytes += state.byteLength;
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.budget) break;
      this.entries.delete(oldest);
      this.bytes -= entry.state.byteLength;
    }
  }

  private drop(boardId: string): void {
    const entry = this.entries.get(boardId);
    if (!entry) return;
    this.entries.delete(boardId);
    this.bytes -= entry.state.byteLength;
  }
}

export class CorruptSnapshotError extends Error {
  constructor(readonly boardId: string) {
    super(`the stored snapshot of board ${boardId} does not match its checksum`);
    this.name = 'CorruptSnapshotError';
  }
}

export interface StoredSnapshot {
  state: Uint8Array;
  logId: LogId;
  /** The state's SHA-256 (hex): as stored, from `get`; computed when absent, by `save`. */
  sha256?: string;
}

@Injectable()
export class SnapshotRepository {
  private readonly cache: SnapshotCache;

  constructor(
    @Inject(DB) private readonly db: Db,
    @Optional() @Inject(SNAPSHOT_CACHE) cacheBytes: number = SNAPSHOT_CACHE_BYTES,
  ) {
    this.cache = new SnapshotCache(cacheBytes);
  }

  /**
   * The board's snapshot, checked against its checksum. A big one is read in chunks of
   * SNAPSHOT_CHUNK_BYTES, each a query of its own with the event loop free in between (parsing a
   * 10 MB bytea in one piece holds it for a tenth of a second), and hashed as it comes; the
   * chunks are read only from the row version whose checksum was read first, and the read starts
   * over if that row is replaced meanwhile. The state this instance last read or wrote for the
   * board is used again while the stored checksum is still its own (SNAPSHOT_CACHE_BYTES); the
   * returned state is shared and must not be changed.
   */
  async get(boardId: string): Promise<StoredSnapshot | null> {
    for (let attempt = 0; ; attempt++) {
      const row = await this.db
        .selectFrom('board_snapshots')
        .select([
          'state_sha256',
          'log_ms',
          'log_seq',
          sql<number>`octet_length(state)`.as('bytes'),
          // A small state comes with the first query.
          sql<Uint8Array | null>`case when octet_length(state) <= ${SNAPSHOT_CHUNK_BYTES}::int then state end`.as(
            'small',
          ),
        ])
        .where('board_id', '=', boardId)
        .executeTakeFirst();
      if (!row) return null;
      const bytes = Number(row.bytes);
      const cached = row.small ? undefined : this.cache.get(boardId, row.state_sha256);
      if (cached && cached.byteLength === bytes)
        return { state: cached, logId: { ms: Number(row.log_ms), seq: Number(row.log_seq) }, sha256: row.state_sha256 };
      const state = row.small
        ? { bytes: row.small, sha256: snapshotChecksum(row.small) }
        : await this.readState(boardId, row.state_sha256, bytes);
      if (!state) {
        // Replaced while it was being read: read the new one.
        if (attempt < 5) continue;
        throw new Error(`the snapshot of board ${boardId} kept changing while it was read`);
      }
      if (state.sha256 !== row.state_sha256) throw new CorruptSnapshotError(boardId);
      this.cache.put(boardId, state.sha256, state.bytes);
      return {
        state: state.bytes,
        logId: { ms: Number(row.log_ms), seq: Number(row.log_seq) },
        sha256: row.state_sha256,
      };
    }
  }

  /** The state of the row version with this checksum, and the SHA-256 of what was read; null if the row changed. */
  private async readState(
    boardId: string,
    expectedSha256: string,
    bytes: number,
  ): Promise<{ bytes: Uint8Array; sha256: string } | null> {
    const hash = createHash('sha256');
    const chunks: Uint8Array[] = [];
    for (let offset = 0; offset < bytes; offset += SNAPSHOT_CHUNK_BYTES) {
      if (offset > 0) await nextTurn();
      const chunk = await this.db
        .selectFrom('board_snapshots')
        .select(sql<Uint8Array>`substring(state from ${offset + 1}::int for ${SNAPSHOT_CHUNK_BYTES}::int)`.as('part'))
        .where('board_id', '=', boardId)
        .where('state_sha256', '=', expectedSha256)
        .executeTakeFirst();
      if (!chunk) return null;
      hash.update(chunk.part);
      chunks.push(chunk.part);
    }
    const state = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
    if (state.byteLength !== bytes) return null;
    return { bytes: state, sha256: hash.digest('hex') };
  }

  /** The log id each board's snapshot reaches, without reading the states. */
  async logIds(boardIds: string[]): Promise<Map<string, LogId>> {
    if (boardIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('board_snapshots')
      .select(['board_id', 'log_ms', 'log_seq'])
      .where('board_id', 'in', boardIds)
      .execute();
    return new Map(rows.map((row) => [row.board_id, { ms: Number(row.log_ms), seq: Number(row.log_seq) }]));
  }

  /**
   * Writes the snapshot unless a newer one (a later log id) is already stored, and a history row
   * when the last one is older than `historyEveryMs`, and whatever `alsoWrite` writes, in one
   * transaction. True when written.
   *
   * With `basedOn` (what the new snapshot was merged from: the stored snapshot as read, or null
   * for none), it is written only if that is still what is stored: a snapshot is only ever
   * replaced by one made from it, so two writers that read different snapshots (after locks were
   * lost with Redis' data) cannot drop what the other merged.
   */
  async save(
    boardId: string,
    snapshot: StoredSnapshot,
    historyEveryMs: number,
    alsoWrite?: (trx: Transaction<Database>) => Promise<void>,
    basedOn?: StoredSnapshot | null,
  ): Promise<boolean> {
    const { ms, seq } = snapshot.logId;
    const checksum = snapshot.sha256 ?? snapshotChecksum(snapshot.state);
    const newer = sql<boolean>`(board_snapshots.log_ms, board_snapshots.log_seq) < (${ms}::bigint, ${seq}::bigint)`;
    const unchanged =
      basedOn === undefined
        ? sql<boolean>`true`
        : basedOn === null
          ? sql<boolean>`false`
          : sql<boolean>`board_snapshots.log_ms = ${basedOn.logId.ms}::bigint and board_snapshots.log_seq = ${basedOn.logId.seq}::bigint and board_snapshots.state_sha256 = ${basedOn.sha256 ?? snapshotChecksum(basedOn.state)}`;
    const written = await this.db.transaction().execute(async (trx) => {
      const result = await trx
        .insertInto('board_snapshots')
        .values({ board_id: boardId, state: snapshot.state, state_sha256: checksum, log_ms: ms, log_seq: seq })
        .onConflict((oc) =>
          oc
            .column('board_id')
            .doUpdateSet({
              // The state once in the statement, not twice: pg copies every parameter into the
              // message it sends (10 MB each for a big board), and the copies are external memory
              // whose growth starts a full garbage collection on the event loop's heap.
              state: sql`excluded.state`,
              state_sha256: checksum,
              log_ms: ms,
              log_seq: seq,
              updated_at: sql`now()`,
            })
            .where(sql<boolean>`${newer} and ${unchanged}`),
        )
        .executeTakeFirst();
      const written = Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
      if (!written) return false;
      const last = await trx
        .selectFrom('board_history')
        .select('created_at')
        .where('board_id', '=', boardId)
        .orderBy('created_at', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (!last || Date.now() - new Date(last.created_at).getTime() >= historyEveryMs) {
        // Copied from the row just written rather than sent again.
        await trx
          .insertInto('board_history')
          .columns(['board_id', 'state', 'log_ms', 'log_seq'])
          .expression(
            trx
              .selectFrom('board_snapshots')
              .select(['board_id', 'state', 'log_ms', 'log_seq'])
              .where('board_id', '=', boardId),
          )
          .execute();
      }
      await alsoWrite?.(trx);
      return true;
    });
    // Content-addressed: used again only while the stored checksum is this one.
    if (written) this.cache.put(boardId, checksum, snapshot.state);
    return written;
  }
}
