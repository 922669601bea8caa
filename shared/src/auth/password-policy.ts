import { z } from 'zod';

/**
 * Why a new password is refused. Each is the zod issue message of `passwordSchema` (and of
 * `passwordIssues`), a stable key the client translates (`passwordIssues.<key>` in its catalogs).
 */
export const PASSWORD_ISSUES = [
  'password_too_short',
  'password_too_long',
  'password_too_simple',
  'password_too_common',
  'password_same_as_username',
] as const;
export type PasswordIssue = (typeof PASSWORD_ISSUES)[number];

/** Fewer characters than this is always too short. */
export const PASSWORD_MIN_LENGTH = 10;
/** From this many characters on, any mix of characters will do (a passphrase). */
export const PASSWORD_PASSPHRASE_LENGTH = 16;
/** As the login form accepts (`loginBodySchema`), counted in UTF-16 code units. */
export const PASSWORD_MAX_LENGTH = 256;
/** Below the passphrase length, at least this many of lower case, upper case, digit, other. */
export const PASSWORD_MIN_CLASSES = 3;

/**
 * Passwords long enough and varied enough to pass the other rules that attackers try first
 * (compared in lower case). Shorter ones on the usual lists fail on length already.
 */
const COMMON_PASSWORDS = new Set([
  '1234567890',
  '12345678910',
  '123456789a',
  '1234567890a',
  '0123456789',
  '0987654321',
  '1111111111',
  '1q2w3e4r5t',
  '1q2w3e4r5t6y',
  '1qaz2wsx3edc',
  '1qaz@wsx3edc',
  '1qaz!qaz2wsx',
  'a123456789',
  'aa123456789',
  'aa12345678',
  'abc1234567',
  'abc123456789',
  'abc@123456',
  'abcd123456',
  'abcd@123456',
  'abcd1234!@#$',
  'admin12345',
  'admin123456',
  'admin@12345',
  'admin@123456',
  'admin1234567',
  'administrator',
  'iloveyou123',
  'letmein12345',
  'p@ssw0rd123',
  'p@ssw0rd!23',
  'p@ssword123',
  'passw0rd123',
  'password12',
  'password123',
  'password1234',
  'password123!',
  'password@123',
  'password!123',
  'password2024',
  'password2025',
  'password2026',
  'qazwsxedc123',
  'qwer1234!@#$',
  'qwerty12345',
  'qwerty123456',
  'qwerty@12345',
  'qwertyuiop',
  'qwertyuiop123',
  'qwe123!@#qwe',
  'welcome123',
  'welcome@123',
  'woaini1314',
  'woaini520!',
  'zxcvbnm123',
  'zxcvbnm@123',
  '5201314520',
  '1314520520',
  'demo123456',
  'test123456',
  'test@123456',
  'root123456',
  'changeme123',
]);

/** Lower case, upper case, digits, and everything else (punctuation, spaces, CJK characters…). */
function characterClasses(password: string): number {
  const lower = /\p{Ll}/u.test(password);
  const upper = /\p{Lu}/u.test(password);
  const digit = /\p{Nd}/u.test(password);
  const other = /[^\p{Ll}\p{Lu}\p{Nd}]/u.test(password);
  return [lower, upper, digit, other].filter(Boolean).length;
}

/**
 * Everything wrong with a new password, as issue keys; empty when it may be set. The policy
 * applies when a password is set, never at login. The username rule is checked only when the
 * username is given (`passwordSchemaFor(username)`).
 */
export function passwordIssues(password: string, username?: string): PasswordIssue[] {
  const issues: PasswordIssue[] = [];
  const length = [...password].length;
  if (password.length > PASSWORD_MAX_LENGTH) issues.push('password_too_long');
  else if (length < PASSWORD_MIN_LENGTH) issues.push('password_too_short');
  else if (length < PASSWORD_PASSPHRASE_LENGTH && characterClasses(password) < PASSWORD_MIN_CLASSES) {
    issues.push('password_too_simple');
  }
  if (COMMON_PASSWORDS.has(password.toLowerCase())) issues.push('password_too_common');
  if (username !== undefined && password.toLowerCase() === username.trim().toLowerCase()) {
    issues.push('password_same_as_username');
  }
  return issues;
}

/** A new password of the user `username`: every rule, each broken one an issue with its key as message. */
export function passwordSchemaFor(username: string | undefined) {
  return z.string().superRefine((password, ctx) => {
    for (const issue of passwordIssues(password, username)) ctx.addIssue({ code: 'custom', message: issue });
  });
}

/** A new password, every rule but the username one (for forms and documents without a user). */
export const passwordSchema = passwordSchemaFor(undefined);
