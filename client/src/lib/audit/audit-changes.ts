import {
  type AuditRecord,
  type Criterion,
  isStage,
  type ProjectData,
  SCORE_RESERVED_KEYS,
  type VocabularyLabels,
} from '@gongjian/shared';
import { CHECKLIST_FIELDS, META_FIELDS, PROJECT_FIELDS } from '../board/refusal-notice';
import type { MessageKey } from '../i18n';
import { formatYuan } from '../project/format';

/** `t` of the i18n module, passed in so that this module stays pure (and testable without a DOM). */
export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

/** What a record is read against: the UI language and the live board, whose names are today's. */
export interface AuditContext {
  t: Translate;
  labels: VocabularyLabels;
  /** A project of the live document, or null when it is not (any more) on the board. */
  project: (id: string) => ProjectData | null;
  /** An organization's name; its id when the directory doesn't know it. */
  orgName: (id: string) => string;
  criteria: readonly Criterion[];
}

export type AuditChange = AuditRecord['changes'][number];

/** The lines of one project (or of the board's settings, `projectId` null) in a record. */
export interface AuditGroup {
  projectId: string | null;
  title: string;
  lines: string[];
}

/**
 * A record as the trail shows it. `summary` is the stored zh-CN line, given when a change is at a
 * path this client cannot read (or when none were recorded), in place of that change.
 */
export interface AuditRecordView {
  groups: AuditGroup[];
  summary: string | null;
}

/** How a field's values read: through a vocabulary, as an org, as money, as they are, or not at all. */
type ValueKind = 'stage' | 'category' | 'brandActivity' | 'checklistStatus' | 'linkage' | 'org' | 'money' | 'plain';

/** A field whose value means nothing to a person (ranks, ids) or is too long to repeat: "edited" only. */
const HIDDEN = null;

const PROJECT_VALUES: Partial<Record<string, ValueKind | typeof HIDDEN>> = {
  stage: 'stage',
  category: 'category',
  brandActivity: 'brandActivity',
  leadOrgId: 'org',
  rank: HIDDEN,
  title: HIDDEN,
  description: HIDDEN,
};
const CHECKLIST_VALUES: Partial<Record<string, ValueKind | typeof HIDDEN>> = {
  status: 'checklistStatus',
  orgId: 'org',
  rank: HIDDEN,
  text: HIDDEN,
};
const EXPENSE_FIELDS = ['date', 'amountFen', 'orgId', 'purpose', 'voucherNo'] as const;
const EXPENSE_VALUES: Partial<Record<string, ValueKind | typeof HIDDEN>> = { amountFen: 'money', orgId: 'org' };
const LEDGER_FIELDS = ['date', 'title', 'venueId', 'participants', 'orgIds', 'attachments', 'notes'] as const;
const LEDGER_VALUES: Partial<Record<string, ValueKind | typeof HIDDEN>> = {
  orgIds: HIDDEN,
  attachments: HIDDEN,
  notes: HIDDEN,
};
const INDICATOR_FIELDS = ['name', 'unit', 'target', 'actual'] as const;
/** Sets of ids (`<field>/<member>` is set to true or deleted), with how a member reads. */
const SET_FIELDS: Partial<Record<string, ValueKind>> = {
  linkages: 'linkage',
  partnerOrgIds: 'org',
  reviewerOrgIds: 'org',
  venueIds: 'plain',
};
/** Fields every entry of a collection has but nobody edits: an id, who made it, when. */
const FIXED_FIELDS = new Set(['id', 'createdBy', 'createdAt']);

/** One change (or nothing, for what a reader can't place) in the UI language. */
interface Line {
  projectId: string | null;
  text: string | null;
}

/** Describes a record's changes, project by project, in the UI language. */
export function describeRecord(record: AuditRecord, context: AuditContext): AuditRecordView {
  const groups = new Map<string | null, AuditGroup>();
  const groupOf = (projectId: string | null): AuditGroup => {
    let group = groups.get(projectId);
    if (!group) {
      const title = projectId === null ? context.t('audit.board') : projectTitle(record, projectId, context);
      group = { projectId, title, lines: [] };
      groups.set(projectId, group);
    }
    return group;
  };
  for (const projectId of record.projectIds) groupOf(projectId);
  let unknown = record.changes.length === 0;
  // A value written over another reads as a delete of the old one beside the new one: one change.
  const written = new Set(record.changes.filter((change) => change.kind !== 'delete').map((change) => change.path));
  for (const change of record.changes) {
    if (change.kind === 'delete' && written.has(change.path)) continue;
    const line = describeChange(change, record, context);
    if (line === undefined) {
      unknown = true;
      continue;
    }
    if (line.text === null) continue;
    const group = groupOf(line.projectId);
    if (!group.lines.includes(line.text)) group.lines.push(line.text);
  }
  return { groups: [...groups.values()], summary: unknown ? record.summary : null };
}

/** A change as one line; `text` null when it says nothing of its own; undefined at a path this client can't read. */
export function describeChange(change: AuditChange, record: AuditRecord, context: AuditContext): Line | undefined {
  const [root, id, field, ...rest] = change.path.split('/');
  if (root === 'meta' && id !== undefined && field === undefined) {
    if (!(META_FIELDS as readonly string[]).includes(id)) return undefined;
    const label = context.t(`refusal.metaFields.${id as (typeof META_FIELDS)[number]}`);
    const kind = id === 'criteria' || id === 'schemaVersion' ? HIDDEN : 'plain';
    return { projectId: null, text: upperFirst(valueLine(change, label, kind, context)) };
  }
  if (root !== 'projects' || !id) return undefined;
  const text = projectLine(change, id, field, rest, record, context);
  return text === undefined ? undefined : { projectId: id, text: text === null ? null : upperFirst(text) };
}

function projectLine(
  change: AuditChange,
  projectId: string,
  field: string | undefined,
  rest: string[],
  record: AuditRecord,
  context: AuditContext,
): string | null | undefined {
  const { t } = context;
  if (field === undefined) {
    if (change.kind === 'create') return t('audit.change.createdProject');
    if (change.kind === 'delete') return t('audit.change.deletedProject');
    return undefined;
  }
  if (!(PROJECT_FIELDS as readonly string[]).includes(field)) {
    return FIXED_FIELDS.has(field) && rest.length === 0 ? null : undefined;
  }
  const label = t(`refusal.projectFields.${field as (typeof PROJECT_FIELDS)[number]}`);
  // The collection itself, created where a project lacked it (its entries are inside it).
  if (rest.length === 0 && (change.kind === 'create' || change.kind === 'delete') && isCollection(field)) {
    return t('audit.change.edited', { field: label });
  }
  const setKind = SET_FIELDS[field];
  if (setKind !== undefined) {
    if (rest.length !== 1) return undefined;
    const value = showValue(rest[0], setKind, context);
    if (change.kind === 'set') return t('audit.change.addedTo', { field: label, value });
    if (change.kind === 'delete') return t('audit.change.removedFrom', { field: label, value });
    return undefined;
  }
  const project = context.project(projectId);
  switch (field) {
    case 'checklist':
      return entryLine(change, rest, context, {
        name: (entryId) => project?.checklist.find((item) => item.id === entryId)?.text,
        named: 'audit.entity.checklistItem',
        unnamed: 'audit.entity.checklistItemUnnamed',
        fieldLabel: (key) =>
          (CHECKLIST_FIELDS as readonly string[]).includes(key)
            ? t(`refusal.checklistFields.${key as (typeof CHECKLIST_FIELDS)[number]}`)
            : undefined,
        values: CHECKLIST_VALUES,
      });
    case 'expenses':
      return entryLine(change, rest, context, {
        name: (entryId) => {
          const expense = project?.expenses.find((entry) => entry.id === entryId);
          return expense ? expense.purpose || `${expense.date} ${formatYuan(expense.amountFen)}` : undefined;
        },
        named: 'audit.entity.expense',
        unnamed: 'audit.entity.expenseUnnamed',
        fieldLabel: (key) =>
          (EXPENSE_FIELDS as readonly string[]).includes(key)
            ? t(`audit.expenseFields.${key as (typeof EXPENSE_FIELDS)[number]}`)
            : undefined,
        values: EXPENSE_VALUES,
      });
    case 'ledger':
      return entryLine(change, rest, context, {
        name: (entryId) => project?.ledger.find((entry) => entry.id === entryId)?.title,
        named: 'audit.entity.ledgerEntry',
        unnamed: 'audit.entity.ledgerEntryUnnamed',
        fieldLabel: (key) =>
          (LEDGER_FIELDS as readonly string[]).includes(key)
            ? t(`audit.ledgerFields.${key as (typeof LEDGER_FIELDS)[number]}`)
            : undefined,
        values: LEDGER_VALUES,
      });
    case 'indicators':
      return entryLine(change, rest, context, {
        name: (entryId) => project?.indicators.find((entry) => entry.id === entryId)?.name,
        named: 'audit.entity.indicator',
        unnamed: 'audit.entity.indicatorUnnamed',
        fieldLabel: (key) =>
          (INDICATOR_FIELDS as readonly string[]).includes(key)
            ? t(`audit.indicatorFields.${key as (typeof INDICATOR_FIELDS)[number]}`)
            : undefined,
        values: {},
      });
    case 'scores':
      return scoreLine(change, rest, context);
    case 'funding':
      return fundingLine(change, rest, context);
    case 'stageLog':
      return stageLogLine(change, projectId, rest, record, context);
    default: {
      if (rest.length > 0) return undefined;
      const kind = field in PROJECT_VALUES ? PROJECT_VALUES[field] : 'plain';
      return valueLine(change, label, kind ?? HIDDEN, context);
    }
  }
}

interface EntrySpec {
  /** The entry's name in the live document, if it is still there. */
  name: (entryId: string) => string | undefined;
  named: MessageKey;
  unnamed: MessageKey;
  fieldLabel: (key: string) => string | undefined;
  values: Partial<Record<string, ValueKind | typeof HIDDEN>>;
}

/** A change to an entry of a collection (`checklist/<id>[/<field>]`, `expenses/<id>…`). */
function entryLine(
  change: AuditChange,
  rest: string[],
  context: AuditContext,
  spec: EntrySpec,
): string | null | undefined {
  const { t } = context;
  const [entryId, key, ...deeper] = rest;
  if (entryId === undefined || deeper.length > 0) return undefined;
  const name = spec.name(entryId);
  const entity = name ? t(spec.named, { name }) : t(spec.unnamed);
  if (key === undefined) {
    if (change.kind === 'create') return t('audit.change.added', { thing: entity });
    if (change.kind === 'delete') return t('audit.change.removed', { thing: entity });
    return undefined;
  }
  if (FIXED_FIELDS.has(key)) return null;
  const fieldLabel = spec.fieldLabel(key);
  if (fieldLabel === undefined) return undefined;
  const kind = key in spec.values ? spec.values[key] : 'plain';
  return valueLine(change, t('audit.entityField', { entity, field: fieldLabel }), kind ?? HIDDEN, context);
}

/** `scores/<orgId>[/<criterion id> | comment | at]`. */
function scoreLine(change: AuditChange, rest: string[], context: AuditContext): string | null | undefined {
  const { t } = context;
  const [orgId, key, ...deeper] = rest;
  if (orgId === undefined || deeper.length > 0) return undefined;
  const entity = t('audit.entity.score', { org: context.orgName(orgId) });
  if (key === undefined) {
    if (change.kind === 'create') return t('audit.change.added', { thing: entity });
    if (change.kind === 'delete') return t('audit.change.removed', { thing: entity });
    return undefined;
  }
  const reserved = (SCORE_RESERVED_KEYS as readonly string[]).includes(key);
  const fieldLabel = reserved
    ? t(`audit.scoreFields.${key as (typeof SCORE_RESERVED_KEYS)[number]}`)
    : t('audit.entity.criterion', { name: context.criteria.find((criterion) => criterion.id === key)?.name ?? key });
  return valueLine(change, t('audit.entityField', { entity, field: fieldLabel }), 'plain', context);
}

/** `funding/<orgId>`: an org's planned contribution in fen. */
function fundingLine(change: AuditChange, rest: string[], context: AuditContext): string | undefined {
  const [orgId, ...deeper] = rest;
  if (orgId === undefined || deeper.length > 0) return undefined;
  const label = context.t('audit.entity.funding', { org: context.orgName(orgId) });
  if (change.kind === 'delete') return context.t('audit.change.removed', { thing: label });
  if (change.kind !== 'set') return undefined;
  return valueLine(change, label, 'money', context);
}

/**
 * `stageLog/<id>`: written with every stage move, which the record already shows as its stage
 * change; only a reason (kept when a coordinator moves a project back) adds anything.
 */
function stageLogLine(
  change: AuditChange,
  projectId: string,
  rest: string[],
  record: AuditRecord,
  context: AuditContext,
): string | null | undefined {
  const { t } = context;
  const [entryId, ...deeper] = rest;
  if (entryId === undefined) return undefined;
  if (deeper.length > 0) return t('audit.change.edited', { field: t('audit.entity.stageLogEntry') });
  if (change.kind === 'delete') return t('audit.change.removed', { thing: t('audit.entity.stageLogEntry') });
  if (change.kind !== 'create') return undefined;
  const reason = context.project(projectId)?.stageLog.find((entry) => entry.id === entryId)?.reason;
  if (reason) return t('audit.change.stageReason', { reason });
  const moved = record.changes.some((other) => other.path === `projects/${projectId}/stage`);
  return moved ? null : t('audit.change.added', { thing: t('audit.entity.stageLogEntry') });
}

/** A field set, edited (text, or a value not kept), created or deleted. */
function valueLine(change: AuditChange, field: string, kind: ValueKind | typeof HIDDEN, context: AuditContext): string {
  const { t } = context;
  if (change.kind === 'delete') return t('audit.change.removed', { thing: field });
  if (change.kind !== 'set' || kind === HIDDEN || !('new' in change)) return t('audit.change.edited', { field });
  const next = showValue(change.new, kind, context);
  if (!('old' in change)) return t('audit.change.setTo', { field, new: next });
  return t('audit.change.set', { field, old: showValue(change.old, kind, context), new: next });
}

/** A value in the UI language: vocabularies by their label, orgs by name, fen as yuan. */
export function showValue(value: unknown, kind: ValueKind, context: AuditContext): string {
  const { labels, t } = context;
  if (value === null || value === undefined || value === '') return t('audit.value.none');
  if (typeof value === 'boolean') return t(value ? 'audit.value.yes' : 'audit.value.no');
  if (typeof value === 'number') return kind === 'money' ? formatYuan(value) : String(value);
  if (typeof value !== 'string') return JSON.stringify(value);
  switch (kind) {
    case 'stage':
      return isStage(value) ? labels.stage[value] : value;
    case 'category':
      return labelOf(labels.category, value);
    case 'brandActivity':
      return labelOf(labels.brandActivity, value);
    case 'checklistStatus':
      return labelOf(labels.checklistStatus, value);
    case 'linkage':
      return labelOf(labels.linkage, value);
    case 'org':
      return context.orgName(value);
    default:
      return value;
  }
}

function labelOf(labels: Record<string, string>, value: string): string {
  return Object.hasOwn(labels, value) ? labels[value] : value;
}

function isCollection(field: string): boolean {
  return (
    field in SET_FIELDS ||
    ['checklist', 'funding', 'expenses', 'ledger', 'indicators', 'scores', 'stageLog'].includes(field)
  );
}

/**
 * A project's title as the board shows it now; for a project no longer on the board, as the
 * record's summary named it (`项目「…」：`, in the order of the record's projects).
 */
function projectTitle(record: AuditRecord, projectId: string, context: AuditContext): string {
  const project = context.project(projectId);
  if (project) return project.title || context.t('board.untitled');
  const named = titlesInSummary(record.summary);
  const index = record.projectIds.indexOf(projectId);
  return (named.length === record.projectIds.length ? named[index] : undefined) || context.t('audit.deletedProject');
}

/** The project titles a server summary names, in order. */
export function titlesInSummary(summary: string): string[] {
  return [...summary.matchAll(/项目「(.*?)」：/g)].map((match) => match[1]);
}

/** English lines start with the label of a field; a sentence starts with a capital. */
function upperFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Who made a record: the person's name, and their organization's unless the name already says it. */
export function personLabel(
  record: Pick<AuditRecord, 'userId' | 'userName' | 'orgId'>,
  context: Pick<AuditContext, 't' | 'orgName'>,
): { name: string; org: string | null } {
  const name = record.userName ?? context.t('audit.unknownUser', { id: record.userId });
  const org = record.orgId === null ? null : context.orgName(record.orgId);
  return { name, org: org !== null && !name.includes(org) ? org : null };
}
