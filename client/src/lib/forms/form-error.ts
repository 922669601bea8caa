import { PASSWORD_ISSUES, type PasswordIssue } from '@gongjian/shared';
import { errorDetailsOf, toClientErrorCode, type ClientErrorCode, type ErrorDetail } from '../api';

/** Why a form was refused, by the server or by the same shared schema checked before sending. */
export interface FormError {
  code: ClientErrorCode;
  /** The refused fields, when the code is `invalid`. */
  fields: readonly ErrorDetail[];
}

export function toFormError(error: unknown): FormError {
  return { code: toClientErrorCode(error), fields: errorDetailsOf(error) };
}

/** A form the shared zod schema refused, told like the server's `invalid` answer. */
export function invalidForm(issues: readonly { path: readonly PropertyKey[]; message: string }[]): FormError {
  return {
    code: 'invalid',
    fields: issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
  };
}

/** Whether the error names the field (to mark it `aria-invalid`). */
export function namesField(error: FormError | null, path: string): boolean {
  return error?.fields.some((field) => field.path === path) ?? false;
}

export function isPasswordIssue(message: string): message is PasswordIssue {
  return (PASSWORD_ISSUES as readonly string[]).includes(message);
}

/** The fields whose rule the catalogs explain (`admin.rules.<field>`); others read as a generic refusal. */
export const RULE_FIELDS = [
  'username',
  'displayName',
  'name',
  'password',
  'newPassword',
  'currentPassword',
  'confirmation',
  'orgId',
  'regionId',
  'parentId',
  'level',
  'kind',
] as const;
export type RuleField = (typeof RULE_FIELDS)[number];

export function isRuleField(path: string): path is RuleField {
  return (RULE_FIELDS as readonly string[]).includes(path);
}
