import { replaceText } from '@gongjian/shared';
import * as Y from 'yjs';
import { isStage, type Stage } from '@gongjian/shared';

/*
 * The few accessors the minimal kanban needs over the board document (DESIGN.md §6). The full,
 * shared document model replaces this file.
 */

export interface ProjectCardData {
  id: string;
  stage: Stage;
  rank: string;
  title: string;
}

export interface NewProject {
  id: string;
  stage: Stage;
  rank: string;
  /** The lead organization (牵头单位): the creator's own. */
  leadOrgId: string;
  category: string;
  createdBy: string;
  createdAt: string;
}

function projectsOf(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap('projects');
}

function metaOf(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap('meta');
}

/** Subscribes `onChange` to everything the kanban shows; returns the unsubscribe. */
export function observeBoard(doc: Y.Doc, onChange: () => void): () => void {
  const projects = projectsOf(doc);
  const meta = metaOf(doc);
  projects.observeDeep(onChange);
  meta.observe(onChange);
  return () => {
    projects.unobserveDeep(onChange);
    meta.unobserve(onChange);
  };
}

export function readBoardTitle(doc: Y.Doc): string | null {
  const title = metaOf(doc).get('title');
  return typeof title === 'string' && title.trim() !== '' ? title : null;
}

/** Projects sorted by rank (then id, so that equal ranks from concurrent adds order the same everywhere). */
export function readProjects(doc: Y.Doc): ProjectCardData[] {
  const cards: ProjectCardData[] = [];
  for (const [key, value] of projectsOf(doc)) {
    // Entries another version wrote in a shape this one doesn't know are left out, not guessed at.
    if (!(value instanceof Y.Map)) continue;
    const stage: unknown = value.get('stage');
    const rank: unknown = value.get('rank');
    const title: unknown = value.get('title');
    if (!isStage(stage) || typeof rank !== 'string') continue;
    cards.push({ id: key, stage, rank, title: title instanceof Y.Text ? title.toString() : '' });
  }
  return cards.sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function insertProject(doc: Y.Doc, project: NewProject, origin: unknown): void {
  doc.transact(() => {
    const map = new Y.Map<unknown>();
    map.set('id', project.id);
    map.set('stage', project.stage);
    map.set('rank', project.rank);
    map.set('category', project.category);
    map.set('leadOrgId', project.leadOrgId);
    map.set('title', new Y.Text());
    map.set('createdBy', project.createdBy);
    map.set('createdAt', project.createdAt);
    projectsOf(doc).set(project.id, map);
  }, origin);
}

export function renameProject(doc: Y.Doc, id: string, title: string, origin: unknown): void {
  const project = projectsOf(doc).get(id);
  if (!(project instanceof Y.Map)) return;
  const text: unknown = project.get('title');
  doc.transact(() => {
    if (text instanceof Y.Text) replaceText(text, title);
    else project.set('title', new Y.Text(title));
  }, origin);
}

