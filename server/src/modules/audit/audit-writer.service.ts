import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '../../base/logging';
import { AuditRepository, AuditRow } from './audit.repository';

const FLUSH_MS = 250;
const BATCH = 500;
/** Past this many unwritten rows (a long database outage) the newest wait for compaction, which writes them too. */
const MAX_QUEUED = 50_000;

/**
 * Writes the audit rows of the updates this instance accepted, in batches a moment later. The
 * same facts travel in each log entry and compaction writes them in the snapshot's transaction,
 * so a row this writer never got to (a crash, a database outage) is still written, once.
 */
@Injectable()
export class AuditWriterService implements OnModuleDestroy {
  private readonly logger: Logger;
  private queue: AuditRow[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly repository: AuditRepository,
    @Inject(ROOT_LOGGER) root: Logger,
  ) {
    this.logger = root.child({ context: AuditWriterService.name });
  }

  enqueue(row: AuditRow): void {
    if (this.queue.length >= MAX_QUEUED) return;
    this.queue.push(row);
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  /** Writes everything queued; resolves when done (failures are logged and retried later). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.flushing) await this.flushing;
    if (this.queue.length === 0) return;
    const batch = this.queue.splice(0, BATCH);
    this.flushing = this.repository
      .insert(batch)
      .catch((err: unknown) => {
        this.logger.warn({ err, rows: batch.length }, 'audit write failed; retrying');
        this.queue.unshift(...batch);
        this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS * 8);
      })
      .finally(() => {
        this.flushing = undefined;
      });
    await this.flushing;
    if (this.queue.length > 0 && !this.timer) this.timer = setTimeout(() => void this.flush(), 0);
  }

  async onModuleDestroy(): Promise<void> {
    await this.flush().catch(() => undefined);
    clearTimeout(this.timer);
  }
}
