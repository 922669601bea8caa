import { z } from 'zod';

export const loginBodySchema = z
  .object({
    username: z.string().trim().min(1).max(64),
    password: z.string().min(1).max(256),
  })
  .strict();
export type LoginBody = z.infer<typeof loginBodySchema>;

export interface SessionUser {
  id: string;
  username: string;
  displayName: string;
  isAdmin: boolean;
  /** The organization the user works for, if any. */
  orgId: string | null;
}

export interface BoardSummary {
  id: string;
  title: string;
  role: 'coordinator' | 'editor' | 'viewer';
}

export const createBoardBodySchema = z
  .object({ title: z.string().trim().min(1).max(200) })
  .strict();
export type CreateBoardBody = z.infer<typeof createBoardBodySchema>;

export const putMemberBodySchema = z
  .object({
    username: z.string().trim().min(1).max(64),
    role: z.enum(['coordinator', 'editor', 'viewer']),
  })
  .strict();
export type PutMemberBody = z.infer<typeof putMemberBodySchema>;
