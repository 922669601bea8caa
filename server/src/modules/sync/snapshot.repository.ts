import { Inject, Injectable } from '@nestjs/common';
import { sql, Transaction } from 'kysely';
import { Database, DB, Db } from '../../base/db';
import { LogId } from '../../base/storage';
import { createHash } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { snapshotChecksum } from './snapshot-checksum';

/** Snapshots are read in chunks of this many bytes (see SnapshotRepository.get). */
export const SNAPSHOT_CHUNK_BYTES = 1024 * 1024;

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
  constructor(@Inject(DB) private readonly db: Db) {}

  /**
   * The board's snapshot, checked against its checksum. A big one is read in chunks of
   * SNAPSHOT_CHUNK_BYTES, each a query of its own with the event loop free in between (parsing a
   * 10 MB bytea in one piece holds it for a tenth of a second), and hashed as it comes; the
   * chunks are read only from the row version whose checksum was read first, and the read starts
   * over if that row is replaced meanwhile.
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
      const state = row.small
        ? { bytes: row.small, sha256: snapshotChecksum(row.small) }
        : await this.readState(boardId, row.state_sha256, bytes);
      if (!state) {
        // Replaced while it was being read: read the new one.
        if (attempt < 5) continue;
        throw new Error(`the snapshot of board ${boardId} kept changing while it was read`);
      }
      if (state.sha256 !== row.state_sha256) throw new CorruptSnapshotError(boardId);
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
    return this.db.transaction().execute(async (trx) => {
      const result = await trx
        .insertInto('board_snapshots')
        .values({ board_id: boardId, state: snapshot.state, state_sha256: checksum, log_ms: ms, log_seq: seq })
        .onConflict((oc) =>
          oc
            .column('board_id')
            .doUpdateSet({
              state: snapshot.state,
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
        await trx
          .insertInto('board_history')
          .values({ board_id: boardId, state: snapshot.state, log_ms: ms, log_seq: seq })
          .execute();
      }
      await alsoWrite?.(trx);
      return true;
    });
  }
}
