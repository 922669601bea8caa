import * as Y from 'yjs';
import type { z } from 'zod';
import type {
  BoardData,
  BoardMetaData,
  ChecklistItemData,
  ExpenseData,
  IndicatorData,
  LedgerEntryData,
  ProjectData,
  ScoreData,
  StageLogEntryData,
} from './board-data';
import type { Linkage } from './board-enums';
import {
  checklistItemNode,
  expenseNode,
  indicatorNode,
  ledgerEntryNode,
  metaNode,
  projectNode,
  scoreNode,
  type SchemaNode,
  stageLogEntryNode,
} from './board-schema';
import {
  entityIdSchema,
  fenSchema,
  linkageSchema,
  orgIdSchema,
  SCORE_RESERVED_KEYS,
  scoreValueSchema,
} from './board-values';
import { compareRanked, compareStrings } from './rank';

/**
 * Typed reading of a board document (DESIGN.md §6). Readers never throw: an entry that is not a
 * container where one belongs is left out, and a value that is missing, or that its schema rejects,
 * reads as the default the interfaces below document. A document the server accepted has no such
 * values (validateBoard reports them); the defaults keep a reader working on anything else.
 *
 * Defaults: text and plain strings '', nullable values null, sets and collections empty,
 * `participants` 0, `status` 'todo', `stage` 'planning', `category` 'training',
 * `schemaVersion` 0 (a board initBoard never ran on).
 */

export const META_ROOT = 'meta';
export const PROJECTS_ROOT = 'projects';

export type YMap = Y.Map<unknown>;

/** The board's `meta` map. */
export function boardMeta(doc: Y.Doc): YMap {
  return doc.getMap(META_ROOT);
}

/** The board's `projects` map: project id → project map. */
export function projectsMap(doc: Y.Doc): YMap {
  return doc.getMap(PROJECTS_ROOT);
}

/** The project's map, or null when there is none under that id. */
export function projectMap(doc: Y.Doc, projectId: string): YMap | null {
  const project = projectsMap(doc).get(projectId);
  return project instanceof Y.Map ? project : null;
}

/** The Y.Map under `key` of `map`, or null when there is none (or something else is there). */
export function childMap(map: YMap, key: string): YMap | null {
  const child = map.get(key);
  return child instanceof Y.Map ? child : null;
}

export function readMeta(doc: Y.Doc): BoardMetaData {
  const meta = boardMeta(doc);
  const read = reader(meta, metaNode);
  return {
    schemaVersion: read<number>('schemaVersion', 0),
    title: read<string>('title', ''),
    regionId: read<string | null>('regionId', null),
    year: read<number | null>('year', null),
    criteria: read('criteria', []),
  };
}

/** The whole board as plain data; projects ordered by rank, then id. */
export function readBoard(doc: Y.Doc): BoardData {
  const projects: ProjectData[] = [];
  for (const [key, value] of projectsMap(doc)) {
    if (value instanceof Y.Map) projects.push(readProject(value, key));
  }
  return { meta: readMeta(doc), projects: projects.sort(compareRanked) };
}

/**
 * One project as plain data: checklist and indicators by rank (indicators have none: by id),
 * expenses and ledger entries by date, the stage log by time, each then by id; sets as sorted
 * arrays; funding and scores with sorted keys. `key` is its key in `projects`, the id it reads
 * as when its own `id` is missing.
 */
export function readProject(map: YMap, key?: string): ProjectData {
  const read = reader(map, projectNode);
  return {
    id: read('id', key ?? ''),
    title: readText(map, 'title'),
    description: readText(map, 'description'),
    category: read('category', 'training'),
    brandActivity: read('brandActivity', null),
    stage: read('stage', 'planning'),
    rank: read('rank', ''),
    leadOrgId: read('leadOrgId', ''),
    startDate: read('startDate', null),
    endDate: read('endDate', null),
    createdBy: read('createdBy', ''),
    createdAt: read('createdAt', ''),
    linkages: readSet(map, 'linkages', linkageSchema) as Linkage[],
    partnerOrgIds: readSet(map, 'partnerOrgIds', orgIdSchema),
    reviewerOrgIds: readSet(map, 'reviewerOrgIds', orgIdSchema),
    venueIds: readSet(map, 'venueIds', entityIdSchema),
    checklist: readEntries(map, 'checklist', readChecklistItem).sort(compareRanked),
    funding: readFunding(map),
    expenses: readEntries(map, 'expenses', readExpense).sort(byDateThenId),
    ledger: readEntries(map, 'ledger', readLedgerEntry).sort(byDateThenId),
    indicators: readEntries(map, 'indicators', readIndicator).sort((a, b) => compareStrings(a.id, b.id)),
    scores: readScores(map),
    stageLog: readEntries(map, 'stageLog', readStageLogEntry).sort(
      (a, b) => compareStrings(a.at, b.at) || compareStrings(a.id, b.id),
    ),
  };
}

export function readChecklistItem(map: YMap, key: string): ChecklistItemData {
  const read = reader(map, checklistItemNode);
  return {
    id: read('id', key),
    rank: read('rank', ''),
    text: readText(map, 'text'),
    orgId: read('orgId', null),
    assignee: read('assignee', ''),
    due: read('due', null),
    status: read('status', 'todo'),
    waiveReason: read('waiveReason', ''),
    evidence: read('evidence', ''),
  };
}

export function readExpense(map: YMap, key: string): ExpenseData {
  const read = reader(map, expenseNode);
  return {
    id: read('id', key),
    date: read('date', ''),
    amountFen: read('amountFen', 0),
    orgId: read('orgId', ''),
    purpose: read('purpose', ''),
    voucherNo: read('voucherNo', ''),
  };
}

export function readLedgerEntry(map: YMap, key: string): LedgerEntryData {
  const read = reader(map, ledgerEntryNode);
  return {
    id: read('id', key),
    date: read('date', ''),
    title: read('title', ''),
    venueId: read('venueId', null),
    participants: read('participants', 0),
    orgIds: read('orgIds', []),
    attachments: read('attachments', []),
    notes: readText(map, 'notes'),
  };
}

export function readIndicator(map: YMap, key: string): IndicatorData {
  const read = reader(map, indicatorNode);
  return {
    id: read('id', key),
    name: read('name', ''),
    unit: read('unit', ''),
    target: read('target', 0),
    actual: read('actual', null),
  };
}

export function readStageLogEntry(map: YMap, key: string): StageLogEntryData {
  const read = reader(map, stageLogEntryNode);
  return {
    id: read('id', key),
    from: read('from', 'planning'),
    to: read('to', 'planning'),
    by: read('by', ''),
    at: read('at', ''),
    reason: read('reason', ''),
  };
}

export function readScore(map: YMap): ScoreData {
  const read = reader(map, scoreNode);
  const criteria: Record<string, number> = {};
  for (const key of [...map.keys()].sort(compareStrings)) {
    const value = map.get(key);
    if (isReserved(key) || !entityIdSchema.safeParse(key).success || !scoreValueSchema.safeParse(value).success)
      continue;
    setOwn(criteria, key, value as number);
  }
  return { criteria, comment: read('comment', ''), at: read('at', null) };
}

/** The string of the Y.Text under `key`, or '' when there is none. */
export function readText(map: YMap, key: string): string {
  const text = map.get(key);
  return text instanceof Y.Text ? text.toString() : '';
}

/** The keys of the set (a `Y.Map<key, true>`) under `key` that are valid members, sorted. */
function readSet(map: YMap, key: string, memberSchema: z.ZodType<string>): string[] {
  const set = childMap(map, key);
  if (!set) return [];
  return [...set.entries()]
    .filter(([member, value]) => value === true && memberSchema.safeParse(member).success)
    .map(([member]) => member)
    .sort(compareStrings);
}

function readEntries<T>(map: YMap, key: string, read: (entry: YMap, key: string) => T): T[] {
  const collection = childMap(map, key);
  if (!collection) return [];
  const entries: T[] = [];
  for (const [entryKey, entry] of collection) if (entry instanceof Y.Map) entries.push(read(entry, entryKey));
  return entries;
}

function readFunding(map: YMap): Record<string, number> {
  const funding = childMap(map, 'funding');
  const result: Record<string, number> = {};
  if (!funding) return result;
  for (const orgId of [...funding.keys()].sort(compareStrings)) {
    const fen = funding.get(orgId);
    if (orgIdSchema.safeParse(orgId).success && fenSchema.safeParse(fen).success) setOwn(result, orgId, fen as number);
  }
  return result;
}

function readScores(map: YMap): Record<string, ScoreData> {
  const scores = childMap(map, 'scores');
  const result: Record<string, ScoreData> = {};
  if (!scores) return result;
  for (const orgId of [...scores.keys()].sort(compareStrings)) {
    const score = scores.get(orgId);
    if (score instanceof Y.Map && orgIdSchema.safeParse(orgId).success) setOwn(result, orgId, readScore(score));
  }
  return result;
}

/** Sets an own property, so that an id such as `__proto__` is a key like any other. */
function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

const isReserved = (key: string): boolean => (SCORE_RESERVED_KEYS as readonly string[]).includes(key);

const byDateThenId = (a: { date: string; id: string }, b: { date: string; id: string }): number =>
  compareStrings(a.date, b.date) || compareStrings(a.id, b.id);

/**
 * A reader of the plain values of `map` as `node` describes them: the value when its schema
 * accepts it, else the fallback.
 */
function reader(map: YMap, node: SchemaNode) {
  const fields = node.kind === 'map' ? node.fields : {};
  return <T>(key: string, fallback: T): T => {
    const field = fields[key];
    const value = map.get(key);
    if (field?.kind !== 'value' || value === undefined) return fallback;
    return field.schema.safeParse(value).success ? (cloneJson(value) as T) : fallback;
  };
}

/** Arrays and objects stored in a Y.Map are shared references; readers hand out copies. */
function cloneJson(value: unknown): unknown {
  return typeof value === 'object' && value !== null ? (JSON.parse(JSON.stringify(value)) as unknown) : value;
}

/** Surrogate pairs stay whole: Y.Text would replace half a pair with U+FFFD. */
const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;

/**
 * Turns `text` into `next` by one delete and one insert between the common prefix and suffix, so
 * that an edit touches only the characters that changed and a peer's concurrent edit elsewhere
 * survives the merge. Call inside a transaction.
 */
export function replaceText(text: Y.Text, next: string): void {
  const current = text.toString();
  if (current === next) return;
  const shorter = Math.min(current.length, next.length);
  let start = 0;
  while (start < shorter && current[start] === next[start]) start++;
  if (start > 0 && isHighSurrogate(current.charCodeAt(start - 1))) start--;
  let end = 0;
  while (end < shorter - start && current[current.length - 1 - end] === next[next.length - 1 - end]) end++;
  // A suffix must not begin with the low half of a pair whose high half differs.
  if (end > 0 && isHighSurrogate(current.charCodeAt(current.length - end - 1))) end--;
  const removed = current.length - start - end;
  if (removed > 0) text.delete(start, removed);
  const inserted = next.slice(start, next.length - end);
  if (inserted) text.insert(start, inserted);
}
