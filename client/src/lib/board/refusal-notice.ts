import {
  childMap,
  FORBIDDEN_REASONS,
  type ForbiddenReason,
  isStage,
  projectMap,
  readText,
  type Stage,
  type UnmetCondition,
} from '@gongjian/shared';
import type * as Y from 'yjs';
import type { FinalRefusalCode, Refusal } from '../sync';

/** Project fields with a label of their own; any other key reads as itself. */
export const PROJECT_FIELDS = [
  'stage',
  'title',
  'description',
  'category',
  'brandActivity',
  'leadOrgId',
  'startDate',
  'endDate',
  'linkages',
  'partnerOrgIds',
  'reviewerOrgIds',
  'venueIds',
  'checklist',
  'funding',
  'expenses',
  'ledger',
  'indicators',
  'scores',
  'stageLog',
  'rank',
] as const;
export type ProjectField = (typeof PROJECT_FIELDS)[number];

/** Checklist item fields with a label of their own. */
export const CHECKLIST_FIELDS = [
  'status',
  'evidence',
  'waiveReason',
  'assignee',
  'orgId',
  'due',
  'text',
  'rank',
] as const;
export type ChecklistField = (typeof CHECKLIST_FIELDS)[number];

/** Board settings (`meta`) with a label of their own. */
export const META_FIELDS = ['title', 'criteria', 'regionId', 'year', 'schemaVersion'] as const;
export type MetaField = (typeof META_FIELDS)[number];

/** A label key of a known field, or the raw key of one this client doesn't know. */
export type FieldName<K extends string> = { known: K } | { raw: string };

/** Where in the board a refused change was, in terms a person knows (titles rather than ids). */
export type RefusalPlace =
  | { kind: 'project'; title: string | null; field: FieldName<ProjectField> | null }
  | { kind: 'checklistItem'; title: string | null; item: string | null; field: FieldName<ChecklistField> | null }
  | { kind: 'meta'; field: FieldName<MetaField> | null }
  | { kind: 'board' };

/** What the UI says about a refusal; titles are read when it happens, so they are what the user saw. */
export interface RefusalNotice {
  code: FinalRefusalCode;
  place: RefusalPlace | null;
  /** The project a gate kept back, with the stage it was to enter. */
  gate: { title: string | null; to: Stage | null } | null;
  conditions: UnmetCondition[];
  reason: ForbiddenReason | null;
  /** Every unsaved change was dropped, not just this one. */
  all: boolean;
}

/**
 * Describes a refusal in terms of the document the user changed (`attempted`: what was refused is
 * in it, e.g. the stage a project was to enter) and, once the provider is back on the server's
 * state, of that document (`current`), whose titles are what the board shows again; a project the
 * refused change created is only in `attempted`.
 */
export function describeRefusal(refusal: Refusal, attempted: Y.Doc, current: Y.Doc = attempted): RefusalNotice {
  const docs = [current, attempted];
  const segments = refusal.path?.split('/') ?? [];
  const gate =
    refusal.code === 'gate_failed' && segments[0] === 'projects' && segments[1]
      ? { title: projectTitle(docs, segments[1]), to: stageOf(attempted, segments[1]) }
      : null;
  return {
    code: refusal.code,
    place: refusal.path ? placeOf(segments, docs) : null,
    gate,
    conditions: refusal.conditions ?? [],
    reason: (FORBIDDEN_REASONS as readonly string[]).includes(refusal.reason ?? '')
      ? (refusal.reason as ForbiddenReason)
      : null,
    all: refusal.all,
  };
}

function placeOf([root, id, field, entry, entryField]: string[], docs: Y.Doc[]): RefusalPlace {
  if (root === 'meta') return { kind: 'meta', field: id ? fieldName(id, META_FIELDS) : null };
  if (root !== 'projects' || !id) return { kind: 'board' };
  const title = projectTitle(docs, id);
  if (field === 'checklist' && entry) {
    return {
      kind: 'checklistItem',
      title,
      item: checklistItemText(docs, id, entry),
      field: entryField ? fieldName(entryField, CHECKLIST_FIELDS) : null,
    };
  }
  return { kind: 'project', title, field: field ? fieldName(field, PROJECT_FIELDS) : null };
}

function fieldName<K extends string>(key: string, known: readonly K[]): FieldName<K> {
  return (known as readonly string[]).includes(key) ? { known: key as K } : { raw: key };
}

/** The project's title in the first document that has the project; null when none has it, or it has none. */
function projectTitle(docs: Y.Doc[], id: string): string | null {
  const project = firstOf(docs, (doc) => projectMap(doc, id));
  const title = project ? readText(project, 'title').trim() : '';
  return title === '' ? null : title;
}

function firstOf<T>(docs: Y.Doc[], read: (doc: Y.Doc) => T | null): T | null {
  for (const doc of docs) {
    const found = read(doc);
    if (found !== null) return found;
  }
  return null;
}

function stageOf(doc: Y.Doc, id: string): Stage | null {
  const stage = projectMap(doc, id)?.get('stage');
  return isStage(stage) ? stage : null;
}

function checklistItemText(docs: Y.Doc[], projectId: string, itemId: string): string | null {
  const item = firstOf(docs, (doc) => {
    const project = projectMap(doc, projectId);
    const checklist = project && childMap(project, 'checklist');
    return checklist && childMap(checklist, itemId);
  });
  const text = item ? readText(item, 'text').trim() : '';
  return text === '' ? null : text;
}
