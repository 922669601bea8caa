import type { LogId } from './log-id';

export interface LogEntry {
  id: LogId;
  update: Uint8Array;
  /** `<instanceId>` of the instance that appended it (so it can skip its own entries). */
  origin: string;
  /** The entry's audit facts as JSON (who, when, what changed), when the appender gave them. */
  audit?: string;
}

export interface Subscription {
  close(): void;
}

/**
 * A reason to think that the log may lack something an instance holds in memory:
 * - `append-failed`: an append for the board failed; the board's document in memory already has
 *   the update (the write path applies before it appends), and it was forwarded to no socket;
 * - `data-lost`: the log as a whole lost entries it had acknowledged (Redis restarted without
 *   persistence, was flushed, or failed over to a replica without the data).
 */
export type LogGap = { kind: 'append-failed'; boardId: string; update: Uint8Array } | { kind: 'data-lost' };

/** The listeners of a log's gaps; a listener that throws is skipped. */
export class GapListeners {
  private readonly listeners = new Set<(gap: LogGap) => void>();

  add(listener: (gap: LogGap) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(gap: LogGap): void {
    for (const listener of this.listeners) {
      try {
        listener(gap);
      } catch {
        // a listener's failure is its own
      }
    }
  }
}

/**
 * The durable, ordered log of accepted updates per board, and the fan-out between instances.
 * Redis streams in production; a database table (one instance) in embedded mode.
 */
export interface UpdateLog {
  readonly kind: 'redis' | 'database';
  /** Resolves once the update (and its audit facts, if given) is durable in the log. */
  append(boardId: string, update: Uint8Array, origin: string, audit?: string): Promise<LogId>;
  /** Entries with id > `after`, oldest first, at most `limit` (default: all). */
  readAfter(boardId: string, after: LogId, limit?: number): Promise<LogEntry[]>;
  /** Calls `onEntries` with every entry appended after `after`, in order, until closed. */
  follow(boardId: string, after: LogId, onEntries: (entries: LogEntry[]) => void): Subscription;
  /** Removes entries with id <= `upTo`; returns how many were removed. */
  trim(boardId: string, upTo: LogId): Promise<number>;
  /** Number of entries currently in the board's log. */
  length(boardId: string): Promise<number>;
  /** The log's own clock in ms (Redis TIME), used for the trim grace period. */
  now(): Promise<number>;
  ping(): Promise<void>;
  /**
   * Tells when the log may lack what an instance holds in memory (see LogGap), so that the
   * instance can write it again. Returns the function that stops listening.
   */
  onGap?(listener: (gap: LogGap) => void): () => void;
  close(): Promise<void>;
}

export const UPDATE_LOG = Symbol('UPDATE_LOG');
