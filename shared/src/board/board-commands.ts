import { uuidv4 } from 'lib0/random';
import * as Y from 'yjs';
import { z } from 'zod';
import {
  boardMeta,
  childMap,
  projectMap,
  projectsMap,
  readMeta,
  readProject,
  replaceText,
  type YMap,
} from './board-doc';
import { BoardCommandError } from './board-errors';
import {
  assignChecklistItemInputSchema,
  type AssignChecklistItemInput,
  type ChangeStageInput,
  changeStageInputSchema,
  checklistItemTextSchema,
  type CreateProjectInput,
  createProjectInputSchema,
  type ExpenseInput,
  expenseInputSchema,
  fundingInputSchema,
  type IndicatorInput,
  indicatorActualSchema,
  indicatorInputSchema,
  type InitBoardInput,
  initBoardInputSchema,
  type LedgerEntryInput,
  ledgerEntryInputSchema,
  type LedgerEntryPatch,
  ledgerEntryPatchSchema,
  type MoveInput,
  moveInputSchema,
  type NewChecklistItem,
  newChecklistItemSchema,
  type ScoreInput,
  scoreInputSchema,
  type SetChecklistStatusInput,
  setChecklistStatusInputSchema,
  type UpdateProjectPatch,
  updateProjectPatchSchema,
  waiveReasonSchema,
} from './board-inputs';
import { CURRENT_SCHEMA_VERSION } from './board-schema';
import {
  type Criterion,
  criteriaSchema,
  isoDateTimeSchema,
  orgIdSchema,
  rankSchema,
  SCORE_RESERVED_KEYS,
  weightsSumTo100,
} from './board-values';
import { unmetConditions, type UnmetCondition } from './gates';
import { compareRanked, rankBetween, spreadRanks } from './rank';

/**
 * The board's commands (DESIGN.md §6). Each checks all its input first (zod schemas, the entries
 * it names, the rules between fields) and throws a BoardCommandError before writing anything; then
 * it writes in ONE `doc.transact(fn, origin)`, so a peer sees the whole change or none of it and
 * can tell its own changes by `origin`. Commands take the time (`now`) and new ids from the caller
 * (an `id` in the input; a random one when it's left out), so that they are deterministic in
 * tests and on replay.
 *
 * Collections are Y.Maps keyed by id; every entry is created whole, with all its containers, in
 * one transaction, so concurrent commands never race to create the same container.
 */

/** A fresh id: 36 URL-safe characters, unique without coordination between replicas. */
export function newId(): string {
  return uuidv4();
}

type Fields = Record<string, unknown>;

function parse<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new BoardCommandError('invalid_input', `${what}: ${z.prettifyError(result.error)}`);
  return result.data;
}

function requireInitialized(doc: Y.Doc): void {
  if (boardMeta(doc).get('schemaVersion') === undefined) {
    throw new BoardCommandError('not_initialized', 'the board has no meta yet: initBoard first');
  }
}

function requireProject(doc: Y.Doc, projectId: string): YMap {
  const project = projectMap(doc, projectId);
  if (!project) throw new BoardCommandError('not_found', `no project ${projectId}`);
  return project;
}

function requireEntry(project: YMap, collection: string, entryId: string): YMap {
  const entry = childMap(project, collection)?.get(entryId);
  if (!(entry instanceof Y.Map)) throw new BoardCommandError('not_found', `no ${collection} entry ${entryId}`);
  return entry;
}

function requireAbsent(collection: YMap | null, id: string, what: string): void {
  if (collection?.has(id)) throw new BoardCommandError('already_exists', `${what} ${id} exists already`);
}

/** The Y.Map under `key`, created when a document from elsewhere lacks it. Inside a transaction. */
function ensureMap(parent: YMap, key: string): YMap {
  const existing = childMap(parent, key);
  if (existing) return existing;
  const created = new Y.Map<unknown>();
  parent.set(key, created);
  return created;
}

/** Replaces the text of the Y.Text under `key` by a minimal edit, creating it when missing. */
function writeText(parent: YMap, key: string, next: string): void {
  const text = parent.get(key);
  if (text instanceof Y.Text) replaceText(text, next);
  else parent.set(key, new Y.Text(next));
}

/** A new Y.Map holding `fields` (undefined ones left out). */
function newMap(fields: Fields): YMap {
  const map = new Y.Map<unknown>();
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) map.set(key, value);
  return map;
}

/** A new set (`Y.Map<member, true>`). */
function newSet(members: readonly string[] = []): YMap {
  return newMap(Object.fromEntries(members.map((member) => [member, true])));
}

function changeSet(parent: YMap, key: string, change: { add?: string[]; remove?: string[] } | undefined): void {
  if (!change) return;
  const set = ensureMap(parent, key);
  for (const member of change.remove ?? []) if (set.has(member)) set.delete(member);
  for (const member of change.add ?? []) if (set.get(member) !== true) set.set(member, true);
}

function setMembers(parent: YMap, key: string): Set<string> {
  const set = childMap(parent, key);
  return new Set(set ? [...set.entries()].filter(([, value]) => value === true).map(([member]) => member) : []);
}

// ─── ranks ──────────────────────────────────────────────────────────────────────────────────────

interface Ranked {
  id: string;
  rank: string;
}

function rankedEntries(collection: YMap | null, without?: string): Ranked[] {
  const entries: Ranked[] = [];
  for (const [id, entry] of collection ?? []) {
    if (id === without || !(entry instanceof Y.Map)) continue;
    const rank = entry.get('rank');
    entries.push({ id, rank: rankSchema.safeParse(rank).success ? (rank as string) : '' });
  }
  return entries.sort(compareRanked);
}

/**
 * The rank writes that put an entry at `index` among `siblings` (sorted, without the entry): its
 * own rank between its neighbours, or, when there is no room left between them (equal ranks from
 * concurrent inserts, or ranks at their longest), fresh ranks for the whole collection.
 */
function placeAt(siblings: Ranked[], index: number, id: string): Map<string, string> {
  try {
    const rank = rankBetween(siblings[index - 1]?.rank ?? null, siblings[index]?.rank ?? null);
    if (rankSchema.safeParse(rank).success) return new Map([[id, rank]]);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
  }
  const order = [...siblings.slice(0, index).map((s) => s.id), id, ...siblings.slice(index).map((s) => s.id)];
  const ranks = spreadRanks(order.length);
  return new Map(order.map((entryId, position) => [entryId, ranks[position]]));
}

/** The index among `siblings` that `move` names. */
function moveIndex(siblings: Ranked[], move: z.output<typeof moveInputSchema>): number {
  const indexOf = (id: string) => {
    const index = siblings.findIndex((sibling) => sibling.id === id);
    if (index < 0) throw new BoardCommandError('not_found', `no neighbour ${id}`);
    return index;
  };
  const afterIndex = move.after !== undefined ? indexOf(move.after) + 1 : null;
  const beforeIndex = move.before !== undefined ? indexOf(move.before) : null;
  if (afterIndex !== null && beforeIndex !== null && afterIndex !== beforeIndex) {
    throw new BoardCommandError('invalid_input', `${move.after} and ${move.before} are not neighbours`);
  }
  return afterIndex ?? beforeIndex ?? siblings.length;
}

/** Writes the ranks of existing entries of `collection` (a new entry's own rank goes into its map). */
function writeRanks(collection: YMap, ranks: Map<string, string>): void {
  for (const [id, rank] of ranks) {
    const entry = collection.get(id);
    if (entry instanceof Y.Map && entry.get('rank') !== rank) entry.set('rank', rank);
  }
}

// ─── board ──────────────────────────────────────────────────────────────────────────────────────

function parseCriteria(criteria: unknown): Criterion[] {
  const parsed = parse(criteriaSchema, criteria, 'criteria');
  if (!weightsSumTo100(parsed)) throw new BoardCommandError('weights', 'criteria weights must sum to 100');
  return parsed;
}

/** Writes a new board's `meta` at the current schema version. */
export function initBoard(doc: Y.Doc, input: InitBoardInput, origin: unknown): void {
  const board = parse(initBoardInputSchema, input, 'initBoard');
  const criteria = parseCriteria(board.criteria);
  const meta = boardMeta(doc);
  if (meta.get('schemaVersion') !== undefined)
    throw new BoardCommandError('already_initialized', 'the board has its meta already');
  doc.transact(() => {
    meta.set('schemaVersion', CURRENT_SCHEMA_VERSION);
    meta.set('title', board.title);
    if (board.regionId !== undefined) meta.set('regionId', board.regionId);
    if (board.year !== undefined) meta.set('year', board.year);
    meta.set('criteria', criteria);
  }, origin);
}

/** Replaces the board's evaluation rubric; weights must sum to 100 (or no criteria at all). */
export function setCriteria(doc: Y.Doc, criteria: Criterion[], origin: unknown): void {
  const parsed = parseCriteria(criteria);
  requireInitialized(doc);
  doc.transact(() => boardMeta(doc).set('criteria', parsed), origin);
}

// ─── projects ───────────────────────────────────────────────────────────────────────────────────

function checkOrgRoles(leadOrgId: string, partners: Set<string>, reviewers: Set<string>): void {
  if (partners.has(leadOrgId) || reviewers.has(leadOrgId)) {
    throw new BoardCommandError('invalid_input', `the lead org ${leadOrgId} is not also its own partner or reviewer`);
  }
}

function checkDates(startDate: string | null, endDate: string | null): void {
  if (startDate !== null && endDate !== null && endDate < startDate) {
    throw new BoardCommandError('invalid_input', `the end date ${endDate} is before the start date ${startDate}`);
  }
}

function newChecklistItemMap(id: string, rank: string, item: z.output<typeof newChecklistItemSchema>): YMap {
  return newMap({
    id,
    rank,
    text: new Y.Text(item.text),
    orgId: item.orgId ?? null,
    assignee: item.assignee ?? '',
    due: item.due ?? null,
    status: 'todo',
  });
}

function newIndicatorMap(id: string, indicator: z.output<typeof indicatorInputSchema>): YMap {
  return newMap({ id, name: indicator.name, unit: indicator.unit, target: indicator.target, actual: null });
}

/** Adds a project in planning at the end of the board; returns its id. */
export function createProject(doc: Y.Doc, input: CreateProjectInput, origin: unknown): string {
  const project = parse(createProjectInputSchema, input, 'createProject');
  requireInitialized(doc);
  const id = project.id ?? newId();
  const projects = projectsMap(doc);
  requireAbsent(projects, id, 'project');
  checkOrgRoles(project.leadOrgId, new Set(project.partnerOrgIds), new Set(project.reviewerOrgIds));
  checkDates(project.startDate ?? null, project.endDate ?? null);
  const checklist = (project.checklist ?? []).map((item) => ({ ...item, id: item.id ?? newId() }));
  const indicators = (project.indicators ?? []).map((indicator) => ({ ...indicator, id: indicator.id ?? newId() }));
  for (const [what, ids] of [
    ['checklist item', checklist.map((item) => item.id)],
    ['indicator', indicators.map((indicator) => indicator.id)],
  ] as const) {
    if (new Set(ids).size !== ids.length) throw new BoardCommandError('invalid_input', `${what} ids repeat`);
  }
  const siblings = rankedEntries(projects);
  const ranks = placeAt(siblings, siblings.length, id);
  const itemRanks = spreadRanks(checklist.length);

  doc.transact(() => {
    const map = newMap({
      id,
      category: project.category,
      brandActivity: project.brandActivity ?? null,
      stage: 'planning',
      rank: ranks.get(id),
      leadOrgId: project.leadOrgId,
      startDate: project.startDate ?? null,
      endDate: project.endDate ?? null,
      createdBy: project.createdBy,
      createdAt: project.now,
      title: new Y.Text(project.title),
      description: new Y.Text(project.description ?? ''),
      linkages: newSet(project.linkages),
      partnerOrgIds: newSet(project.partnerOrgIds),
      reviewerOrgIds: newSet(project.reviewerOrgIds),
      venueIds: newSet(project.venueIds),
      checklist: newMap(
        Object.fromEntries(
          checklist.map((item, index) => [item.id, newChecklistItemMap(item.id, itemRanks[index], item)]),
        ),
      ),
      funding: new Y.Map(),
      expenses: new Y.Map(),
      ledger: new Y.Map(),
      indicators: newMap(
        Object.fromEntries(indicators.map((indicator) => [indicator.id, newIndicatorMap(indicator.id, indicator)])),
      ),
      scores: new Y.Map(),
      stageLog: new Y.Map(),
    });
    ranks.delete(id);
    writeRanks(projects, ranks);
    projects.set(id, map);
  }, origin);
  return id;
}

/** Changes a project's fields, its text and its sets (members added and removed). */
export function updateProject(doc: Y.Doc, projectId: string, patch: UpdateProjectPatch, origin: unknown): void {
  const change = parse(updateProjectPatchSchema, patch, 'updateProject');
  const map = requireProject(doc, projectId);
  const current = readProject(map, projectId);
  const after = (key: 'partnerOrgIds' | 'reviewerOrgIds') => {
    const members = setMembers(map, key);
    for (const member of change[key]?.remove ?? []) members.delete(member);
    for (const member of change[key]?.add ?? []) members.add(member);
    return members;
  };
  checkOrgRoles(change.leadOrgId ?? current.leadOrgId, after('partnerOrgIds'), after('reviewerOrgIds'));
  checkDates(
    change.startDate !== undefined ? change.startDate : current.startDate,
    change.endDate !== undefined ? change.endDate : current.endDate,
  );

  doc.transact(() => {
    for (const key of ['category', 'brandActivity', 'leadOrgId', 'startDate', 'endDate'] as const) {
      if (change[key] !== undefined && map.get(key) !== change[key]) map.set(key, change[key]);
    }
    if (change.title !== undefined) writeText(map, 'title', change.title);
    if (change.description !== undefined) writeText(map, 'description', change.description);
    changeSet(map, 'partnerOrgIds', change.partnerOrgIds);
    changeSet(map, 'reviewerOrgIds', change.reviewerOrgIds);
    changeSet(map, 'linkages', change.linkages);
    changeSet(map, 'venueIds', change.venueIds);
  }, origin);
}

export function deleteProject(doc: Y.Doc, projectId: string, origin: unknown): void {
  requireProject(doc, projectId);
  doc.transact(() => projectsMap(doc).delete(projectId), origin);
}

/** Moves a project among the board's projects (its rank; the stage is changeStage's). */
export function moveProject(doc: Y.Doc, projectId: string, move: MoveInput, origin: unknown): void {
  const position = parse(moveInputSchema, move, 'moveProject');
  requireProject(doc, projectId);
  const projects = projectsMap(doc);
  const siblings = rankedEntries(projects, projectId);
  const ranks = placeAt(siblings, moveIndex(siblings, position), projectId);
  doc.transact(() => writeRanks(projects, ranks), origin);
}

/**
 * Moves a project to another stage through its gate (DESIGN.md §3). Returns the unmet conditions
 * and writes nothing when there are any; else sets the stage and appends a stage log entry.
 * Who may move back (coordinators) is the server's to check.
 */
export function changeStage(doc: Y.Doc, projectId: string, input: ChangeStageInput, origin: unknown): UnmetCondition[] {
  const move = parse(changeStageInputSchema, input, 'changeStage');
  const map = requireProject(doc, projectId);
  const project = readProject(map, projectId);
  const unmet = unmetConditions(project, { to: move.to, reason: move.reason, criteria: readMeta(doc).criteria });
  if (unmet.length > 0) return unmet;
  const entryId = move.id ?? newId();
  requireAbsent(childMap(map, 'stageLog'), entryId, 'stage log entry');
  doc.transact(() => {
    map.set('stage', move.to);
    ensureMap(map, 'stageLog').set(
      entryId,
      newMap({ id: entryId, from: project.stage, to: move.to, by: move.by, at: move.now, reason: move.reason }),
    );
  }, origin);
  return [];
}

// ─── checklist ──────────────────────────────────────────────────────────────────────────────────

/** Adds a checklist item (status todo) at the end of the checklist; returns its id. */
export function addChecklistItem(doc: Y.Doc, projectId: string, input: NewChecklistItem, origin: unknown): string {
  const item = parse(newChecklistItemSchema, input, 'addChecklistItem');
  const map = requireProject(doc, projectId);
  const id = item.id ?? newId();
  const checklist = childMap(map, 'checklist');
  requireAbsent(checklist, id, 'checklist item');
  const siblings = rankedEntries(checklist);
  const ranks = placeAt(siblings, siblings.length, id);
  doc.transact(() => {
    const target = ensureMap(map, 'checklist');
    const entry = newChecklistItemMap(id, ranks.get(id)!, item);
    ranks.delete(id);
    writeRanks(target, ranks);
    target.set(id, entry);
  }, origin);
  return id;
}

/** Names who answers for an item: its responsible org (责任单位), person (责任人) and due date. */
export function assignChecklistItem(
  doc: Y.Doc,
  projectId: string,
  itemId: string,
  input: AssignChecklistItemInput,
  origin: unknown,
): void {
  const assignment = parse(assignChecklistItemInputSchema, input, 'assignChecklistItem');
  const item = requireEntry(requireProject(doc, projectId), 'checklist', itemId);
  doc.transact(() => {
    if (assignment.orgId !== undefined) item.set('orgId', assignment.orgId);
    if (assignment.assignee !== undefined) item.set('assignee', assignment.assignee);
    if (assignment.due !== undefined) item.set('due', assignment.due);
  }, origin);
}

export function moveChecklistItem(
  doc: Y.Doc,
  projectId: string,
  itemId: string,
  move: MoveInput,
  origin: unknown,
): void {
  const position = parse(moveInputSchema, move, 'moveChecklistItem');
  const map = requireProject(doc, projectId);
  requireEntry(map, 'checklist', itemId);
  const checklist = childMap(map, 'checklist')!;
  const siblings = rankedEntries(checklist, itemId);
  const ranks = placeAt(siblings, moveIndex(siblings, position), itemId);
  doc.transact(() => writeRanks(checklist, ranks), origin);
}

/** Sets an item's status to todo, doing or done, and its evidence when given. */
export function setChecklistStatus(
  doc: Y.Doc,
  projectId: string,
  itemId: string,
  input: SetChecklistStatusInput,
  origin: unknown,
): void {
  const change = parse(setChecklistStatusInputSchema, input, 'setChecklistStatus');
  const item = requireEntry(requireProject(doc, projectId), 'checklist', itemId);
  doc.transact(() => {
    item.set('status', change.status);
    // The waive reason stays: were a concurrent waive to win the status, its reason survives too.
    if (change.evidence !== undefined) item.set('evidence', change.evidence);
  }, origin);
}

/** Waives an item (免做), which needs a reason. */
export function waiveChecklistItem(
  doc: Y.Doc,
  projectId: string,
  itemId: string,
  reason: string,
  origin: unknown,
): void {
  const why = parse(waiveReasonSchema, reason, 'waiveChecklistItem');
  const item = requireEntry(requireProject(doc, projectId), 'checklist', itemId);
  doc.transact(() => {
    item.set('status', 'waived');
    item.set('waiveReason', why);
  }, origin);
}

export function editChecklistText(doc: Y.Doc, projectId: string, itemId: string, text: string, origin: unknown): void {
  const next = parse(checklistItemTextSchema, text, 'editChecklistText');
  const item = requireEntry(requireProject(doc, projectId), 'checklist', itemId);
  doc.transact(() => writeText(item, 'text', next), origin);
}

export function removeChecklistItem(doc: Y.Doc, projectId: string, itemId: string, origin: unknown): void {
  const map = requireProject(doc, projectId);
  requireEntry(map, 'checklist', itemId);
  doc.transact(() => childMap(map, 'checklist')!.delete(itemId), origin);
}

// ─── funding and expenses ───────────────────────────────────────────────────────────────────────

/** Sets an org's planned contribution in fen; 0 removes it from the plan. */
export function setFunding(doc: Y.Doc, projectId: string, orgId: string, fen: number, origin: unknown): void {
  const plan = parse(fundingInputSchema, { orgId, fen }, 'setFunding');
  const map = requireProject(doc, projectId);
  doc.transact(() => {
    const funding = ensureMap(map, 'funding');
    if (plan.fen === 0) {
      if (funding.has(plan.orgId)) funding.delete(plan.orgId);
    } else if (funding.get(plan.orgId) !== plan.fen) funding.set(plan.orgId, plan.fen);
  }, origin);
}

/** Records an expense; returns its id. */
export function addExpense(doc: Y.Doc, projectId: string, input: ExpenseInput, origin: unknown): string {
  const expense = parse(expenseInputSchema, input, 'addExpense');
  const map = requireProject(doc, projectId);
  const id = expense.id ?? newId();
  requireAbsent(childMap(map, 'expenses'), id, 'expense');
  doc.transact(() => {
    ensureMap(map, 'expenses').set(
      id,
      newMap({
        id,
        date: expense.date,
        amountFen: expense.amountFen,
        orgId: expense.orgId,
        purpose: expense.purpose ?? '',
        voucherNo: expense.voucherNo ?? '',
      }),
    );
  }, origin);
  return id;
}

export function removeExpense(doc: Y.Doc, projectId: string, expenseId: string, origin: unknown): void {
  const map = requireProject(doc, projectId);
  requireEntry(map, 'expenses', expenseId);
  doc.transact(() => childMap(map, 'expenses')!.delete(expenseId), origin);
}

// ─── ledger ─────────────────────────────────────────────────────────────────────────────────────

/** Records a ledger entry (台账记录); returns its id. */
export function addLedgerEntry(doc: Y.Doc, projectId: string, input: LedgerEntryInput, origin: unknown): string {
  const entry = parse(ledgerEntryInputSchema, input, 'addLedgerEntry');
  const map = requireProject(doc, projectId);
  const id = entry.id ?? newId();
  requireAbsent(childMap(map, 'ledger'), id, 'ledger entry');
  doc.transact(() => {
    ensureMap(map, 'ledger').set(
      id,
      newMap({
        id,
        date: entry.date,
        title: entry.title,
        venueId: entry.venueId ?? null,
        participants: entry.participants ?? 0,
        orgIds: [...(entry.orgIds ?? [])],
        attachments: [...(entry.attachments ?? [])],
        notes: new Y.Text(entry.notes ?? ''),
      }),
    );
  }, origin);
  return id;
}

export function updateLedgerEntry(
  doc: Y.Doc,
  projectId: string,
  entryId: string,
  patch: LedgerEntryPatch,
  origin: unknown,
): void {
  const change = parse(ledgerEntryPatchSchema, patch, 'updateLedgerEntry');
  const entry = requireEntry(requireProject(doc, projectId), 'ledger', entryId);
  doc.transact(() => {
    for (const key of ['date', 'title', 'venueId', 'participants'] as const) {
      if (change[key] !== undefined && entry.get(key) !== change[key]) entry.set(key, change[key]);
    }
    if (change.orgIds !== undefined) entry.set('orgIds', [...change.orgIds]);
    if (change.attachments !== undefined) entry.set('attachments', [...change.attachments]);
    if (change.notes !== undefined) writeText(entry, 'notes', change.notes);
  }, origin);
}

export function removeLedgerEntry(doc: Y.Doc, projectId: string, entryId: string, origin: unknown): void {
  const map = requireProject(doc, projectId);
  requireEntry(map, 'ledger', entryId);
  doc.transact(() => childMap(map, 'ledger')!.delete(entryId), origin);
}

// ─── indicators ─────────────────────────────────────────────────────────────────────────────────

/** Adds an indicator (实施效益), or changes the name, unit and target of the one with `id`; returns its id. */
export function setIndicator(doc: Y.Doc, projectId: string, input: IndicatorInput, origin: unknown): string {
  const indicator = parse(indicatorInputSchema, input, 'setIndicator');
  const map = requireProject(doc, projectId);
  const id = indicator.id ?? newId();
  const existing = childMap(map, 'indicators')?.get(id);
  doc.transact(() => {
    if (existing instanceof Y.Map) {
      for (const key of ['name', 'unit', 'target'] as const) {
        if (existing.get(key) !== indicator[key]) existing.set(key, indicator[key]);
      }
    } else {
      ensureMap(map, 'indicators').set(id, newIndicatorMap(id, indicator));
    }
  }, origin);
  return id;
}

/** Records an indicator's actual value; null clears it. */
export function setIndicatorActual(
  doc: Y.Doc,
  projectId: string,
  indicatorId: string,
  actual: number | null,
  origin: unknown,
): void {
  const value = parse(indicatorActualSchema, actual, 'setIndicatorActual');
  const indicator = requireEntry(requireProject(doc, projectId), 'indicators', indicatorId);
  doc.transact(() => indicator.set('actual', value), origin);
}

export function removeIndicator(doc: Y.Doc, projectId: string, indicatorId: string, origin: unknown): void {
  const map = requireProject(doc, projectId);
  requireEntry(map, 'indicators', indicatorId);
  doc.transact(() => childMap(map, 'indicators')!.delete(indicatorId), origin);
}

// ─── scores ─────────────────────────────────────────────────────────────────────────────────────

/**
 * Sets an org's scores of a project (工作联评): the given criteria, the comment, and the time.
 * Criteria it leaves out are cleared. Only a partner or reviewer org scores; the lead org never
 * scores its own project. Edits the org's score map key by key, so that two people of one org
 * scoring different criteria at once both keep theirs.
 */
export function setScore(
  doc: Y.Doc,
  projectId: string,
  scorerOrgId: string,
  input: ScoreInput,
  now: string,
  origin: unknown,
): void {
  const orgId = parse(orgIdSchema, scorerOrgId, 'setScore scorer');
  const score = parse(scoreInputSchema, input, 'setScore');
  const at = parse(isoDateTimeSchema, now, 'setScore now');
  const map = requireProject(doc, projectId);
  const project = readProject(map, projectId);
  if (orgId === project.leadOrgId)
    throw new BoardCommandError('self_score', `${orgId} leads ${projectId}: an org never scores itself`);
  if (!project.partnerOrgIds.includes(orgId) && !project.reviewerOrgIds.includes(orgId)) {
    throw new BoardCommandError('not_a_scorer', `${orgId} is neither a partner nor a reviewer of ${projectId}`);
  }
  const known = new Set(readMeta(doc).criteria.map((criterion) => criterion.id));
  const unknown = Object.keys(score.criteria).filter((id) => !known.has(id));
  if (unknown.length > 0)
    throw new BoardCommandError('invalid_input', `setScore: no criteria ${unknown.join(', ')} on this board`);

  doc.transact(() => {
    const scores = ensureMap(map, 'scores');
    const existing = childMap(scores, orgId);
    const comment = score.comment ?? '';
    if (!existing) {
      scores.set(orgId, newMap({ ...score.criteria, comment, at }));
      return;
    }
    for (const key of [...existing.keys()]) {
      if (!(SCORE_RESERVED_KEYS as readonly string[]).includes(key) && !Object.hasOwn(score.criteria, key))
        existing.delete(key);
    }
    for (const [criterionId, value] of Object.entries(score.criteria)) {
      if (existing.get(criterionId) !== value) existing.set(criterionId, value);
    }
    if (existing.get('comment') !== comment) existing.set('comment', comment);
    existing.set('at', at);
  }, origin);
}
