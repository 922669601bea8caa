import { z } from 'zod';
import {
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_CLASSES,
  PASSWORD_MIN_LENGTH,
  PASSWORD_PASSPHRASE_LENGTH,
  passwordSchema,
} from '../auth/password-policy';
import { ORG_KINDS } from '../board/board-enums';

/**
 * The directory (REST): regions (city → district → township/street/park), organizations in
 * regions, and user accounts. Everyone signed in reads it for pickers and labels; a system
 * administrator edits it.
 */

export const REGION_LEVELS = ['city', 'district', 'township'] as const;
export type RegionLevel = (typeof REGION_LEVELS)[number];

/** The level a region's parent must have; a city has no parent. */
export const PARENT_LEVEL: Readonly<Record<RegionLevel, RegionLevel | null>> = {
  city: null,
  district: 'city',
  township: 'district',
};

export const regionLevelSchema = z.enum(REGION_LEVELS);
export const orgKindSchema = z.enum(ORG_KINDS);

/** Any stored directory id (regions, orgs, users): opaque, URL-safe. */
export const directoryIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'id must be URL-safe');

/** An id a person chooses for a new region or org; the server makes a uuid when none is given. */
export const slugIdSchema = z.string().regex(/^[a-z0-9-]{2,64}$/, 'id must be 2–64 of a–z, 0–9 and -');

const nameSchema = z.string().trim().min(1).max(200);

export const idParamsSchema = z.object({ id: directoryIdSchema }).strict();
export type IdParams = z.infer<typeof idParamsSchema>;

// Regions

export const regionSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  level: regionLevelSchema,
  parentId: z.string().nullable(),
});
export type RegionSummary = z.infer<typeof regionSummarySchema>;

export const createRegionBodySchema = z
  .object({
    id: slugIdSchema.optional(),
    name: nameSchema,
    level: regionLevelSchema,
    /** Required for districts and townships, absent or null for a city. */
    parentId: directoryIdSchema.nullable().default(null),
  })
  .strict();
export type CreateRegionBody = z.infer<typeof createRegionBodySchema>;

/** A region may be renamed or moved; a new level must still fit its parent and its children. */
export const updateRegionBodySchema = z
  .object({
    name: nameSchema.optional(),
    level: regionLevelSchema.optional(),
    parentId: directoryIdSchema.nullable().optional(),
  })
  .strict();
export type UpdateRegionBody = z.infer<typeof updateRegionBodySchema>;

// Organizations

export const orgSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: orgKindSchema,
  regionId: z.string(),
  /** The level of the org's region (city, district or township org). */
  level: regionLevelSchema,
});
export type OrgSummary = z.infer<typeof orgSummarySchema>;

export const orgsQuerySchema = z
  .object({
    regionId: directoryIdSchema.optional(),
    kind: orgKindSchema.optional(),
  })
  .strict();
export type OrgsQuery = z.infer<typeof orgsQuerySchema>;

export const createOrgBodySchema = z
  .object({
    id: slugIdSchema.optional(),
    name: nameSchema,
    kind: orgKindSchema,
    regionId: directoryIdSchema,
  })
  .strict();
export type CreateOrgBody = z.infer<typeof createOrgBodySchema>;

export const updateOrgBodySchema = z
  .object({
    name: nameSchema.optional(),
    kind: orgKindSchema.optional(),
    regionId: directoryIdSchema.optional(),
  })
  .strict();
export type UpdateOrgBody = z.infer<typeof updateOrgBodySchema>;

// Users

/** A password an administrator sets; the username rule is checked by the server (`passwordIssues`). */
const newPasswordSchema = passwordSchema.describe(
  `${PASSWORD_MIN_LENGTH}–${PASSWORD_MAX_LENGTH} characters; below ${PASSWORD_PASSPHRASE_LENGTH}, at least ` +
    `${PASSWORD_MIN_CLASSES} of lower case, upper case, digits and others. Not a common password, not the username.`,
);

export const usernameSchema = z
  .string()
  .regex(/^[a-zA-Z0-9_.-]{2,64}$/, 'username must be 2–64 of letters, digits, _ . and -');

/** What every signed-in user may read about another: enough for pickers and names. */
export const userSummarySchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  orgId: z.string().nullable(),
});
export type UserSummary = z.infer<typeof userSummarySchema>;

/** What an administrator reads about an account. */
export const userAccountSchema = userSummarySchema.extend({
  isAdmin: z.boolean(),
  disabled: z.boolean(),
  createdAt: z.iso.datetime(),
});
export type UserAccount = z.infer<typeof userAccountSchema>;

export const usersQuerySchema = z.object({ orgId: directoryIdSchema.optional() }).strict();
export type UsersQuery = z.infer<typeof usersQuerySchema>;

export const createUserBodySchema = z
  .object({
    username: usernameSchema,
    displayName: nameSchema,
    orgId: directoryIdSchema.nullable().default(null),
    isAdmin: z.boolean().default(false),
    password: newPasswordSchema,
  })
  .strict();
export type CreateUserBody = z.infer<typeof createUserBodySchema>;

export const updateUserBodySchema = z
  .object({
    displayName: nameSchema.optional(),
    orgId: directoryIdSchema.nullable().optional(),
    isAdmin: z.boolean().optional(),
    disabled: z.boolean().optional(),
  })
  .strict();
export type UpdateUserBody = z.infer<typeof updateUserBodySchema>;

export const resetPasswordBodySchema = z.object({ password: newPasswordSchema }).strict();
export type ResetPasswordBody = z.infer<typeof resetPasswordBodySchema>;
