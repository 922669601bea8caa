import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import * as Y from 'yjs';
import { APP_CONFIG, AppConfig } from '../../base/config';
import { AppError } from '../../base/errors';
import { ROOT_LOGGER } from '../../base/logging';
import { MetricsService } from '../../base/metrics';
import { BoardsRepository } from '../boards';
import { CompactorService } from './compactor.service';
import { LoadedBoard } from './loaded-board';
import { AWARENESS_BUS, AwarenessBus, compareLogIds, LogEntry, UPDATE_LOG, UpdateLog } from '../../base/storage';
import { loadStoredBoard, REMOTE_ORIGIN } from './load-board';
import { SnapshotRepository } from './snapshot.repository';
import { INSTANCE_ID } from '../../base/storage';
import { migrateBoard } from '@gongjian/shared';

/** Origin of the changes a schema migration makes on load. */
const MIGRATION_ORIGIN = Symbol('migration');

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
  private events: BoardEvents | undefined;
  private readonly watchers = new Set<BoardWatcher>();
  private compactTimer: NodeJS.Timeout | undefined;
  private readonly compacting = new Set<string>();

  constructor(
    @Inject(UPDATE_LOG) private readonly log: UpdateLog,
    @Inject(AWARENESS_BUS) private readonly awarenessBus: AwarenessBus,
    @Inject(INSTANCE_ID) private readonly instanceId: string,
    private readonly snapshots: SnapshotRepository,
    private readonly boardsRepository: BoardsRepository,
    private readonly compactor: CompactorService,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) root: Logger,
  ) {
    this.logger = root.child({ context: BoardStoreService.name });
  }

  onModuleInit(): void {
    this.compactTimer = setInterval(() => {
      void this.compactDue();
      void this.catchUpFromSnapshots();
    }, this.config.COMPACT_INTERVAL_MS);
    this.compactTimer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.compactTimer) clearInterval(this.compactTimer);
    for (const board of [...this.boards.values()]) await this.unload(board, { shuttingDown: true });
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

  /** The board in memory, loading it if needed. Throws `not_found` or `unavailable`. */
  async acquire(boardId: string): Promise<LoadedBoard> {
    const loaded = this.boards.get(boardId);
    if (loaded) return loaded;
    let pending = this.loading.get(boardId);
    if (!pending) {
      pending = this.load(boardId).finally(() => this.loading.delete(boardId));
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
    board.idleTimer = setTimeout(() => {
      board.idleTimer = undefined;
      if (board.sockets.size === 0 && this.boards.get(board.id) === board) void this.unload(board, { shuttingDown: false });
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
      const stored = await loadStoredBoard(this.snapshots, this.log, boardId);
      board = new LoadedBoard(boardId, stored.doc, stored.lastLogId, stored.bytes, stored.entries);
      await this.migrate(board);
    } catch (err) {
      board?.destroy();
      this.logger.error({ err, boardId }, 'board failed to load');
      throw new AppError('unavailable');
    }
    board.subscription = this.log.follow(boardId, board.lastLogId, (entries) => this.applyRemote(board, entries));
    board.unsubscribeAwareness = this.awarenessBus.subscribe(boardId, (payload) => this.events?.onRemoteAwareness(board, payload));
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
      try {
        Y.applyUpdate(board.doc, entry.update, REMOTE_ORIGIN);
      } catch (err) {
        this.logger.error({ err, boardId: board.id }, 'a logged update failed to apply');
        continue;
      }
      this.events?.onRemoteUpdate(board, entry.update);
    }
  }

  /** Compacts what the board's log holds, then drops it from memory (unless a socket came back meanwhile). */
  private async unload(board: LoadedBoard, options: { shuttingDown: boolean }): Promise<void> {
    if (board.entriesSinceSnapshot > 0) {
      try {
        await this.compactNow(board.id);
      } catch (err) {
        this.logger.warn({ err, boardId: board.id }, 'compaction before unload failed; the log keeps the updates');
      }
    }
    if (board.sockets.size > 0 && !options.shuttingDown) return;
    if (this.boards.get(board.id) === board) this.boards.delete(board.id);
    for (const watcher of this.watchers) {
      try {
        await watcher.onUnloading(board);
      } catch (err) {
        this.logger.warn({ err, boardId: board.id }, 'a board watcher failed on unload');
      }
    }
    board.destroy();
    this.metrics.loadedBoards.set(this.boards.size);
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
      if (board.entriesSinceSnapshot < this.config.COMPACT_AFTER_UPDATES || this.compacting.has(board.id)) continue;
      this.compacting.add(board.id);
      try {
        await this.compactNow(board.id, false);
      } catch (err) {
        this.logger.warn({ err, boardId: board.id }, 'compaction failed; will retry');
      } finally {
        this.compacting.delete(board.id);
      }
    }
  }
}
