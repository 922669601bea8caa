/**
 * Every error code a client can receive, from REST responses (`{code, message}`) and from
 * socket acks (`{ok: false, error}`). Clients switch on these and translate them.
 */
export const ERROR_CODES = [
  'invalid_credentials',
  'unauthenticated',
  'forbidden',
  'csrf_failed',
  'not_found',
  'invalid',
  'too_large',
  'rate_limited',
  'account_locked',
  'gate_failed',
  'conflict',
  'unavailable',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorBody {
  code: ErrorCode;
  message: string;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}
