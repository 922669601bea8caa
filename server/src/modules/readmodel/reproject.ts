import { ReadModelRows, todayInShanghai } from './project-board';
import { projectStoredBoard, StoredBoardDeps } from './project-stored-board';

export interface ReprojectDeps extends StoredBoardDeps {
  /** How long to wait for a board's projection lease while a server holds it. */
  leaseWaitMs: number;
  /** Progress, one line at a time. */
  print: (line: string) => void;
  now?: () => Date;
}

export interface ReprojectSummary {
  boards: number;
  /** Boards whose rows were rewritten. */
  written: number;
  /** Boards a server had meanwhile projected from a later state; their rows were kept. */
  newer: number;
  failed: string[];
  rows: number;
  seconds: number;
}

/**
 * Rebuilds the read model from storage (`npm run reproject`): every board (or the ones named) is
 * loaded exactly as a server loads it — snapshot plus log tail — and its rows replaced, under the
 * board's projection lease, even when they already match. A board that fails is reported and the
 * others go on.
 */
export async function reprojectBoards(deps: ReprojectDeps, only?: string[]): Promise<ReprojectSummary> {
  const started = Date.now();
  const stored = await deps.repository.boardIds();
  const known = new Set(stored);
  const ids = only && only.length > 0 ? only : stored;
  const summary: ReprojectSummary = { boards: ids.length, written: 0, newer: 0, failed: [], rows: 0, seconds: 0 };
  for (const [index, boardId] of ids.entries()) {
    const label = `board ${index + 1}/${ids.length} ${boardId}`;
    const boardStarted = Date.now();
    try {
      if (!known.has(boardId)) throw new Error('no such board');
      const today = todayInShanghai(deps.now?.() ?? new Date());
      const outcome = await projectStoredBoard(deps, boardId, { force: true, leaseWaitMs: deps.leaseWaitMs, today });
      if (outcome === 'busy') throw new Error(`its projection lease stayed taken for ${deps.leaseWaitMs} ms`);
      const count = rowCount(outcome.rows);
      summary.rows += count;
      if (outcome.written) summary.written += 1;
      else summary.newer += 1;
      const kept = outcome.written ? '' : '; kept the rows a server projected from a later state';
      deps.print(
        `${label}: ${outcome.rows.projects.length} projects, ${count} rows${kept} (${Date.now() - boardStarted} ms)`,
      );
    } catch (err) {
      summary.failed.push(boardId);
      deps.print(`${label}: FAILED: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  summary.seconds = (Date.now() - started) / 1000;
  return summary;
}

function rowCount(rows: ReadModelRows): number {
  const { board: _board, ...tables } = rows;
  return 1 + Object.values(tables).reduce((sum, table) => sum + table.length, 0);
}
