import { uuidv4 } from 'lib0/random';
import { createSubscriber } from 'svelte/reactivity';
import {
  insertProject,
  observeBoard,
  readBoardTitle,
  readProjects,
  renameProject,
  type ProjectCardData,
} from './project-doc';
import { STAGES, type Stage } from '@gongjian/shared';
import {
  type Actor,
  forbiddenChange,
  rankBetween,
  readMeta,
  readProject,
  type BoardMetaData,
  type ProjectData,
} from '@gongjian/shared';
import * as Y from 'yjs';

export interface StageColumnData {
  stage: Stage;
  projects: ProjectCardData[];
}

/** Origin of the transactions this view makes, so that a peer can tell its own edits. */
export const BOARD_VIEW_ORIGIN = 'board-view';

/** The kanban's view of a board document: reactive getters over the Y.Doc, writes as transactions. */
export class BoardDoc {
  readonly #doc: Y.Doc;
  readonly #subscribe: () => void;

  constructor(doc: Y.Doc) {
    this.#doc = doc;
    this.#subscribe = createSubscriber((update) => observeBoard(doc, update));
  }

  /** The title from the document's `meta`, or null when it has none (yet). */
  get title(): string | null {
    this.#subscribe();
    return readBoardTitle(this.#doc);
  }

  /** The board's `meta` as plain data (its rubric is what the stage gates score against). */
  get meta(): BoardMetaData {
    this.#subscribe();
    return readMeta(this.#doc);
  }

  /** One project in full, or null when there is none under that id (any more). */
  project(id: string): ProjectData | null {
    this.#subscribe();
    const map: unknown = this.#doc.getMap('projects').get(id);
    return map instanceof Y.Map ? readProject(map, id) : null;
  }

  /** Whether `actor` may retitle the project: the rule the server applies to the same change. */
  mayRetitle(id: string, actor: Actor): boolean {
    this.#subscribe();
    return forbiddenChange(this.#doc, [{ kind: 'text', path: ['projects', id, 'title'] }], actor) === null;
  }

  get columns(): StageColumnData[] {
    this.#subscribe();
    const projects = readProjects(this.#doc);
    return STAGES.map((stage) => ({ stage, projects: projects.filter((project) => project.stage === stage) }));
  }

  /** Adds an untitled project, led by the creator's organization, at the end of the planning column; returns its id. */
  addProject(createdBy: string, leadOrgId: string): string {
    const planning = readProjects(this.#doc).filter((project) => project.stage === 'planning');
    const id = uuidv4();
    insertProject(
      this.#doc,
      {
        id,
        stage: 'planning',
        rank: rankBetween(planning.at(-1)?.rank ?? null, null),
        leadOrgId,
        // A new project starts as training (教育培训) until the project drawer lets people choose.
        category: 'training',
        createdBy,
        createdAt: new Date().toISOString(),
      },
      BOARD_VIEW_ORIGIN,
    );
    return id;
  }

  renameProject(id: string, title: string): void {
    renameProject(this.#doc, id, title, BOARD_VIEW_ORIGIN);
  }
}
