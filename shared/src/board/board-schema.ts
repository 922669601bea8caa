import { z } from 'zod';
import {
  attachmentsSchema,
  brandActivitySchema,
  checklistStatusSchema,
  criteriaSchema,
  entityIdSchema,
  fenSchema,
  isoDateSchema,
  isoDateTimeSchema,
  linkageSchema,
  longTextSchema,
  measureSchema,
  orgIdListSchema,
  orgIdSchema,
  participantsSchema,
  projectCategorySchema,
  rankSchema,
  schemaVersionSchema,
  scoreValueSchema,
  shortTextSchema,
  stageSchema,
  TEXT_LIMITS,
  unitSchema,
  userIdSchema,
  voucherNoSchema,
  yearSchema,
} from './board-values';

/**
 * The shape of a board's Y.Doc as data (DESIGN.md §6): what container or value may sit at every
 * path. validateBoard walks a document with it, the server checks every received update against
 * it before logging, and docs/document-schema.md describes the same tree.
 *
 * - `map`: a Y.Map with fixed keys (absent keys are allowed unless listed in `required`), and
 *   optionally other keys of one shape
 * - `record`: a Y.Map keyed by ids, every value of one shape
 * - `text`: a Y.Text of plain characters (no formatting, no embeds); `maxLength` is the longest
 *   text a command writes, not a bound validation holds a document to (TEXT_LIMITS says why)
 * - `value`: a plain JSON value, checked by its zod schema
 */
export type SchemaNode =
  | {
      kind: 'map';
      fields: Record<string, SchemaNode>;
      required?: readonly string[];
      /** Keys not in `fields`, if any are allowed. */
      other?: { key: z.ZodType<string>; value: SchemaNode };
    }
  | { kind: 'record'; key: z.ZodType<string>; value: SchemaNode }
  | { kind: 'text'; maxLength: number }
  | { kind: 'value'; schema: z.ZodType };

const value = (schema: z.ZodType): SchemaNode => ({ kind: 'value', schema });
const text = (maxLength: number): SchemaNode => ({ kind: 'text', maxLength });
const setOf = (key: z.ZodType<string>): SchemaNode => ({ kind: 'record', key, value: value(z.literal(true)) });

export const CURRENT_SCHEMA_VERSION = 1;

export const checklistItemNode: SchemaNode = {
  kind: 'map',
  required: ['id', 'rank', 'status'],
  fields: {
    id: value(entityIdSchema),
    rank: value(rankSchema),
    orgId: value(orgIdSchema.nullable()),
    assignee: value(shortTextSchema),
    due: value(isoDateSchema.nullable()),
    status: value(checklistStatusSchema),
    waiveReason: value(shortTextSchema),
    evidence: value(longTextSchema),
    text: text(TEXT_LIMITS.checklistText),
  },
};

export const expenseNode: SchemaNode = {
  kind: 'map',
  required: ['id', 'date', 'amountFen', 'orgId'],
  fields: {
    id: value(entityIdSchema),
    date: value(isoDateSchema),
    amountFen: value(fenSchema),
    orgId: value(orgIdSchema),
    purpose: value(shortTextSchema),
    voucherNo: value(voucherNoSchema),
  },
};

export const ledgerEntryNode: SchemaNode = {
  kind: 'map',
  required: ['id', 'date', 'title'],
  fields: {
    id: value(entityIdSchema),
    date: value(isoDateSchema),
    title: value(shortTextSchema.min(1)),
    venueId: value(entityIdSchema.nullable()),
    participants: value(participantsSchema),
    orgIds: value(orgIdListSchema),
    attachments: value(attachmentsSchema),
    notes: text(TEXT_LIMITS.notes),
  },
};

export const indicatorNode: SchemaNode = {
  kind: 'map',
  required: ['id', 'name', 'unit', 'target'],
  fields: {
    id: value(entityIdSchema),
    name: value(shortTextSchema.min(1)),
    unit: value(unitSchema),
    target: value(measureSchema),
    actual: value(measureSchema.nullable()),
  },
};

/** One org's scores: criterion id → 0–100, plus `comment` and `at` (reserved keys). */
export const scoreNode: SchemaNode = {
  kind: 'map',
  fields: { comment: value(longTextSchema), at: value(isoDateTimeSchema) },
  other: { key: entityIdSchema, value: value(scoreValueSchema) },
};

export const stageLogEntryNode: SchemaNode = {
  kind: 'map',
  required: ['id', 'from', 'to', 'by', 'at'],
  fields: {
    id: value(entityIdSchema),
    from: value(stageSchema),
    to: value(stageSchema),
    by: value(userIdSchema),
    at: value(isoDateTimeSchema),
    reason: value(shortTextSchema),
  },
};

export const projectNode: SchemaNode = {
  kind: 'map',
  required: ['id', 'category', 'stage', 'rank', 'leadOrgId', 'createdBy', 'createdAt', 'title'],
  fields: {
    id: value(entityIdSchema),
    category: value(projectCategorySchema),
    brandActivity: value(brandActivitySchema.nullable()),
    stage: value(stageSchema),
    rank: value(rankSchema),
    leadOrgId: value(orgIdSchema),
    startDate: value(isoDateSchema.nullable()),
    endDate: value(isoDateSchema.nullable()),
    createdBy: value(userIdSchema),
    createdAt: value(isoDateTimeSchema),
    title: text(TEXT_LIMITS.title),
    description: text(TEXT_LIMITS.description),
    linkages: setOf(linkageSchema),
    partnerOrgIds: setOf(orgIdSchema),
    reviewerOrgIds: setOf(orgIdSchema),
    venueIds: setOf(entityIdSchema),
    checklist: { kind: 'record', key: entityIdSchema, value: checklistItemNode },
    funding: { kind: 'record', key: orgIdSchema, value: value(fenSchema) },
    expenses: { kind: 'record', key: entityIdSchema, value: expenseNode },
    ledger: { kind: 'record', key: entityIdSchema, value: ledgerEntryNode },
    indicators: { kind: 'record', key: entityIdSchema, value: indicatorNode },
    scores: { kind: 'record', key: orgIdSchema, value: scoreNode },
    stageLog: { kind: 'record', key: entityIdSchema, value: stageLogEntryNode },
  },
};

/** The board's rubric; validation also checks that its weights sum to 100 (`weights`). */
export const criteriaNode: SchemaNode = value(criteriaSchema);

export const metaNode: SchemaNode = {
  kind: 'map',
  required: ['schemaVersion', 'title'],
  fields: {
    schemaVersion: value(schemaVersionSchema),
    title: value(shortTextSchema.min(1)),
    regionId: value(entityIdSchema),
    year: value(yearSchema),
    criteria: criteriaNode,
  },
};

/** The root types of a board document; any other root is invalid. */
export const BOARD_ROOTS: Record<string, SchemaNode> = {
  meta: metaNode,
  projects: { kind: 'record', key: entityIdSchema, value: projectNode },
};
