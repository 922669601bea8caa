import { AppError } from '../../base/errors';

/** SQLSTATE of a PostgreSQL (or PGlite) error: unique_violation 23505, foreign_key_violation 23503. */
function sqlState(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Runs a write whose preconditions the service has checked; if a concurrent write broke them
 * meanwhile (a duplicate key, a row still or no longer referenced), the answer is `conflict`.
 */
export async function lostRaceIsConflict(write: Promise<void>): Promise<void> {
  try {
    await write;
  } catch (error) {
    const state = sqlState(error);
    if (state === '23505' || state === '23503') throw new AppError('conflict');
    throw error;
  }
}
