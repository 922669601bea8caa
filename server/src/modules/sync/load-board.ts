import { setImmediate as nextTurn } from 'node:timers/promises';
import * as Y from 'yjs';
import { LogId, UpdateLog, ZERO_LOG_ID } from '../../base/storage';
import type { SnapshotRepository } from './snapshot.repository';

/** Origin of updates that came from storage: the update log, or a snapshot. */
export const REMOTE_ORIGIN = Symbol('remote');

export interface StoredBoard {
  doc: Y.Doc;
  /** Id of the last log entry applied (the snapshot's when the log had nothing after it). */
  lastLogId: LogId;
  /** Encoded size: the snapshot plus every entry applied. */
  bytes: number;
  /** Log entries applied after the snapshot. */
  entries: number;
  /** What was applied, in order: the snapshot's state (if any), then each entry's update. */
  updates: Uint8Array[];
}

/** Longest the event loop is held applying slices of a big board before other work gets a turn. */
const SLICE_TURN_MS = 5;

export interface LoadOptions {
  /**
   * Boards of at least `minBytes` are built from `slices` of what storage holds
   * (DocWorkerService.slices, worked out off the event loop) and applied a few at a time, so that
   * other boards' messages are handled while a big one loads.
   */
  sliced?: { minBytes: number; slices: (updates: Uint8Array[]) => Promise<Uint8Array[]> };
}

/**
 * A board as storage holds it: the snapshot (checked against its checksum), then every log entry
 * after the snapshot's id. The one way to load a board, for the board store and for tools that
 * read boards offline (reproject). Throws when storage does.
 */
export async function loadStoredBoard(
  snapshots: SnapshotRepository,
  log: UpdateLog,
  boardId: string,
  options: LoadOptions = {},
): Promise<StoredBoard> {
  const snapshot = await snapshots.get(boardId);
  const entries = await log.readAfter(boardId, snapshot?.logId ?? ZERO_LOG_ID);
  const updates = [...(snapshot ? [snapshot.state] : []), ...entries.map((entry) => entry.update)];
  const bytes = updates.reduce((sum, update) => sum + update.byteLength, 0);
  const lastLogId = entries.length > 0 ? entries[entries.length - 1].id : (snapshot?.logId ?? ZERO_LOG_ID);
  const doc = new Y.Doc({ gc: true });
  try {
    if (options.sliced && bytes >= options.sliced.minBytes) {
      const slices = await options.sliced.slices(updates);
      let turn = performance.now();
      for (const slice of slices) {
        Y.applyUpdate(doc, slice, REMOTE_ORIGIN);
        if (performance.now() - turn >= SLICE_TURN_MS) {
          await nextTurn();
          turn = performance.now();
        }
      }
    } else {
      doc.transact(() => {
        for (const update of updates) Y.applyUpdate(doc, update);
      }, REMOTE_ORIGIN);
    }
  } catch (err) {
    doc.destroy();
    throw err;
  }
  return { doc, lastLogId, bytes, entries: entries.length, updates };
}
