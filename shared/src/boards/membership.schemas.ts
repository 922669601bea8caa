import { z } from 'zod';
import { BOARD_ROLES, type BoardRole } from '../protocol/sync-protocol';

/**
 * Board membership (REST). A user's role on a board is their own membership if they have one,
 * else their organization's, else none; a system admin is a coordinator everywhere.
 */
export const boardRoleSchema = z.enum(BOARD_ROLES);

export const putRoleBodySchema = z.object({ role: boardRoleSchema }).strict();
export type PutRoleBody = z.infer<typeof putRoleBodySchema>;

export interface UserMember {
  userId: string;
  username: string;
  displayName: string;
  orgId: string | null;
  role: BoardRole;
}

export interface OrgMember {
  orgId: string;
  name: string;
  role: BoardRole;
}

export interface BoardMembers {
  users: UserMember[];
  orgs: OrgMember[];
}

/** Response schemas (for the OpenAPI document; the TS types above are what code uses). */
export const boardSummarySchema = z.object({ id: z.string(), title: z.string(), role: boardRoleSchema });
export const boardMembersSchema = z.object({
  users: z.array(
    z.object({ userId: z.string(), username: z.string(), displayName: z.string(), orgId: z.string().nullable(), role: boardRoleSchema }),
  ),
  orgs: z.array(z.object({ orgId: z.string(), name: z.string(), role: boardRoleSchema })),
});

export const entityParamSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'id must be URL-safe');
