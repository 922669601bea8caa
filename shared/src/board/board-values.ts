import { z } from 'zod';
import { BRAND_ACTIVITIES, CHECKLIST_STATUSES, LINKAGES, PROJECT_CATEGORIES, STAGES } from './board-enums';

/**
 * zod schemas of every plain value stored in a board document (DESIGN.md §6,
 * docs/document-schema.md). Y.Text and Y.Map containers are described in `board-schema.ts`.
 */

export const entityIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'ids are 1–64 URL-safe characters');
export const orgIdSchema = entityIdSchema;
export const userIdSchema = z.string().min(1).max(64);
/** A calendar date, `YYYY-MM-DD` (dates without time, as people plan them). */
export const isoDateSchema = z.iso.date();
/** A moment, ISO 8601 in UTC (`2026-03-01T08:00:00.000Z`). */
export const isoDateTimeSchema = z.iso.datetime();
/** Money in fen (分), a whole, non-negative number below 10^13 (a hundred billion yuan). */
export const fenSchema = z.number().int().min(0).max(1e13);
/** Fractional-index rank: order within a collection by plain string comparison. */
export const rankSchema = z.string().min(1).max(64).regex(/^[0-9a-z]+$/, 'rank is base-36 digits');
export const shortTextSchema = z.string().max(200);
export const longTextSchema = z.string().max(10_000);

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

/** The board's rubric; weights sum to 100 (checked by validateBoard). */
export const criteriaSchema = z.array(criterionSchema).max(20);

export const SCORE_RESERVED_KEYS = ['comment', 'at'] as const;
