import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { Counter } from 'prom-client';
import * as Y from 'yjs';
import { APP_CONFIG, AppConfig } from '../../base/config';
import { AppError } from '../../base/errors';
import { ROOT_LOGGER } from '../../base/logging';
import { MetricsService } from '../../base/metrics';
import { BoardsRepository } from '../boards';
import { CompactorService } from './compactor.service';
import { DocWorkerService } from './doc-worker.service';
import { FullState } from './full-state';
import { LoadedBoard } from './loaded-board';
import {
  AWARENESS_BUS,
  AwarenessBus,
  compareLogIds,
  LogEntry,
  LogGap,
  UPDATE_LOG,
  UpdateLog,
} from '../../base/storage';
import { loadStoredBoard, REMOTE_ORIGIN } from './load-board';
import { SnapshotRepository } from './snapshot.repository';
import { INSTANCE_ID } from '../../base/storage';
import { migrateBoard } from '@gongjian/shared';

/** Origin of the changes a schema migration makes on load. */
const MIGRATION_ORIGIN = Symbol('migration');

/** Structs per slice when a big board is loaded a slice at a time (about 1 ms of applying each). */
const STRUCTS_PER_SLICE = 500;

/** Longest wait between attempts to write a board's memory back to the log. */
const MAX_REPAIR_RETRY_MS = 500;

/** A board whose document in memory may hold what the log lacks; `refollow` after the log lost data. */
interface PendingRepair {
  refollow: boolean;
}

export interface BoardEvents {
  /** An update from another instance was applied; forward it to local sockets. */
  onRemoteUpdate(board: LoadedBoard, update: Uint8Array): void;
  /** An awareness update from another instance arrived. */
  onRemoteAwareness(board: LoadedBoard, payload: Uint8Array): void;
}

/** Follows what happens to loaded boards, without the store knowing who listens (the read model does). */
export interface BoardWatcher {
  /** The board was loaded, or its document changed (a local write or an entry from the log). Must not throw. */
  onChanged(board: LoadedBoard): void;
  /** The board is leaving memory; its document stays readable until this settles. */
  onUnloading(board: LoadedBoard): Promise<void>;
}

/**
 * Boards in memory: loaded once per instance (concurrent loads share one), kept up to date from
 * the update log, compacted when their log grows, and unloaded when no socket has used them for
 * BOARD_IDLE_MS. A load that fails is never cached or served.
 */
@Injectable()
export class BoardStoreService implements OnModuleInit, OnModuleDestroy {
  private readonly logger: Logger;
  private readonly boards = new Map<string, LoadedBoard>();
  private readonly loading = new Map<string, Promise<LoadedBoard>>();
  /** Boards leaving memory: a load waits for this (the log follows a board once per instance). */
  private readonly unloading = new Map<string, Promise<void>>();
  private events: BoardEvents | undefined;
  private readonly watchers = new Set<BoardWatcher>();
  private compactTimer: NodeJS.Timeout | undefined;
  private readonly compacting = new Set<string>();
  /** Boards to write back from memory (see repair); replaced by a new object whenever marked again. */
  private readonly repairs = new Map<string, PendingRepair>();
  private repairTimer: NodeJS.Timeout | undefined;
  private repairing: Promise<void> | undefined;
  /** The repair under way per board, shared by everyone waiting for it. */
  private readonly repairsRunning = new Map<string, Promise<void>>();
  /** Boards to compact at the next COMPACT_INTERVAL_MS whatever their log holds (repaired ones). */
  private readonly compactSoon = new Set<string>();
  private repairFailures = 0;
  private unwatchGaps: (() => void) | undefined;
  private readonly gapsSeen: Counter<'kind'>;
  private readonly boardsRepaired: Counter;

  constructor(
    @Inject(UPDATE_LOG) private readonly log: UpdateLog,
    @Inject(AWARENESS_BUS) private readonly awarenessBus: AwarenessBus,
    @Inject(INSTANCE_ID) private readonly instanceId: string,
    private readonly snapshots: SnapshotRepository,
    private readonly boardsRepository: BoardsRepository,
    private readonly compactor: CompactorService,
    private readonly docWorker: DocWorkerService,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) root: Logger,
  ) {
    this.logger = root.child({ context: BoardStoreService.name });
    this.gapsSeen = new Counter({
      name: 'gj_log_gaps_total',
      help: 'Times the update log was found to lack what this instance holds: a failed append, or Redis data loss',
      labelNames: ['kind'] as const,
      registers: [metrics.registry],
    });
    this.boardsRepaired = new Counter({
      name: 'gj_log_repairs_total',
      help: 'Boards whose updates, missing from the log, were written again from memory',
      registers: [metrics.registry],
    });
  }

  onModuleInit(): void {
    this.compactTimer = setInterval(() => {
      void this.compactDue();
      void this.catchUpFromSnapshots();
    }, this.config.COMPACT_INTERVAL_MS);
    this.compactTimer.unref();
    this.unwatchGaps = this.log.onGap?.((gap) => this.onGap(gap));
  }

  async onModuleDestroy(): Promise<void> {
    if (this.compactTimer) clearInterval(this.compactTimer);
    this.unwatchGaps?.();
    clearTimeout(this.repairTimer);
    this.repairTimer = undefined;
    for (const board of [...this.boards.values()]) await this.unload(board, { shuttingDown: true });
    // Unloads that were already under way.
    await Promise.all(this.unloading.values());
  }

  setEvents(events: BoardEvents): void {
    this.events = events;
  }

  /** Adds a watcher; returns the function that removes it. */
  watch(watcher: BoardWatcher): () => void {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  get(boardId: string): LoadedBoard | undefined {
    return this.boards.get(boardId);
  }

  get loadedCount(): number {
    return this.boards.size;
  }

  /**
   * The board in memory, loading it if needed (once it has finished leaving memory, if it is).
   * Throws `not_found` or `unavailable`.
   */
  async acquire(boardId: string): Promise<LoadedBoard> {
    const loaded = this.boards.get(boardId);
    if (loaded) return loaded;
    let pending = this.loading.get(boardId);
    if (!pending) {
      const unloading = this.unloading.get(boardId);
      pending = (unloading ? unloading.then(() => this.load(boardId)) : this.load(boardId)).finally(() =>
        this.loading.delete(boardId),
      );
      this.loading.set(boardId, pending);
    }
    return pending;
  }

  /** A socket started using the board. */
  attach(board: LoadedBoard, socketId: string): void {
    board.sockets.add(socketId);
    if (board.idleTimer) {
      clearTimeout(board.idleTimer);
      board.idleTimer = undefined;
    }
  }

  /** A socket stopped using the board; the board unloads after BOARD_IDLE_MS without sockets. */
  detach(board: LoadedBoard, socketId: string): void {
    board.sockets.delete(socketId);
    if (board.sockets.size > 0 || board.idleTimer) return;
    this.unloadWhenIdle(board);
  }

  private unloadWhenIdle(board: LoadedBoard): void {
    board.idleTimer = setTimeout(() => {
      board.idleTimer = undefined;
      if (board.sockets.size === 0 && this.boards.get(board.id) === board)
        void this.unload(board, { shuttingDown: false });
    }, this.config.BOARD_IDLE_MS);
    board.idleTimer.unref();
  }

  /** Compacts a board now (tests and the idle unload use this). */
  async compactNow(boardId: string, force = true) {
    const result = await this.compactor.compact(boardId, { force });
    const board = this.boards.get(boardId);
    if (board && result.compacted) {
      board.entriesSinceSnapshot = Math.max(0, board.entriesSinceSnapshot - result.merged);
      if (result.snapshotBytes !== undefined) board.bytes = result.snapshotBytes;
    }
    return result;
  }

  private async load(boardId: string): Promise<LoadedBoard> {
    const started = process.hrtime.bigint();
    if (!(await this.boardsRepository.exists(boardId))) throw new AppError('not_found');
    let board: LoadedBoard | undefined;
    try {
      const stored = await loadStoredBoard(this.snapshots, this.log, boardId, {
        sliced: {
          minBytes: this.config.WORKER_MIN_BYTES,
          slices: (updates) => this.docWorker.slices(updates, STRUCTS_PER_SLICE),
        },
      });
      const fullState = new FullState(
        stored.updates,
        // Built into a document and encoded again, so that what was deleted meanwhile is dropped
        // (merged as they are, the updates would keep every deleted value for as long as the board
        // stays loaded: found by the slow-client fault test, whose writers replace 64 KiB texts).
        async (updates) => (await this.docWorker.compact(undefined, updates)).state,
        (err) => this.logger.warn({ err, boardId }, 'merging the encoded state kept for joiners failed; will retry'),
        { directBelowBytes: this.config.WORKER_MIN_BYTES },
      );
      board = new LoadedBoard(boardId, stored.doc, stored.lastLogId, stored.bytes, stored.entries, fullState);
      await this.migrate(board);
    } catch (err) {
      board?.destroy();
      this.logger.error({ err, boardId }, 'board failed to load');
      throw new AppError('unavailable');
    }
    board.subscription = this.log.follow(boardId, board.lastLogId, (entries) => this.applyRemote(board, entries));
    board.unsubscribeAwareness = this.awarenessBus.subscribe(boardId, (payload) =>
      this.events?.onRemoteAwareness(board, payload),
    );
    this.boards.set(boardId, board);
    this.metrics.loadedBoards.set(this.boards.size);
    this.metrics.boardLoadDuration.observe(Number(process.hrtime.bigint() - started) / 1e9);
    board.doc.on('update', () => this.notifyChanged(board));
    this.notifyChanged(board);
    return board;
  }

  /**
   * Brings a board stored in an older schema version up to this code's (docs/document-schema.md,
   * "Changing the schema"), and appends what that changed to the log like any other update. A board
   * newer than this code knows throws, so it fails to load rather than being served or touched.
   */
  private async migrate(board: LoadedBoard): Promise<void> {
    const before = Y.encodeStateVector(board.doc);
    const { from, to } = migrateBoard(board.doc, MIGRATION_ORIGIN);
    if (from === to) return;
    const update = Y.encodeStateAsUpdate(board.doc, before);
    const id = await this.log.append(board.id, update, this.instanceId);
    board.noteLogged(id, update.byteLength);
    this.logger.info({ boardId: board.id, from, to }, 'board migrated to the current schema');
  }

  private applyRemote(board: LoadedBoard, entries: LogEntry[]): void {
    for (const entry of entries) {
      board.noteLogged(entry.id, entry.update.byteLength);
      if (entry.origin === this.instanceId) continue;
      let added: Uint8Array | null;
      try {
        added = applyUpdate(board.doc, entry.update, REMOTE_ORIGIN);
      } catch (err) {
        this.logger.error({ err, boardId: board.id }, 'a logged update failed to apply');
        continue;
      }
      // Only what was new here: an entry the document already had (a repair's, a client's re-send
      // through another instance) is not sent to the sockets again.
      if (added) this.events?.onRemoteUpdate(board, added);
    }
  }

  /** Compacts what the board's log holds, then drops it from memory (unless a socket came back meanwhile). */
  private async unload(board: LoadedBoard, options: { shuttingDown: boolean }): Promise<void> {
    const pending = this.repairs.get(board.id);
    if (pending) {
      // The document may hold acknowledged updates the log lacks: it leaves memory only once they are written.
      try {
        await this.repairOne(board, pending);
      } catch (err) {
        if (!options.shuttingDown) {
          this.logger.warn(
            { err, boardId: board.id },
            'board kept in memory: updates the log lacks could not be written yet',
          );
          if (board.sockets.size === 0 && !board.idleTimer) this.unloadWhenIdle(board);
          return;
        }
        this.logger.error(
          { err, boardId: board.id },
          'shutting down with updates the log lacks; only clients still hold them',
        );
      }
    }
    if (board.entriesSinceSnapshot > 0) {
      try {
        await this.compactNow(board.id);
      } catch (err) {
        this.logger.warn({ err, boardId: board.id }, 'compaction before unload failed; the log keeps the updates');
      }
    }
    if (board.sockets.size > 0 && !options.shuttingDown) return;
    if (this.boards.get(board.id) !== board) return;
    this.boards.delete(board.id);
    const leaving = this.release(board);
    this.unloading.set(board.id, leaving);
    try {
      await leaving;
    } finally {
      if (this.unloading.get(board.id) === leaving) this.unloading.delete(board.id);
    }
  }

  /** The last step of an unload: watchers read the board one last time, then it is destroyed. */
  private async release(board: LoadedBoard): Promise<void> {
    for (const watcher of this.watchers) {
      try {
        await watcher.onUnloading(board);
      } catch (err) {
        this.logger.warn({ err, boardId: board.id }, 'a board watcher failed on unload');
      }
    }
    board.destroy();
    if (!this.boards.has(board.id)) this.compactSoon.delete(board.id);
    this.metrics.loadedBoards.set(this.boards.size);
  }

  /**
   * The log may lack what a loaded board's document holds. After a failed append the document
   * already has the update (the client is told `unavailable`; a retry finds nothing new); after
   * Redis lost its data, every acknowledged update since the last compaction is gone from the
   * log, and only the documents in memory (and the clients) still have them.
   */
  private onGap(gap: LogGap): void {
    this.gapsSeen.inc({ kind: gap.kind });
    if (gap.kind === 'data-lost') {
      for (const board of this.boards.values()) this.repairs.set(board.id, { refollow: true });
      this.scheduleRepairs(0, true);
    } else {
      const board = this.boards.get(gap.boardId);
      if (!board) return;
      this.repairs.set(gap.boardId, { refollow: this.repairs.get(gap.boardId)?.refollow ?? false });
      // The write path forwards an update only once it is appended, and a retry finds nothing new;
      // without it the board's other sockets here could not integrate anything more from that
      // client (Yjs applies a client's changes in order) until they reconnect. The document holds
      // it, and serves it to every socket that joins, so they get it now; other instances get it
      // from the log once the board is repaired.
      this.events?.onRemoteUpdate(board, gap.update);
      this.scheduleRepairs(0, false);
    }
  }

  /** Runs the pending repairs after `delayMs`; `sooner` replaces a later run already scheduled. */
  private scheduleRepairs(delayMs: number, sooner: boolean): void {
    if (this.repairing) return; // it schedules the next run when it ends
    if (this.repairTimer) {
      if (!sooner) return;
      clearTimeout(this.repairTimer);
    }
    this.repairTimer = setTimeout(() => {
      this.repairTimer = undefined;
      void this.runRepairs();
    }, delayMs);
    this.repairTimer.unref();
  }

  /** Repairs every board marked, one after the other; what fails is retried with backoff. */
  runRepairs(): Promise<void> {
    this.repairing ??= (async () => {
      let failed = false;
      for (const [boardId, pending] of [...this.repairs]) {
        const board = this.boards.get(boardId);
        if (!board) {
          this.repairs.delete(boardId);
          continue;
        }
        try {
          await this.repairOne(board, pending);
        } catch (err) {
          failed = true;
          this.logger.warn({ err, boardId }, 'could not write a board back from memory yet; will retry');
        }
      }
      this.repairFailures = failed ? this.repairFailures + 1 : 0;
    })().finally(() => {
      this.repairing = undefined;
      if (this.repairs.size > 0) {
        this.scheduleRepairs(Math.min(MAX_REPAIR_RETRY_MS, 100 * 2 ** this.repairFailures), false);
      }
    });
    return this.repairing;
  }

  /**
   * Resolves once the log holds everything the board's document holds, i.e. no repair is pending
   * (running it if one is); rejects while that cannot be done (storage unreachable). The write
   * path should wait for this before acknowledging an update that changed nothing in memory: after
   * a failed append, that update may be in memory only.
   */
  async whenLogged(board: LoadedBoard): Promise<void> {
    for (let round = 0; round < 3; round++) {
      const pending = this.repairs.get(board.id);
      if (!pending || this.boards.get(board.id) !== board) return;
      await this.repairOne(board, pending);
    }
    if (this.repairs.has(board.id)) throw new AppError('unavailable');
  }

  private repairOne(board: LoadedBoard, pending: PendingRepair): Promise<void> {
    let running = this.repairsRunning.get(board.id);
    if (!running) {
      running = this.repair(board, pending.refollow)
        .then(() => {
          // Marked again meanwhile: another run covers what came after.
          if (this.repairs.get(board.id) === pending) this.repairs.delete(board.id);
        })
        .finally(() => this.repairsRunning.delete(board.id));
      this.repairsRunning.set(board.id, running);
    }
    return running;
  }

  /**
   * Makes the log hold everything the board's document holds. Reads the board as storage has it
   * (snapshot and log, as a load does); applies to the document what storage has and it lacks (and
   * forwards that to the sockets); appends as one entry what the document has and storage lacks
   * (other instances forward it to their sockets); and has the board compacted at the next
   * COMPACT_INTERVAL_MS, so that the snapshot in the database holds it too. Merging in Yjs is idempotent, so running this twice, or on several instances at
   * once, only repeats entries. With `refollow` (the log lost data, and its ids may have started
   * over), the board follows the log on from what was just read rather than from the id it had
   * reached.
   */
  private async repair(board: LoadedBoard, refollow: boolean): Promise<void> {
    const stored = await loadStoredBoard(this.snapshots, this.log, board.id);
    let appended = 0;
    try {
      if (this.boards.get(board.id) !== board) return;
      const toMemory = Y.encodeStateAsUpdate(stored.doc, Y.encodeStateVector(board.doc));
      const added = applyUpdate(board.doc, toMemory, REMOTE_ORIGIN);
      if (added) this.events?.onRemoteUpdate(board, added);
      if (refollow) {
        board.subscription?.close();
        board.lastLogId = stored.lastLogId;
        board.subscription = this.log.follow(board.id, stored.lastLogId, (entries) => this.applyRemote(board, entries));
      }
      const toStorage = Y.encodeStateAsUpdate(board.doc, Y.encodeStateVector(stored.doc));
      if (applyUpdate(stored.doc, toStorage)) {
        const id = await this.log.append(board.id, toStorage, this.instanceId);
        board.noteLogged(id, toStorage.byteLength);
        appended = toStorage.byteLength;
      }
    } finally {
      stored.doc.destroy();
    }
    if (appended > 0) {
      this.boardsRepaired.inc();
      this.logger.warn({ boardId: board.id, bytes: appended }, 'updates the log lacked were written again from memory');
    }
    // Into PostgreSQL at the next compaction check rather than now: the log holds it, and the
    // moment after an outage, with every client catching up, is the worst for a full merge.
    if (appended > 0 || refollow) this.compactSoon.add(board.id);
  }

  private notifyChanged(board: LoadedBoard): void {
    for (const watcher of this.watchers) watcher.onChanged(board);
  }

  /**
   * An instance that fell behind its streams by more than the trim grace (a long Redis outage,
   * a stalled process) may find entries it never read already merged into a snapshot and trimmed.
   * It then applies that snapshot: applying what it already has changes nothing, and what it
   * missed reaches its sockets.
   */
  async catchUpFromSnapshots(): Promise<void> {
    if (this.log.kind !== 'redis' || this.boards.size === 0) return;
    try {
      const horizon = (await this.log.now()) - this.config.COMPACT_TRIM_GRACE_MS;
      const behind = [...this.boards.values()].filter((board) => board.lastLogId.ms < horizon);
      if (behind.length === 0) return;
      const stored = await this.snapshots.logIds(behind.map((board) => board.id));
      for (const board of behind) {
        const logId = stored.get(board.id);
        if (!logId || compareLogIds(logId, board.lastLogId) <= 0 || this.boards.get(board.id) !== board) continue;
        const snapshot = await this.snapshots.get(board.id);
        if (!snapshot || this.boards.get(board.id) !== board) continue;
        const before = Y.encodeStateVector(board.doc);
        Y.applyUpdate(board.doc, snapshot.state, REMOTE_ORIGIN);
        if (compareLogIds(snapshot.logId, board.lastLogId) > 0) board.lastLogId = snapshot.logId;
        const missed = Y.encodeStateAsUpdate(board.doc, before);
        if (Y.decodeUpdate(missed).structs.length > 0) {
          this.logger.warn({ boardId: board.id }, 'caught up from a snapshot after falling behind the log');
          this.events?.onRemoteUpdate(board, missed);
        }
      }
    } catch (err) {
      this.logger.warn({ err }, 'catching up from snapshots failed; will retry');
    }
  }

  private async compactDue(): Promise<void> {
    for (const board of this.boards.values()) {
      const soon = this.compactSoon.has(board.id);
      if ((!soon && board.entriesSinceSnapshot < this.config.COMPACT_AFTER_UPDATES) || this.compacting.has(board.id))
        continue;
      this.compacting.add(board.id);
      try {
        await this.compactNow(board.id, soon);
        this.compactSoon.delete(board.id);
      } catch (err) {
        this.logger.warn({ err, boardId: board.id }, 'compaction failed; will retry');
      } finally {
        this.compacting.delete(board.id);
      }
    }
  }
}

/**
 * Applies `update` to `doc`; returns what that added or deleted (the transaction's own update, as
 * the document's `update` event gives it), or null when the document already had all of it.
 */
function applyUpdate(doc: Y.Doc, update: Uint8Array, origin?: unknown): Uint8Array | null {
  let added: Uint8Array | null = null;
  const capture = (change: Uint8Array) => {
    added = added ? Y.mergeUpdates([added, change]) : change;
  };
  doc.on('update', capture);
  try {
    Y.applyUpdate(doc, update, origin);
  } finally {
    doc.off('update', capture);
  }
  return added;
}
