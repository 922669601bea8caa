import { readMeta } from '@gongjian/shared';
import * as Y from 'yjs';
import type { BoardLocks, Lease, UpdateLog } from '../../base/storage';
import { loadStoredBoard, SnapshotRepository } from '../sync';
import { deriveProjectRows, Slices } from './derive-rows';
import { asOfDate, boardRow, ReadModelRows } from './project-board';
import { ReadModelRepository } from './readmodel.repository';
import { withLease } from './with-lease';

/** What projecting a board from storage needs: the stores a server loads boards from, and the read model. */
export interface StoredBoardDeps {
  repository: ReadModelRepository;
  snapshots: SnapshotRepository;
  log: UpdateLog;
  locks: BoardLocks;
  leaseMs: number;
}

export interface StoredBoardOptions {
  /** Rewrite the rows even when they were projected from this same state. */
  force: boolean;
  /** How long to wait for the board's projection lease while someone else holds it; 0: try once. */
  leaseWaitMs: number;
  /** `YYYY-MM-DD`, the day overdue items are counted for. */
  today: string;
}

/**
 * Projects a board as storage holds it — loaded exactly as a server loads it, snapshot plus log
 * tail — under its projection lease. `busy` when the lease stayed taken; `written` false when the
 * read model already had this state (unless forced) or a later one.
 */
export async function projectStoredBoard(
  deps: StoredBoardDeps,
  boardId: string,
  options: StoredBoardOptions,
): Promise<{ rows: ReadModelRows; written: boolean } | 'busy'> {
  const { doc, lastLogId } = await loadStoredBoard(deps.snapshots, deps.log, boardId);
  try {
    // The rows of boardRows, derived in slices: a big board must not hold a server's event loop.
    const meta = readMeta(doc);
    const asOf = asOfDate(options.today);
    const derived = await deriveProjectRows(boardId, doc, 'all', meta, asOf, new Slices());
    const rows = { board: boardRow(boardId, meta, asOf, derived.keys.length), ...derived.rows };
    const source = { logId: lastLogId, stateVector: Y.encodeStateVector(doc) };
    const lease = await waitForLease(deps, boardId, options.leaseWaitMs);
    if (!lease) return 'busy';
    const written = await withLease(
      lease,
      deps.leaseMs,
      () => deps.repository.replaceBoard(rows, source, { force: options.force }),
      () => undefined,
    );
    return { rows, written };
  } finally {
    doc.destroy();
  }
}

async function waitForLease(deps: StoredBoardDeps, boardId: string, waitMs: number): Promise<Lease | null> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const lease = await deps.locks.tryAcquire(boardId, deps.leaseMs, 'projection');
    if (lease || Date.now() >= deadline) return lease;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
