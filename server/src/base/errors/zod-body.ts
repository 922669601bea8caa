import type { z } from 'zod';
import { AppError } from './app-error';

/** Parses an untrusted value with a shared zod schema; refusal is `invalid` with the issues. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new AppError(
      'invalid',
      undefined,
      result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    );
  }
  return result.data;
}
