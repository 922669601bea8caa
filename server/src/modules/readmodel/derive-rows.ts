import { type BoardMetaData, type ProjectData, projectsMap, readProject } from '@gongjian/shared';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import * as Y from 'yjs';
import { addProjectRows, emptyProjectRows, type ProjectRows, uniqueProjects } from './project-board';

/** How long a projection works before it lets the event loop serve sync messages again. */
export const SLICE_MS = 8;

/** Work done in slices of at most about `budgetMs`, with a turn of the event loop between them. */
export class Slices {
  private sliceStarted = performance.now();

  constructor(private readonly budgetMs = SLICE_MS) {}

  /** Call between two pieces of work: yields when this slice has used its budget. */
  async next(): Promise<void> {
    if (performance.now() - this.sliceStarted < this.budgetMs) return;
    await yieldToLoop();
    this.sliceStarted = performance.now();
  }
}

export interface DerivedRows {
  rows: ProjectRows;
  /** Keys (in `projects`) of the projects that have rows now, each row under `project_id` = its key unless `irregular`. */
  keys: string[];
  /** Keys asked for that hold no project now (deleted, or never one). */
  removed: string[];
  /**
   * Some project read has an id other than its key (only in a document that breaks the schema):
   * its rows are not under its key, and it may shadow another project, so only a full projection
   * is right for this board.
   */
  irregular: boolean;
}

/**
 * The rows of the projects under `keys` (or all of them) in `doc`, read and derived in slices so
 * that a big board does not hold the event loop: between slices the document may change. Each
 * project is read whole within one slice, so its rows are those of one state of the document, no
 * older than the state when this started; a project changed after it was read is the caller's to
 * project again (it tracks changes throughout: BoardChanges).
 */
export async function deriveProjectRows(
  boardId: string,
  doc: Y.Doc,
  keys: Iterable<string> | 'all',
  meta: Pick<BoardMetaData, 'regionId' | 'criteria'>,
  asOf: string,
  slices: Slices,
): Promise<DerivedRows> {
  const projects = projectsMap(doc);
  const wanted = keys === 'all' ? [...projects.keys()] : [...keys];
  const read: ProjectData[] = [];
  const removed: string[] = [];
  let irregular = false;
  for (const key of wanted) {
    await slices.next();
    const map = projects.get(key);
    if (!(map instanceof Y.Map)) {
      removed.push(key);
      continue;
    }
    const project = readProject(map, key);
    if (project.id !== key) irregular = true;
    read.push(project);
  }
  const withRows = keys === 'all' ? uniqueProjects(read) : read;
  const rows = emptyProjectRows();
  for (const project of withRows) {
    await slices.next();
    addProjectRows(rows, boardId, meta, asOf, project);
  }
  return { rows, keys: withRows.map((project) => project.id), removed, irregular };
}
