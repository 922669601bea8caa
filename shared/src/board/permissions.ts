import * as Y from 'yjs';
import type { BoardRole } from '../protocol/sync-protocol';
import { compareStages, isStage } from './board-enums';

/**
 * Who may write what on a board (DESIGN.md §4, §6; docs/document-schema.md "Ownership").
 *
 * The server checks every change an update would make (`DocChange`, read by the update
 * inspector) against these rules before the update is applied or logged; the client uses the
 * same rules to offer only what the user may do. A system admin acts as a coordinator.
 *
 * - viewer: reads; writes only `scores/<own org>` where that org is asked to score.
 * - `meta`, a project's deletion or replacement, its `leadOrgId` once created: coordinators.
 * - a new project: coordinators, or an editor whose org is its lead org.
 * - `scores/<orgId>`: members of that org only (coordinators too), never the lead org, and only
 *   where the org is a partner or asked to review.
 * - `expenses/<id>`: members of the expense's org only (before and after the change).
 * - a checklist item's `status`, `evidence`, `waiveReason`, `assignee`: its responsible org,
 *   the lead org or a coordinator; everything else about the item (and adding or removing
 *   items): the lead org or a coordinator.
 * - `stage` and `stageLog`: the lead org or a coordinator; moving back: coordinators.
 * - `funding/<orgId>`: that org, the lead org or a coordinator.
 * - `ledger`: the lead org, a partner org or a coordinator.
 * - every other project field: the lead org or a coordinator.
 */

/** One effect of an update, located by path (what the server's update inspector reports). */
export type DocChange =
  | { kind: 'set'; path: string[]; value: unknown }
  | { kind: 'create'; path: string[]; container: 'map' | 'text' }
  | { kind: 'text'; path: string[] }
  | { kind: 'delete'; path: string[] };

export interface Actor {
  userId: string;
  orgId: string | null;
  role: BoardRole;
}

export const FORBIDDEN_REASONS = [
  'viewer_read_only',
  'coordinator_only',
  'lead_org_only',
  'not_your_org',
  'lead_org_never_scores',
  'not_asked_to_score',
  'moving_back_coordinator_only',
] as const;
export type ForbiddenReason = (typeof FORBIDDEN_REASONS)[number];

export interface ForbiddenChange {
  /** The path refused, `/`-joined (`projects/p1/stage`). */
  path: string;
  reason: ForbiddenReason;
}

/** A project's collections (maps of entries), which the commands create when missing. */
const COLLECTIONS = new Set(['checklist', 'funding', 'expenses', 'ledger', 'indicators', 'scores', 'stageLog']);

/** Checklist item fields its responsible org may write. */
const RESPONSIBLE_FIELDS = new Set(['status', 'evidence', 'waiveReason', 'assignee']);

/**
 * The first change in `changes` the actor may not make, or null when all are allowed. `doc` is
 * the board as it is before the update.
 */
export function forbiddenChange(doc: Y.Doc, changes: readonly DocChange[], actor: Actor): ForbiddenChange | null {
  const view = new ChangeView(doc, changes);
  for (const change of changes) {
    const reason = reasonAgainst(view, change, actor);
    if (reason) return { path: change.path.join('/'), reason };
  }
  return null;
}

function reasonAgainst(view: ChangeView, change: DocChange, actor: Actor): ForbiddenReason | null {
  const { path } = change;
  const coordinator = actor.role === 'coordinator';
  const org = actor.orgId;
  if (path[0] !== 'projects') return coordinator ? null : actor.role === 'viewer' ? 'viewer_read_only' : 'coordinator_only';
  const projectId = path[1];
  if (projectId === undefined) return coordinator ? null : 'coordinator_only';
  const field = path[2];

  // A collection a project lacks (a document from elsewhere) may be created by whoever writes into it.
  const collection = path.length === 3 && change.kind === 'create' && COLLECTIONS.has(field) && !view.hadEntry(path);
  if (collection && view.existedBefore(projectId)) return actor.role === 'viewer' && field !== 'scores' ? 'viewer_read_only' : null;

  // Scores belong to their org alone, whatever the board role.
  if (field === 'scores' && path.length >= 4) {
    const scorer = path[3];
    if (scorer !== org) return 'not_your_org';
    if (view.leadOrg(projectId) === scorer) return 'lead_org_never_scores';
    if (!view.asked(projectId, scorer)) return 'not_asked_to_score';
    return null;
  }
  if (actor.role === 'viewer') return 'viewer_read_only';

  // Expenses belong to their org alone, whatever the board role.
  if (field === 'expenses' && path.length >= 4) {
    const owners = view.both([...path.slice(0, 4), 'orgId']);
    return owners.length > 0 && owners.every((owner) => owner === org) ? null : 'not_your_org';
  }

  if (field === undefined) {
    // The project itself: created, replaced or deleted.
    if (coordinator) return null;
    if (change.kind === 'create' && !view.existedBefore(projectId)) {
      return org !== null && view.after(['projects', projectId, 'leadOrgId']) === org ? null : 'lead_org_only';
    }
    return 'coordinator_only';
  }
  if (coordinator) return null;
  const lead = org !== null && view.leadOrg(projectId) === org;

  switch (field) {
    case 'leadOrgId':
      return view.isNew(projectId) ? (lead ? null : 'lead_org_only') : 'coordinator_only';
    case 'stage': {
      if (!lead) return 'lead_org_only';
      const from = view.before(path);
      const to = view.after(path);
      return isStage(from) && isStage(to) && compareStages(to, from) < 0 ? 'moving_back_coordinator_only' : null;
    }
    case 'checklist': {
      if (lead) return null;
      const item = path.slice(0, 4);
      const itemField = path[4];
      if (itemField === undefined || !RESPONSIBLE_FIELDS.has(itemField)) return 'lead_org_only';
      const owners = view.both([...item, 'orgId']);
      return org !== null && owners.length > 0 && owners.every((owner) => owner === org) ? null : 'not_your_org';
    }
    case 'funding':
      return lead || (org !== null && path[3] === org) ? null : 'not_your_org';
    case 'ledger':
      return lead || (org !== null && view.partner(projectId, org)) ? null : 'lead_org_only';
    default:
      return lead ? null : 'lead_org_only';
  }
}

/** The board before an update, and what the update's changes make of it. */
class ChangeView {
  private readonly sets = new Map<string, unknown>();
  private readonly deleted = new Set<string>();
  private readonly created = new Set<string>();

  constructor(
    private readonly doc: Y.Doc,
    changes: readonly DocChange[],
  ) {
    for (const change of changes) {
      const key = change.path.join('/');
      if (change.kind === 'set') this.sets.set(key, change.value);
      else if (change.kind === 'delete') this.deleted.add(key);
      else if (change.kind === 'create') this.created.add(key);
    }
  }

  /** A project this update creates (or replaces with a new map). */
  isNew(projectId: string): boolean {
    return this.created.has(`projects/${projectId}`);
  }

  existedBefore(projectId: string): boolean {
    return this.doc.getMap('projects').get(projectId) instanceof Y.Map;
  }

  /** Whether anything (a value or a container) was at `path` before the update. */
  hadEntry(path: string[]): boolean {
    const parent = this.navigate(path.slice(0, -1));
    return parent instanceof Y.Map && parent.has(path[path.length - 1]);
  }

  private navigate(path: string[]): unknown {
    let current: unknown = this.doc.getMap(path[0]);
    for (const key of path.slice(1)) {
      if (!(current instanceof Y.Map)) return undefined;
      current = current.get(key);
    }
    return current;
  }

  /** The value at `path` before the update; inside a project the update creates, nothing. */
  before(path: string[]): unknown {
    for (let length = 2; length < path.length; length++) {
      if (this.created.has(path.slice(0, length).join('/'))) return undefined;
    }
    const current = this.navigate(path);
    return current instanceof Y.AbstractType ? undefined : current;
  }

  /** The value at `path` once the update is applied. */
  after(path: string[]): unknown {
    const key = path.join('/');
    if (this.sets.has(key)) return this.sets.get(key);
    for (let length = path.length; length >= 2; length--) {
      if (this.deleted.has(path.slice(0, length).join('/'))) return undefined;
    }
    return this.before(path);
  }

  /** The distinct defined values at `path` before and after the update. */
  both(path: string[]): unknown[] {
    return [...new Set([this.before(path), this.after(path)])].filter((value) => value !== undefined);
  }

  /** The project's lead org as the update leaves it for a new project, as it was otherwise. */
  leadOrg(projectId: string): unknown {
    const path = ['projects', projectId, 'leadOrgId'];
    return this.isNew(projectId) ? this.after(path) : this.before(path);
  }

  partner(projectId: string, orgId: string): boolean {
    return this.after(['projects', projectId, 'partnerOrgIds', orgId]) === true;
  }

  /** Whether the org is a partner or asked to review once the update is applied. */
  asked(projectId: string, orgId: string): boolean {
    return this.partner(projectId, orgId) || this.after(['projects', projectId, 'reviewerOrgIds', orgId]) === true;
  }
}
