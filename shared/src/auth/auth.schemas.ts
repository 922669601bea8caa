import { z } from 'zod';
import { passwordSchemaFor } from './password-policy';

export * from './password-policy';

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

export const sessionUserSchema: z.ZodType<SessionUser> = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  isAdmin: z.boolean(),
  orgId: z.string().nullable(),
});

/** The answer of login and of `GET /api/auth/me`. */
export const sessionResponseSchema = z.object({ user: sessionUserSchema });

/**
 * CSRF defence (docs/security.md): the server sets this readable cookie with the session; a
 * browser client copies it into this header on every POST, PUT, PATCH and DELETE.
 */
export const CSRF_COOKIE = 'gj_csrf';
export const CSRF_HEADER = 'X-CSRF-Token';

/** The answer of `GET /api/auth/csrf` (which also sets the cookie). */
export const csrfResponseSchema = z.object({ csrfToken: z.string() });

/** `POST /api/auth/password` of the user `username`: the new password must pass the policy. */
export function changePasswordBodySchemaFor(username: string | undefined) {
  return z
    .object({
      currentPassword: z.string().min(1).max(256),
      newPassword: passwordSchemaFor(username),
    })
    .strict();
}

/** The body of `POST /api/auth/password`, as documented (the server also checks the username rule). */
export const changePasswordBodySchema = changePasswordBodySchemaFor(undefined);
export type ChangePasswordBody = z.infer<typeof changePasswordBodySchema>;

export interface BoardSummary {
  id: string;
  title: string;
  role: 'coordinator' | 'editor' | 'viewer';
}

export const createBoardBodySchema = z
  .object({ title: z.string().trim().min(1).max(200) })
  .strict();
export type CreateBoardBody = z.infer<typeof createBoardBodySchema>;
