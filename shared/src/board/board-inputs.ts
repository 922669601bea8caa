import { z } from 'zod';
import {
  attachmentsSchema,
  brandActivitySchema,
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
 * zod schemas of the inputs of the board commands (board-commands.ts), for the commands
 * themselves and for forms that want to check before they call one. Objects are strict: an
 * unknown key is a mistake, not something to ignore. `id` is optional wherever a command adds an
 * entry: without one the command makes a random id.
 */

const titleTextSchema = z.string().max(TEXT_LIMITS.title);
const descriptionTextSchema = z.string().max(TEXT_LIMITS.description);
const checklistTextSchema = z.string().max(TEXT_LIMITS.checklistText);
const notesTextSchema = z.string().max(TEXT_LIMITS.notes);
const requiredTextSchema = shortTextSchema.refine((text) => text.trim() !== '', 'must not be blank');

/** Members to add to and remove from a set; a member can't be in both. */
const setChangeSchema = <T extends z.ZodType<string>>(member: T) =>
  z
    .strictObject({ add: z.array(member).max(100).optional(), remove: z.array(member).max(100).optional() })
    .refine(
      (change) => !(change.add ?? []).some((added) => (change.remove ?? []).includes(added)),
      'a member is both added and removed',
    );

export type SetChange<T extends string = string> = { add?: T[]; remove?: T[] };

export const initBoardInputSchema = z.strictObject({
  title: requiredTextSchema,
  regionId: entityIdSchema.optional(),
  year: yearSchema.optional(),
  criteria: criteriaSchema.default([]),
});
export type InitBoardInput = z.input<typeof initBoardInputSchema>;

export const newChecklistItemSchema = z.strictObject({
  id: entityIdSchema.optional(),
  text: checklistTextSchema,
  orgId: orgIdSchema.nullable().optional(),
  assignee: shortTextSchema.optional(),
  due: isoDateSchema.nullable().optional(),
});
export type NewChecklistItem = z.input<typeof newChecklistItemSchema>;

export const indicatorInputSchema = z.strictObject({
  id: entityIdSchema.optional(),
  name: requiredTextSchema,
  unit: unitSchema,
  target: measureSchema,
});
export type IndicatorInput = z.input<typeof indicatorInputSchema>;

export const createProjectInputSchema = z.strictObject({
  id: entityIdSchema.optional(),
  category: projectCategorySchema,
  title: titleTextSchema,
  description: descriptionTextSchema.optional(),
  brandActivity: brandActivitySchema.nullable().optional(),
  leadOrgId: orgIdSchema,
  partnerOrgIds: orgIdListSchema.optional(),
  reviewerOrgIds: orgIdListSchema.optional(),
  linkages: z.array(linkageSchema).max(20).optional(),
  venueIds: z.array(entityIdSchema).max(100).optional(),
  startDate: isoDateSchema.nullable().optional(),
  endDate: isoDateSchema.nullable().optional(),
  /** A pre-filled checklist (e.g. from a template), in order. */
  checklist: z.array(newChecklistItemSchema).max(200).optional(),
  /** Pre-filled indicators (e.g. from a template). */
  indicators: z.array(indicatorInputSchema).max(100).optional(),
  createdBy: userIdSchema,
  now: isoDateTimeSchema,
});
export type CreateProjectInput = z.input<typeof createProjectInputSchema>;

export const updateProjectPatchSchema = z.strictObject({
  category: projectCategorySchema.optional(),
  brandActivity: brandActivitySchema.nullable().optional(),
  leadOrgId: orgIdSchema.optional(),
  startDate: isoDateSchema.nullable().optional(),
  endDate: isoDateSchema.nullable().optional(),
  title: titleTextSchema.optional(),
  description: descriptionTextSchema.optional(),
  partnerOrgIds: setChangeSchema(orgIdSchema).optional(),
  reviewerOrgIds: setChangeSchema(orgIdSchema).optional(),
  linkages: setChangeSchema(linkageSchema).optional(),
  venueIds: setChangeSchema(entityIdSchema).optional(),
});
export type UpdateProjectPatch = z.input<typeof updateProjectPatchSchema>;

/**
 * Where to move an entry among its siblings: right after `after`, right before `before`, or both
 * when they are neighbours; neither moves it to the end.
 */
export const moveInputSchema = z.strictObject({ after: entityIdSchema.optional(), before: entityIdSchema.optional() });
export type MoveInput = z.input<typeof moveInputSchema>;

export const changeStageInputSchema = z.strictObject({
  to: stageSchema,
  /** Required to move back. */
  reason: shortTextSchema.optional(),
  by: userIdSchema,
  now: isoDateTimeSchema,
  /** The id of the stage log entry the move writes. */
  id: entityIdSchema.optional(),
});
export type ChangeStageInput = z.input<typeof changeStageInputSchema>;

/** Who answers for a checklist item (责任单位, 责任人) and by when; at least one of them. */
export const assignChecklistItemInputSchema = z
  .strictObject({
    orgId: orgIdSchema.nullable().optional(),
    assignee: shortTextSchema.optional(),
    due: isoDateSchema.nullable().optional(),
  })
  .refine((input) => Object.values(input).some((value) => value !== undefined), 'nothing to assign');
export type AssignChecklistItemInput = z.input<typeof assignChecklistItemInputSchema>;

export const setChecklistStatusInputSchema = z.strictObject({
  /** Waiving needs a reason: waiveChecklistItem. */
  status: z.enum(['todo', 'doing', 'done']),
  evidence: longTextSchema.optional(),
});
export type SetChecklistStatusInput = z.input<typeof setChecklistStatusInputSchema>;

export const waiveReasonSchema = requiredTextSchema;
export const checklistItemTextSchema = checklistTextSchema;

export const fundingInputSchema = z.strictObject({ orgId: orgIdSchema, fen: fenSchema });

export const expenseInputSchema = z.strictObject({
  id: entityIdSchema.optional(),
  date: isoDateSchema,
  amountFen: fenSchema.refine((fen) => fen > 0, 'an expense is more than 0 fen'),
  orgId: orgIdSchema,
  purpose: shortTextSchema.optional(),
  voucherNo: voucherNoSchema.optional(),
});
export type ExpenseInput = z.input<typeof expenseInputSchema>;

const ledgerFields = {
  date: isoDateSchema,
  title: requiredTextSchema,
  venueId: entityIdSchema.nullable().optional(),
  participants: participantsSchema.optional(),
  orgIds: orgIdListSchema.optional(),
  attachments: attachmentsSchema.optional(),
  notes: notesTextSchema.optional(),
};

export const ledgerEntryInputSchema = z.strictObject({ id: entityIdSchema.optional(), ...ledgerFields });
export type LedgerEntryInput = z.input<typeof ledgerEntryInputSchema>;

export const ledgerEntryPatchSchema = z.strictObject({
  ...ledgerFields,
  date: ledgerFields.date.optional(),
  title: ledgerFields.title.optional(),
});
export type LedgerEntryPatch = z.input<typeof ledgerEntryPatchSchema>;

export const indicatorActualSchema = measureSchema.nullable();

export const scoreInputSchema = z.strictObject({
  /** criterion id → 0–100; criteria left out are cleared. */
  criteria: z.record(entityIdSchema, scoreValueSchema),
  comment: longTextSchema.optional(),
});
export type ScoreInput = z.input<typeof scoreInputSchema>;
