import fc from 'fast-check';
import type * as Y from 'yjs';
import {
  addChecklistItem,
  addExpense,
  addLedgerEntry,
  assignChecklistItem,
  changeStage,
  createProject,
  deleteProject,
  editChecklistText,
  moveChecklistItem,
  moveProject,
  removeChecklistItem,
  removeExpense,
  removeIndicator,
  removeLedgerEntry,
  setChecklistStatus,
  setCriteria,
  setFunding,
  setIndicator,
  setIndicatorActual,
  setScore,
  updateLedgerEntry,
  updateProject,
  waiveChecklistItem,
} from '../board-commands';
import { readMeta } from '../board-doc';
import { BRAND_ACTIVITIES, LINKAGES, PROJECT_CATEGORIES, STAGES } from '../board-enums';
import type { UpdateProjectPatch } from '../board-inputs';
import type { Criterion } from '../board-values';

/**
 * Random board commands for convergence tests: named commands over a small space of ids, so that
 * replicas often act on the same project, item or org at once (and even add under the same id).
 * A command is plain data; `applyBoardCommand` runs it. Reusable against the real server.
 */

export const PROJECT_IDS = ['p1', 'p2', 'p3', 'p4'] as const;
export const ITEM_IDS = ['c1', 'c2', 'c3', 'c4'] as const;
export const ENTRY_IDS = ['e1', 'e2', 'e3'] as const;
export const ORG_IDS = ['o1', 'o2', 'o3', 'o4'] as const;

/** Two rubrics whose criteria ids overlap, so that scores meet criteria that came and went. */
export const RUBRICS: Criterion[][] = [
  [
    { id: 'q1', name: '策划', weight: 40 },
    { id: 'q2', name: '实效', weight: 60 },
  ],
  [
    { id: 'q2', name: '实效', weight: 70 },
    { id: 'q3', name: '台账', weight: 30 },
  ],
];

const DAYS = ['2026-03-01', '2026-04-15', '2026-06-30', '2026-09-01'] as const;
const TIMES = ['2026-03-01T08:00:00.000Z', '2026-05-01T08:00:00.000Z', '2026-07-01T08:00:00.000Z'] as const;

const projectId = fc.constantFrom(...PROJECT_IDS);
const itemId = fc.constantFrom(...ITEM_IDS);
const entryId = fc.constantFrom(...ENTRY_IDS);
const orgId = fc.constantFrom(...ORG_IDS);
const day = fc.constantFrom(...DAYS);
const time = fc.constantFrom(...TIMES);
/** Short texts mixing ASCII, Chinese and a character outside the BMP (a surrogate pair). */
const text = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '职', '工', '家', '😀'), maxLength: 6 });
/** A text that is not blank, for names, titles and reasons. */
const label = text.filter((value) => value.trim() !== '');
const orgs = fc.subarray([...ORG_IDS], { maxLength: 2 });

export type BoardCommand =
  | { name: 'createProject'; id: string; leadOrgId: string; partnerOrgIds: string[]; title: string; category: string }
  | { name: 'updateProject'; id: string; patch: UpdateProjectPatch }
  | { name: 'deleteProject'; id: string }
  | { name: 'moveProject'; id: string; after?: string; before?: string }
  | { name: 'changeStage'; id: string; to: string; reason?: string }
  | { name: 'addChecklistItem'; projectId: string; id: string; text: string; orgId: string | null }
  | {
      name: 'assignChecklistItem';
      projectId: string;
      id: string;
      orgId: string | null;
      assignee: string;
      due: string | null;
    }
  | { name: 'moveChecklistItem'; projectId: string; id: string; after?: string; before?: string }
  | { name: 'setChecklistStatus'; projectId: string; id: string; status: 'todo' | 'doing' | 'done'; evidence?: string }
  | { name: 'waiveChecklistItem'; projectId: string; id: string; reason: string }
  | { name: 'editChecklistText'; projectId: string; id: string; text: string }
  | { name: 'removeChecklistItem'; projectId: string; id: string }
  | { name: 'setFunding'; projectId: string; orgId: string; fen: number }
  | { name: 'addExpense'; projectId: string; id: string; orgId: string; amountFen: number; date: string }
  | { name: 'removeExpense'; projectId: string; id: string }
  | { name: 'addLedgerEntry'; projectId: string; id: string; title: string; date: string; orgIds: string[] }
  | { name: 'updateLedgerEntry'; projectId: string; id: string; participants: number; notes: string }
  | { name: 'removeLedgerEntry'; projectId: string; id: string }
  | { name: 'setIndicator'; projectId: string; id: string; name_: string; target: number }
  | { name: 'setIndicatorActual'; projectId: string; id: string; actual: number | null }
  | { name: 'removeIndicator'; projectId: string; id: string }
  | { name: 'setScore'; projectId: string; orgId: string; criteria: Record<string, number>; at: string }
  | { name: 'setCriteria'; rubric: number };

const patch: fc.Arbitrary<UpdateProjectPatch> = fc.oneof(
  fc.record({ category: fc.constantFrom(...PROJECT_CATEGORIES) }),
  fc.record({ brandActivity: fc.option(fc.constantFrom(...BRAND_ACTIVITIES), { nil: null }) }),
  fc.record({ leadOrgId: orgId }),
  fc.record({ startDate: fc.option(day, { nil: null }) }),
  fc.record({ endDate: fc.option(day, { nil: null }) }),
  fc.record({ title: text }),
  fc.record({ description: text }),
  fc.record({ partnerOrgIds: fc.record({ add: orgs }) }),
  fc.record({ partnerOrgIds: fc.record({ remove: orgs }) }),
  fc.record({ reviewerOrgIds: fc.record({ add: orgs }) }),
  fc.record({ linkages: fc.record({ add: fc.subarray([...LINKAGES], { maxLength: 2 }) }) }),
  fc.record({ linkages: fc.record({ remove: fc.subarray([...LINKAGES], { maxLength: 2 }) }) }),
  fc.record({ venueIds: fc.record({ add: fc.subarray(['v1', 'v2'], { minLength: 1 }) }) }),
);

const neighbours = <T extends string>(ids: fc.Arbitrary<T>): fc.Arbitrary<{ after?: T; before?: T }> =>
  fc.oneof(
    fc.constant({}),
    fc.record({ after: ids }),
    fc.record({ before: ids }),
    fc.record({ after: ids, before: ids }),
  );

/** One random command over the small id space. */
export const boardCommandArbitrary: fc.Arbitrary<BoardCommand> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      name: fc.constant('createProject' as const),
      id: projectId,
      leadOrgId: orgId,
      partnerOrgIds: orgs,
      title: text,
      category: fc.constantFrom(...PROJECT_CATEGORIES),
    }),
  },
  { weight: 3, arbitrary: fc.record({ name: fc.constant('updateProject' as const), id: projectId, patch }) },
  fc.record({ name: fc.constant('deleteProject' as const), id: projectId }),
  {
    weight: 2,
    arbitrary: fc
      .tuple(projectId, neighbours(projectId))
      .map(([id, at]): BoardCommand => ({ name: 'moveProject', id, ...at })),
  },
  fc.record(
    { name: fc.constant('changeStage' as const), id: projectId, to: fc.constantFrom(...STAGES), reason: text },
    { requiredKeys: ['name', 'id', 'to'] },
  ),
  {
    weight: 3,
    arbitrary: fc.record({
      name: fc.constant('addChecklistItem' as const),
      projectId,
      id: itemId,
      text,
      orgId: fc.option(orgId, { nil: null }),
    }),
  },
  fc.record({
    name: fc.constant('assignChecklistItem' as const),
    projectId,
    id: itemId,
    orgId: fc.option(orgId, { nil: null }),
    assignee: text,
    due: fc.option(day, { nil: null }),
  }),
  {
    weight: 2,
    arbitrary: fc
      .tuple(projectId, itemId, neighbours(itemId))
      .map(([project, id, at]): BoardCommand => ({ name: 'moveChecklistItem', projectId: project, id, ...at })),
  },
  fc.record(
    {
      name: fc.constant('setChecklistStatus' as const),
      projectId,
      id: itemId,
      status: fc.constantFrom('todo' as const, 'doing' as const, 'done' as const),
      evidence: text,
    },
    { requiredKeys: ['name', 'projectId', 'id', 'status'] },
  ),
  fc.record({ name: fc.constant('waiveChecklistItem' as const), projectId, id: itemId, reason: label }),
  fc.record({ name: fc.constant('editChecklistText' as const), projectId, id: itemId, text }),
  fc.record({ name: fc.constant('removeChecklistItem' as const), projectId, id: itemId }),
  fc.record({ name: fc.constant('setFunding' as const), projectId, orgId, fen: fc.constantFrom(0, 100_000, 250_000) }),
  fc.record({
    name: fc.constant('addExpense' as const),
    projectId,
    id: entryId,
    orgId,
    amountFen: fc.integer({ min: 1, max: 1_000_000 }),
    date: day,
  }),
  fc.record({ name: fc.constant('removeExpense' as const), projectId, id: entryId }),
  fc.record({
    name: fc.constant('addLedgerEntry' as const),
    projectId,
    id: entryId,
    title: label,
    date: day,
    orgIds: orgs,
  }),
  fc.record({
    name: fc.constant('updateLedgerEntry' as const),
    projectId,
    id: entryId,
    participants: fc.nat(500),
    notes: text,
  }),
  fc.record({ name: fc.constant('removeLedgerEntry' as const), projectId, id: entryId }),
  fc.record({ name: fc.constant('setIndicator' as const), projectId, id: entryId, name_: label, target: fc.nat(1000) }),
  fc.record({
    name: fc.constant('setIndicatorActual' as const),
    projectId,
    id: entryId,
    actual: fc.option(fc.nat(1000), { nil: null }),
  }),
  fc.record({ name: fc.constant('removeIndicator' as const), projectId, id: entryId }),
  {
    weight: 2,
    arbitrary: fc.record({
      name: fc.constant('setScore' as const),
      projectId,
      orgId,
      criteria: fc.record({ q1: fc.nat(100), q2: fc.nat(100), q3: fc.nat(100) }, { requiredKeys: [] }),
      at: time,
    }),
  },
  fc.record({ name: fc.constant('setCriteria' as const), rubric: fc.nat(RUBRICS.length - 1) }),
);

/** Where a command runs: its replica's number, and a counter for the ids it must make itself. */
export interface CommandContext {
  replica: number;
  nextId: () => string;
}

const NOW = '2026-03-01T08:00:00.000Z';

/** Runs one command on `doc` with `origin`; a refusal throws BoardCommandError as the command does. */
export function applyBoardCommand(doc: Y.Doc, command: BoardCommand, context: CommandContext, origin: unknown): void {
  const by = `user-${context.replica}`;
  switch (command.name) {
    case 'createProject':
      createProject(
        doc,
        {
          id: command.id,
          category: command.category as never,
          title: command.title,
          leadOrgId: command.leadOrgId,
          partnerOrgIds: command.partnerOrgIds.filter((org) => org !== command.leadOrgId),
          createdBy: by,
          now: NOW,
        },
        origin,
      );
      return;
    case 'updateProject':
      return updateProject(doc, command.id, command.patch, origin);
    case 'deleteProject':
      return deleteProject(doc, command.id, origin);
    case 'moveProject':
      return moveProject(doc, command.id, { after: command.after, before: command.before }, origin);
    case 'changeStage':
      // Stage log entries get ids unique to the replica: an id made by a command is never shared.
      changeStage(
        doc,
        command.id,
        { to: command.to as never, reason: command.reason, by, now: NOW, id: context.nextId() },
        origin,
      );
      return;
    case 'addChecklistItem':
      addChecklistItem(doc, command.projectId, { id: command.id, text: command.text, orgId: command.orgId }, origin);
      return;
    case 'assignChecklistItem':
      return assignChecklistItem(
        doc,
        command.projectId,
        command.id,
        { orgId: command.orgId, assignee: command.assignee, due: command.due },
        origin,
      );
    case 'moveChecklistItem':
      return moveChecklistItem(
        doc,
        command.projectId,
        command.id,
        { after: command.after, before: command.before },
        origin,
      );
    case 'setChecklistStatus':
      return setChecklistStatus(
        doc,
        command.projectId,
        command.id,
        { status: command.status, evidence: command.evidence },
        origin,
      );
    case 'waiveChecklistItem':
      return waiveChecklistItem(doc, command.projectId, command.id, command.reason, origin);
    case 'editChecklistText':
      return editChecklistText(doc, command.projectId, command.id, command.text, origin);
    case 'removeChecklistItem':
      return removeChecklistItem(doc, command.projectId, command.id, origin);
    case 'setFunding':
      return setFunding(doc, command.projectId, command.orgId, command.fen, origin);
    case 'addExpense':
      addExpense(
        doc,
        command.projectId,
        { id: command.id, date: command.date, amountFen: command.amountFen, orgId: command.orgId },
        origin,
      );
      return;
    case 'removeExpense':
      return removeExpense(doc, command.projectId, command.id, origin);
    case 'addLedgerEntry':
      addLedgerEntry(
        doc,
        command.projectId,
        { id: command.id, title: command.title, date: command.date, orgIds: command.orgIds },
        origin,
      );
      return;
    case 'updateLedgerEntry':
      return updateLedgerEntry(
        doc,
        command.projectId,
        command.id,
        { participants: command.participants, notes: command.notes },
        origin,
      );
    case 'removeLedgerEntry':
      return removeLedgerEntry(doc, command.projectId, command.id, origin);
    case 'setIndicator':
      setIndicator(
        doc,
        command.projectId,
        { id: command.id, name: command.name_, unit: '人', target: command.target },
        origin,
      );
      return;
    case 'setIndicatorActual':
      return setIndicatorActual(doc, command.projectId, command.id, command.actual, origin);
    case 'removeIndicator':
      return removeIndicator(doc, command.projectId, command.id, origin);
    case 'setScore': {
      // Like a form, it offers the criteria of the rubric the replica has now.
      const known = new Set(readMeta(doc).criteria.map((criterion) => criterion.id));
      const criteria = Object.fromEntries(Object.entries(command.criteria).filter(([id]) => known.has(id)));
      return setScore(doc, command.projectId, command.orgId, { criteria }, command.at, origin);
    }
    case 'setCriteria':
      return setCriteria(doc, RUBRICS[command.rubric], origin);
  }
}
