import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import * as Y from 'yjs';
import { APP_CONFIG, AppConfig } from '../../base/config';
import { ROOT_LOGGER } from '../../base/logging';
import { MetricsService } from '../../base/metrics';
import {
  BOARD_LOCKS,
  BoardLocks,
  BoardStoreService,
  LoadedBoard,
  SnapshotRepository,
  UPDATE_LOG,
  UpdateLog,
} from '../sync';
import { boardRows, todayInShanghai } from './project-board';
import { projectStoredBoard } from './project-stored-board';
import { ReadModelRepository } from './readmodel.repository';
import { withLease } from './with-lease';

/** A loaded board's projection state on this instance. */
interface Projection {
  board: LoadedBoard;
  /** When the earliest change that no projection has started from yet came in. */
  dirtySince: number | undefined;
  /** When the earliest change that is not committed to the read model yet came in. */
  lagSince: number | undefined;
  timer: NodeJS.Timeout | undefined;
  running: Promise<void> | undefined;
  /** Failures in a row; retries back off with them. */
  failures: number;
}

type Outcome = 'written' | 'unchanged' | 'busy';

const MAX_RETRY_MS = 60_000;

/**
 * Keeps the read model a few seconds behind the boards this instance has loaded (DESIGN.md §4).
 * A change to a loaded board, local or from the log, schedules its projection once the board has
 * been quiet for PROJECTION_DEBOUNCE_MS, and at least every PROJECTION_MAX_WAIT_MS under constant
 * edits; a board leaving memory is projected at once if it has changes not projected yet.
 *
 * One projection of a board runs at a time on an instance, and one across instances: it takes the
 * board's projection lease, and when another instance holds it, tries again later. What it
 * writes replaces the board's rows in one transaction that never goes back to an older state
 * (ReadModelRepository.replaceBoard), so projecting twice, or late, is harmless. A failure is
 * logged, counted and retried with backoff; nothing here throws into the sync path.
 *
 * At start, boards that have no rows at all (seeded, or stored before the read model existed) are
 * projected from storage in the background, so that dashboards never miss a board nobody opened.
 */
@Injectable()
export class ProjectorService implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger: Logger;
  private readonly projections = new Map<string, Projection>();
  private closing = false;
  private catchingUp: Promise<void> | undefined;

  constructor(
    private readonly store: BoardStoreService,
    private readonly repository: ReadModelRepository,
    private readonly snapshots: SnapshotRepository,
    @Inject(UPDATE_LOG) private readonly log: UpdateLog,
    @Inject(BOARD_LOCKS) private readonly locks: BoardLocks,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) root: Logger,
  ) {
    this.logger = root.child({ context: ProjectorService.name });
  }

  onModuleInit(): void {
    this.store.watch({ onChanged: (board) => this.changed(board), onUnloading: (board) => this.flush(board) });
    this.metrics.trackProjectionLag(() => this.lagSeconds());
  }

  onApplicationBootstrap(): void {
    this.catchingUp = this.catchUp();
  }

  /**
   * Writes what is pending now instead of waiting. Runs before the board store's own shutdown
   * (Nest destroys modules in reverse order), whose unloads flush once more, finding nothing.
   */
  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    await this.catchingUp;
    for (const projection of [...this.projections.values()]) await this.flush(projection.board);
  }

  /** Projects the board now if it has changes not in the read model; resolves when they are (or failed). */
  async flush(board: LoadedBoard): Promise<void> {
    const projection = this.projections.get(board.id);
    if (!projection || projection.board !== board) return;
    if (projection.timer) clearTimeout(projection.timer);
    projection.timer = undefined;
    if (projection.running) await projection.running;
    if (projection.dirtySince !== undefined) await this.start(projection, { reschedule: false });
    if (projection.timer) clearTimeout(projection.timer);
    if (this.projections.get(board.id) === projection) this.projections.delete(board.id);
  }

  /** Seconds since the oldest change on this instance that the read model does not have yet. */
  lagSeconds(now = Date.now()): number {
    let oldest = now;
    for (const projection of this.projections.values()) {
      if (projection.lagSince !== undefined && projection.lagSince < oldest) oldest = projection.lagSince;
    }
    return (now - oldest) / 1000;
  }

  /** Projects from storage every board without rows; a board another instance is projecting is left to it. */
  private async catchUp(): Promise<void> {
    let boardIds: string[];
    try {
      boardIds = await this.repository.unprojectedBoardIds();
    } catch (err) {
      this.logger.warn({ err }, 'could not list the boards the read model lacks; they are projected when loaded');
      return;
    }
    const deps = {
      repository: this.repository,
      snapshots: this.snapshots,
      log: this.log,
      locks: this.locks,
      leaseMs: this.config.LOCK_LEASE_MS,
    };
    for (const boardId of boardIds) {
      if (this.closing) return;
      // A loaded board is projected through its changes.
      if (this.store.get(boardId)) continue;
      try {
        const started = process.hrtime.bigint();
        const today = todayInShanghai(new Date());
        const outcome = await projectStoredBoard(deps, boardId, { force: false, leaseWaitMs: 0, today });
        if (outcome !== 'busy')
          this.metrics.projectionDuration.observe(Number(process.hrtime.bigint() - started) / 1e9);
      } catch (err) {
        this.metrics.projectionFailures.inc();
        this.logger.warn({ err, boardId }, 'projecting a board without rows failed; it is projected when loaded');
      }
    }
    if (boardIds.length > 0) this.logger.info({ boards: boardIds.length }, 'boards without read-model rows projected');
  }

  private changed(board: LoadedBoard): void {
    let projection = this.projections.get(board.id);
    if (projection?.board !== board) {
      // First change, or the board was unloaded and loaded again.
      if (projection?.timer) clearTimeout(projection.timer);
      projection = {
        board,
        dirtySince: undefined,
        lagSince: undefined,
        timer: undefined,
        running: undefined,
        failures: 0,
      };
      this.projections.set(board.id, projection);
    }
    const now = Date.now();
    projection.dirtySince ??= now;
    projection.lagSince ??= now;
    // While one runs, its end schedules the next; after a failure, the backoff timer stands.
    if (!projection.running && projection.failures === 0) this.schedule(projection);
  }

  /** Debounced: PROJECTION_DEBOUNCE_MS after the last change, but no later than PROJECTION_MAX_WAIT_MS after the first. */
  private schedule(projection: Projection, delayMs?: number): void {
    if (this.closing) return;
    if (projection.timer) clearTimeout(projection.timer);
    const now = Date.now();
    const { PROJECTION_DEBOUNCE_MS: debounce, PROJECTION_MAX_WAIT_MS: maxWait } = this.config;
    const wait = delayMs ?? Math.max(0, Math.min(debounce, (projection.dirtySince ?? now) + maxWait - now));
    projection.timer = setTimeout(() => {
      projection.timer = undefined;
      if (this.projections.get(projection.board.id) !== projection) return;
      if (this.store.get(projection.board.id) !== projection.board) {
        // Unloaded meanwhile; its unload flushed it.
        this.projections.delete(projection.board.id);
        return;
      }
      void this.start(projection, { reschedule: true });
    }, wait);
    projection.timer.unref();
  }

  private start(projection: Projection, options: { reschedule: boolean }): Promise<void> {
    projection.running ??= this.run(projection).then((retryInMs) => {
      projection.running = undefined;
      const current = this.projections.get(projection.board.id) === projection;
      if (options.reschedule && current && projection.dirtySince !== undefined) this.schedule(projection, retryInMs);
    });
    return projection.running;
  }

  /** One attempt; resolves with the delay before a retry when it must be retried. */
  private async run(projection: Projection): Promise<number | undefined> {
    const { board } = projection;
    projection.dirtySince = undefined;
    try {
      const outcome = await this.project(board);
      if (outcome === 'busy') {
        projection.dirtySince = projection.lagSince;
        return Math.max(100, this.config.PROJECTION_DEBOUNCE_MS);
      }
      projection.failures = 0;
      // Changes that came in while it ran are still to be projected.
      projection.lagSince = projection.dirtySince;
      return undefined;
    } catch (err) {
      projection.failures += 1;
      projection.dirtySince = projection.lagSince;
      this.metrics.projectionFailures.inc();
      const retryInMs = Math.min(MAX_RETRY_MS, 1000 * 2 ** Math.min(projection.failures - 1, 6));
      this.logger.error(
        { err, boardId: board.id, failures: projection.failures, retryInMs },
        'projection failed; will retry',
      );
      return retryInMs;
    }
  }

  /**
   * Under the board's projection lease: the rows of the document as it is now, written unless
   * the read model already has this state or a later one. The document stays readable throughout:
   * an unload waits for a running projection before it destroys the board.
   */
  private async project(board: LoadedBoard): Promise<Outcome> {
    const lease = await this.locks.tryAcquire(board.id, this.config.LOCK_LEASE_MS, 'projection');
    if (!lease) return 'busy';
    return withLease(
      lease,
      this.config.LOCK_LEASE_MS,
      async (): Promise<Outcome> => {
        const started = process.hrtime.bigint();
        const rows = boardRows(board.id, board.doc, todayInShanghai(new Date()));
        const source = { logId: { ...board.lastLogId }, stateVector: Y.encodeStateVector(board.doc) };
        const written = await this.repository.replaceBoard(rows, source);
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        this.metrics.projectionDuration.observe(seconds);
        this.logger.debug({ boardId: board.id, written, projects: rows.projects.length, seconds }, 'board projected');
        return written ? 'written' : 'unchanged';
      },
      (err, what) => this.logger.warn({ err, boardId: board.id }, `projection lease ${what} failed`),
    );
  }
}
