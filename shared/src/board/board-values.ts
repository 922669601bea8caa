import { z } from 'zod';
import { BRAND_ACTIVITIES, CHECKLIST_STATUSES, LINKAGES, PROJECT_CATEGORIES, STAGES } from './board-enums';

/**
 * zod schemas of every plain value stored in a board document (DESIGN.md §6,
 * docs/document-schema.md). Y.Text and Y.Map containers are described in `board-schema.ts`.
 */

export const entityIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'ids are 1–64 URL-safe characters');
export const orgIdSchema = entityIdSchema;
/** Orgs named together, as in a ledger entry's `orgIds`. */
export const orgIdListSchema = z.array(orgIdSchema).max(100);
export const userIdSchema = z.string().min(1).max(64);
/** A calendar date, `YYYY-MM-DD` (dates without time, as people plan them). */
export const isoDateSchema = z.iso.date();
/** A moment, ISO 8601 in UTC (`2026-03-01T08:00:00.000Z`). */
export const isoDateTimeSchema = z.iso.datetime();
/** Money in fen (分), a whole, non-negative number below 10^13 (a hundred billion yuan). */
export const fenSchema = z.number().int().min(0).max(1e13);
/** Fractional-index rank: order within a collection by plain string comparison. */
export const rankSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[0-9a-z]+$/, 'rank is base-36 digits');
export const shortTextSchema = z.string().max(200);
export const longTextSchema = z.string().max(10_000);
export const voucherNoSchema = z.string().max(64);
export const unitSchema = z.string().max(20);
/** A count of people taking part in an activity. */
export const participantsSchema = z.number().int().min(0).max(10_000_000);
/** An indicator's target or actual, in its unit. */
export const measureSchema = z.number().min(0).max(1e12);
export const attachmentsSchema = z.array(z.string().max(500)).max(50);
export const yearSchema = z.number().int().min(2000).max(2100);
export const schemaVersionSchema = z.number().int().min(1);

/**
 * The longest text a command writes into each Y.Text. Validation does not hold a document to
 * them: concurrent edits that each keep within a limit can merge past it (see
 * docs/document-schema.md); the update size limit and the board quota bound a text instead.
 */
export const TEXT_LIMITS = {
  title: 200,
  description: 10_000,
  checklistText: 1000,
  notes: 10_000,
} as const;

export const stageSchema = z.enum(STAGES);
export const projectCategorySchema = z.enum(PROJECT_CATEGORIES);
export const brandActivitySchema = z.enum(BRAND_ACTIVITIES);
export const linkageSchema = z.enum(LINKAGES);
export const checklistStatusSchema = z.enum(CHECKLIST_STATUSES);
/** A score given for one criterion, 0–100. */
export const scoreValueSchema = z.number().min(0).max(100);

export const criterionSchema = z.object({
  id: entityIdSchema,
  name: shortTextSchema.min(1),
  weight: z.number().int().min(0).max(100),
});
export type Criterion = z.infer<typeof criterionSchema>;

export const SCORE_RESERVED_KEYS = ['comment', 'at'] as const;

/**
 * The board's rubric: criterion ids are unique and are not a score map's reserved keys (a score
 * map holds criterion id → score beside `comment` and `at`). Weights sum to 100 when there are
 * criteria; validateBoard checks that apart (`weights`), because a wrong sum is a different fault.
 */
export const criteriaSchema = z
  .array(criterionSchema)
  .max(20)
  .refine(
    (criteria) => new Set(criteria.map((criterion) => criterion.id)).size === criteria.length,
    'criterion ids are unique',
  )
  .refine(
    (criteria) => criteria.every((criterion) => !(SCORE_RESERVED_KEYS as readonly string[]).includes(criterion.id)),
    `criterion ids are not ${SCORE_RESERVED_KEYS.join(' or ')}`,
  );

/** Whether a rubric's weights add up as they must: to 100, or no criteria at all. */
export function weightsSumTo100(criteria: readonly Criterion[]): boolean {
  return criteria.length === 0 || criteria.reduce((sum, criterion) => sum + criterion.weight, 0) === 100;
}
