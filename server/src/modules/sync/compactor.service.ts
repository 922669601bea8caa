import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { APP_CONFIG, AppConfig } from '../../base/config';
import { ROOT_LOGGER } from '../../base/logging';
import { MetricsService } from '../../base/metrics';
import { BOARD_LOCKS, BoardLocks, compareLogIds, LogEntry, LogId, UPDATE_LOG, UpdateLog } from '../../base/storage';
import { AuditRepository, AuditRow, auditFactsSchema } from '../audit';
import { DocWorkerService } from './doc-worker.service';
import { SnapshotRepository } from './snapshot.repository';

export interface CompactionResult {
  /** False when another instance holds the board's lock, or there was nothing to merge. */
  compacted: boolean;
  /** Log entries merged into the new snapshot. */
  merged: number;
  /** Entries removed from the log. */
  trimmed: number;
  snapshotBytes?: number;
}

/** Test hook: runs between the snapshot commit and the trim, where a crash is survivable. */
export type AfterSnapshotHook = (boardId: string, upTo: LogId) => Promise<void> | void;

/**
 * Merges a board's stored snapshot with its log entries into a new snapshot, under the board's
 * lock, then trims the log. Works from storage alone, never from a document in memory, so what
 * it writes is exactly snapshot + log up to an id.
 */
@Injectable()
export class CompactorService {
  private readonly logger: Logger;
  afterSnapshotHook: AfterSnapshotHook | undefined;

  constructor(
    @Inject(UPDATE_LOG) private readonly log: UpdateLog,
    @Inject(BOARD_LOCKS) private readonly locks: BoardLocks,
    private readonly snapshots: SnapshotRepository,
    private readonly audit: AuditRepository,
    private readonly docWorker: DocWorkerService,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) root: Logger,
  ) {
    this.logger = root.child({ context: CompactorService.name });
  }

  /** With `force`, compacts whatever is pending; otherwise only past COMPACT_AFTER_UPDATES entries. */
  async compact(boardId: string, options: { force?: boolean } = {}): Promise<CompactionResult> {
    const lease = await this.locks.tryAcquire(boardId, this.config.LOCK_LEASE_MS);
    if (!lease) return { compacted: false, merged: 0, trimmed: 0 };
    const started = process.hrtime.bigint();
    const renewal = setInterval(
      () => {
        lease.renew().catch((err) => this.logger.warn({ err, boardId }, 'lock renewal failed'));
      },
      Math.max(50, Math.floor(this.config.LOCK_LEASE_MS / 3)),
    );
    try {
      const snapshot = await this.snapshots.get(boardId);
      const base: LogId = snapshot?.logId ?? { ms: 0, seq: 0 };
      const entries = await this.log.readAfter(boardId, base);
      const due = options.force ? entries.length > 0 : entries.length >= this.config.COMPACT_AFTER_UPDATES;
      if (!due) {
        // Entries the last compaction kept for its grace period may be trimmed now.
        const trimmed = snapshot ? await this.trim(boardId, base) : 0;
        return { compacted: false, merged: 0, trimmed };
      }
      const upTo = entries[entries.length - 1].id;
      // In the worker for big boards: building and encoding the document is the long part.
      const { state, sha256 } = await this.docWorker.compact(
        snapshot?.state,
        entries.map((entry) => entry.update),
      );
      if (!(await lease.renew())) {
        this.logger.warn({ boardId }, 'compaction lock lost before writing; skipped');
        return { compacted: false, merged: 0, trimmed: 0 };
      }
      // Every merged update's audit row is written with the snapshot, whether or not the instance
      // that accepted it got to write it (rows are keyed by log id; a second write is a no-op).
      const auditRows = this.auditRows(boardId, entries);
      // Only over the snapshot it merged from (compare-and-set), whoever else holds or held the lock.
      const written = await this.snapshots.save(
        boardId,
        { state, sha256, logId: upTo },
        this.config.HISTORY_EVERY_MS,
        (trx) => this.audit.insert(auditRows, trx),
        snapshot,
      );
      if (!written) return { compacted: false, merged: 0, trimmed: 0 };
      await this.afterSnapshotHook?.(boardId, upTo);
      const trimmed = await this.trim(boardId, upTo);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.metrics.compactionDuration.observe(seconds);
      this.logger.debug(
        { boardId, merged: entries.length, trimmed, bytes: state.byteLength, seconds },
        'board compacted',
      );
      return { compacted: true, merged: entries.length, trimmed, snapshotBytes: state.byteLength };
    } finally {
      clearInterval(renewal);
      await lease.release().catch((err) => this.logger.warn({ err, boardId }, 'lock release failed'));
    }
  }

  private auditRows(boardId: string, entries: LogEntry[]): AuditRow[] {
    const rows: AuditRow[] = [];
    for (const entry of entries) {
      if (entry.audit === undefined) continue;
      let facts;
      try {
        facts = auditFactsSchema.parse(JSON.parse(entry.audit));
      } catch (err) {
        this.logger.warn({ err, boardId, logId: entry.id }, 'unreadable audit facts in a log entry');
        continue;
      }
      rows.push({ boardId, logId: entry.id, bytes: entry.update.byteLength, facts });
    }
    return rows;
  }

  /** Trims up to `upTo`, but on Redis keeps the last COMPACT_TRIM_GRACE_MS for instances that lag. */
  private async trim(boardId: string, upTo: LogId): Promise<number> {
    let limit = upTo;
    if (this.log.kind === 'redis' && this.config.COMPACT_TRIM_GRACE_MS > 0) {
      const horizon = { ms: (await this.log.now()) - this.config.COMPACT_TRIM_GRACE_MS, seq: 0 };
      if (compareLogIds(horizon, limit) < 0) limit = horizon;
    }
    return limit.ms > 0 || limit.seq > 0 ? this.log.trim(boardId, limit) : 0;
  }
}
