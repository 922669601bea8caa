import { type BoardMetaData, readMeta } from '@gongjian/shared';
import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import * as Y from 'yjs';
import { APP_CONFIG, AppConfig } from '../../base/config';
import { ROOT_LOGGER } from '../../base/logging';
import { MetricsService } from '../../base/metrics';
import { compareLogIds } from '../../base/storage';
import {
  BOARD_LOCKS,
  BoardLocks,
  BoardStoreService,
  LoadedBoard,
  SnapshotRepository,
  UPDATE_LOG,
  UpdateLog,
} from '../sync';
import { BoardChanges } from './board-changes';
import { deriveProjectRows, Slices } from './derive-rows';
import { asOfDate, boardRow, todayInShanghai } from './project-board';
import { projectStoredBoard } from './project-stored-board';
import { ProjectionSource, ReadModelRepository, StoredSource } from './readmodel.repository';
import { withLease } from './with-lease';

/**
 * What this instance wrote last for a board: kept while it may still be the board's rows, dropped
 * after a failure or when a projection of this instance found the rows written by another.
 */
interface Written {
  /** The id it wrote them under (rm_boards.projection_id). */
  projectionId: string;
  asOf: string;
  /** What every project's rows depend on beyond the project itself. */
  regionId: string | null;
  criteria: string;
  /**
   * Keys of the projects that have rows, each under its key; null when some project's id differs
   * from its key (only in a document that breaks the schema): such a board is always projected whole.
   */
  projectKeys: Set<string> | null;
}

/** A loaded board's projection state on this instance. */
interface Projection {
  board: LoadedBoard;
  /** Projects changed since the last projection took them. */
  changes: BoardChanges;
  written: Written | undefined;
  /** Set while this instance leaves its changes to another that keeps projecting the board: its state then, and when. */
  deferred: { source: ProjectionSource; at: number } | undefined;
  /** When the earliest change that no projection has started from yet came in. */
  dirtySince: number | undefined;
  /** When the earliest change that is not committed to the read model yet came in. */
  lagSince: number | undefined;
  timer: NodeJS.Timeout | undefined;
  running: Promise<void> | undefined;
  /** Failures in a row; retries back off with them. */
  failures: number;
}

type Outcome = 'full' | 'incremental' | 'unchanged' | 'covered' | 'deferred' | 'busy';

const MAX_RETRY_MS = 60_000;

/**
 * Keeps the read model a few seconds behind the boards this instance has loaded (DESIGN.md §4).
 * A change to a loaded board, local or from the log, schedules its projection once the board has
 * been quiet for PROJECTION_DEBOUNCE_MS, and at least every PROJECTION_MAX_WAIT_MS under constant
 * edits; a board leaving memory is projected at once if it has changes not projected yet.
 *
 * One projection of a board runs at a time on an instance, and one across instances: it takes the
 * board's projection lease, and when another instance holds it, tries again later. A failure is
 * logged, counted and retried with backoff; nothing here throws into the sync path.
 *
 * **Full or incremental.** While the board's rows are still those this instance wrote last
 * (rm_boards.projection_id says so; checked by the write's first statement, which also locks the
 * row), on the same day and with the same region and rubric, a projection derives and rewrites
 * only the projects changed since (BoardChanges) plus the board row. Otherwise — the first
 * projection after a load, after a failure, after another writer, on a new day, after `meta`
 * changed the region or the rubric, or on a board whose project ids differ from their keys — it
 * derives every project and replaces all the rows, never going back to an older state
 * (ReadModelRepository.replaceBoard).
 *
 * **Slices, and which state the rows are of.** Rows are derived in slices of about SLICE_MS with
 * a turn of the event loop between them, so a big board never holds up sync messages for long;
 * the document may change in between. The rule that keeps this right: the source recorded with
 * the rows (log id and state vector) is the document's state *before the first slice*, and every
 * row is derived from that state or a later one (each project read whole within one slice). A
 * project changed after the projection took its changes is in BoardChanges again, so this
 * instance's next projection rewrites it; and rows newer than their recorded source are only ever
 * rewritten by a later state, never mistaken for an older one.
 *
 * **Several instances with the board loaded.** Each sees every change (through the log), but
 * one projecting it is enough. An instance that has not written the rows itself first reads the
 * stored source (no lease, nothing derived): when it already covers this instance's state
 * (log id at or after, state vector containing), there is nothing to do; when another projection
 * wrote it within DEFER_MAX_WAITS × PROJECTION_MAX_WAIT_MS, this instance leaves its changes to
 * that one and looks again after as long — and projects the whole board itself if the stored
 * source has not come to cover the state it had when it left them (the other stopped, or lags).
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
    if (projection.dirtySince !== undefined) await this.start(projection, { final: true });
    if (projection.timer) clearTimeout(projection.timer);
    if (this.projections.get(board.id) === projection) this.drop(projection);
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
      // First change (the load), or the board was unloaded and loaded again.
      if (projection) this.drop(projection);
      projection = {
        board,
        changes: new BoardChanges(board.doc),
        written: undefined,
        deferred: undefined,
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
    // While one runs, its end schedules the next; after a failure or a deferral, its timer stands.
    if (!projection.running && projection.failures === 0 && !projection.deferred) this.schedule(projection);
  }

  private drop(projection: Projection): void {
    if (projection.timer) clearTimeout(projection.timer);
    projection.changes.stop();
    if (this.projections.get(projection.board.id) === projection) this.projections.delete(projection.board.id);
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
        this.drop(projection);
        return;
      }
      void this.start(projection, { final: false });
    }, wait);
    projection.timer.unref();
  }

  /** `final`: the board is leaving memory (or the server stopping): project now, leave nothing to later. */
  private start(projection: Projection, options: { final: boolean }): Promise<void> {
    projection.running ??= this.run(projection, options.final).then((retryInMs) => {
      projection.running = undefined;
      const current = this.projections.get(projection.board.id) === projection;
      if (!options.final && current && projection.dirtySince !== undefined) this.schedule(projection, retryInMs);
    });
    return projection.running;
  }

  /** One attempt; resolves with the delay before the next one when it must be tried again. */
  private async run(projection: Projection, final: boolean): Promise<number | undefined> {
    const { board } = projection;
    projection.dirtySince = undefined;
    try {
      const outcome = await this.project(projection, final);
      this.metrics.projectionOutcomes.inc({ outcome });
      if (outcome === 'busy') {
        projection.dirtySince = projection.lagSince;
        return Math.max(100, this.config.PROJECTION_DEBOUNCE_MS);
      }
      if (outcome === 'deferred') {
        projection.dirtySince = projection.lagSince;
        return DEFER_MAX_WAITS * this.config.PROJECTION_MAX_WAIT_MS;
      }
      projection.deferred = undefined;
      projection.failures = 0;
      // Changes that came in while it ran are still to be projected.
      projection.lagSince = projection.dirtySince;
      return undefined;
    } catch (err) {
      projection.failures += 1;
      projection.written = undefined;
      projection.deferred = undefined;
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
   * One projection of the board as it is now (see the class comment). The document stays
   * readable throughout: an unload waits for a running projection before it destroys the board.
   */
  private async project(projection: Projection, final: boolean): Promise<Outcome> {
    const { board } = projection;
    const asOf = asOfDate(todayInShanghai(new Date()));
    if (!projection.written) {
      const left = await this.leaveToWriter(projection, asOf, final);
      if (left) return left;
    }
    const lease = await this.locks.tryAcquire(board.id, this.config.LOCK_LEASE_MS, 'projection');
    if (!lease) return 'busy';
    return withLease(
      lease,
      this.config.LOCK_LEASE_MS,
      async (): Promise<Outcome> => {
        const started = process.hrtime.bigint();
        const meta = readMeta(board.doc);
        const written = projection.written;
        const keys = written && written.asOf === asOf && sameInputs(written, meta) ? written.projectKeys : null;
        const result =
          (written && keys ? await this.writeChanged(projection, written, keys, meta, asOf) : undefined) ??
          (await this.writeAll(projection, meta, asOf));
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        this.metrics.projectionDuration.observe(seconds);
        this.logger.debug({ boardId: board.id, ...result, seconds }, 'board projected');
        return result.outcome;
      },
      (err, what) => this.logger.warn({ err, boardId: board.id }, `projection lease ${what} failed`),
    );
  }

  /**
   * Rewrites the rows of the projects changed since the last projection, and the board row;
   * undefined, writing nothing, when the rows are no longer this instance's or the board must be
   * projected whole.
   */
  private async writeChanged(
    projection: Projection,
    written: Written,
    writtenKeys: Set<string>,
    meta: BoardMetaData,
    asOf: string,
  ): Promise<{ outcome: Outcome; projects: number } | undefined> {
    const { board } = projection;
    const changed = projection.changes.take();
    // Before the first slice: see the class comment.
    const source = sourceOf(board);
    const derived = await deriveProjectRows(board.id, board.doc, changed, meta, asOf, new Slices());
    if (derived.irregular) return undefined;
    const projectKeys = new Set(writtenKeys);
    for (const key of changed) projectKeys.delete(key);
    for (const key of derived.keys) projectKeys.add(key);
    const projectionId = randomUUID();
    const change = {
      board: boardRow(board.id, meta, asOf, projectKeys.size),
      projectIds: [...changed],
      rows: derived.rows,
    };
    const ok = await this.repository.replaceProjects(change, source, { after: written.projectionId, projectionId });
    if (!ok) return undefined;
    projection.written = { ...written, projectionId, projectKeys };
    return { outcome: 'incremental', projects: changed.size };
  }

  /** Replaces every row of the board with those of the document as it is now. */
  private async writeAll(
    projection: Projection,
    meta: BoardMetaData,
    asOf: string,
  ): Promise<{ outcome: Outcome; projects: number }> {
    const { board } = projection;
    projection.written = undefined;
    // Every project is read from here on; only later changes are still to be projected after this.
    projection.changes.take();
    const source = sourceOf(board);
    const derived = await deriveProjectRows(board.id, board.doc, 'all', meta, asOf, new Slices());
    const projectionId = randomUUID();
    const rows = { board: boardRow(board.id, meta, asOf, derived.keys.length), ...derived.rows };
    const ok = await this.repository.replaceBoard(rows, source, { projectionId });
    if (ok) {
      projection.written = {
        projectionId,
        asOf,
        regionId: meta.regionId,
        criteria: JSON.stringify(meta.criteria),
        projectKeys: derived.irregular ? null : new Set(derived.keys),
      };
    }
    return { outcome: ok ? 'full' : 'unchanged', projects: derived.keys.length };
  }

  /**
   * For an instance that did not write the board's rows last: 'covered' when the stored rows
   * already have every change of this instance, 'deferred' when they are left to the projection
   * that keeps writing them; undefined when this instance must project the board itself.
   */
  private async leaveToWriter(projection: Projection, asOf: string, final: boolean): Promise<Outcome | undefined> {
    const { board } = projection;
    const stored = await this.repository.storedSource(board.id);
    if (!stored || stored.asOf !== asOf) return undefined;
    const source = sourceOf(board);
    if (covers(stored, source)) {
      // Nothing to derive; changes from now on are for a later projection, which is full.
      projection.changes.take();
      return 'covered';
    }
    const maxWait = DEFER_MAX_WAITS * this.config.PROJECTION_MAX_WAIT_MS;
    if (final || stored.projectionId === null || stored.ageMs > maxWait) return undefined;
    const previous = projection.deferred;
    if (previous) {
      // The writer had as long as a deferral to catch up with what this instance had then.
      if (!covers(stored, previous.source)) return undefined;
      projection.lagSince = previous.at;
    }
    projection.deferred = { source, at: Date.now() };
    return 'deferred';
  }
}

/**
 * How long, in PROJECTION_MAX_WAIT_MS, an instance leaves its changes to another that keeps
 * projecting the board before it looks again; and how recent that one's last write must be.
 */
const DEFER_MAX_WAITS = 2;

/** The document's state now: the last log entry applied and its state vector. */
function sourceOf(board: LoadedBoard): ProjectionSource {
  return { logId: { ...board.lastLogId }, stateVector: Y.encodeStateVector(board.doc) };
}

/** Whether what is stored was projected from `source` or a later state: log entry at or after it, every client's clock at least its. */
function covers(stored: StoredSource, source: ProjectionSource): boolean {
  if (compareLogIds(stored.logId, source.logId) < 0) return false;
  const have = Y.decodeStateVector(stored.stateVector);
  for (const [client, clock] of Y.decodeStateVector(source.stateVector)) {
    if ((have.get(client) ?? 0) < clock) return false;
  }
  return true;
}

/** Whether every project's rows would come out the same under `meta` as under what `written` was written with. */
function sameInputs(written: Written, meta: BoardMetaData): boolean {
  return written.regionId === meta.regionId && written.criteria === JSON.stringify(meta.criteria);
}
