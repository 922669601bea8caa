import type { ErrorBody, ErrorCode } from '@gongjian/shared';

/** The catalogue: every code's HTTP status and the message a person reads. */
const catalogue: Record<ErrorCode, { status: number; message: string }> = {
  invalid_credentials: { status: 401, message: 'Wrong username or password.' },
  unauthenticated: { status: 401, message: 'Please sign in.' },
  forbidden: { status: 403, message: 'You may not do this.' },
  csrf_failed: { status: 403, message: 'The request was refused as possibly forged (CSRF); reload the page and try again.' },
  not_found: { status: 404, message: 'Not found.' },
  invalid: { status: 400, message: 'The request is not valid.' },
  too_large: { status: 413, message: 'The request is too large.' },
  rate_limited: { status: 429, message: 'Too many requests; slow down.' },
  account_locked: { status: 429, message: 'Too many failed sign-ins; this account is locked for a while.' },
  conflict: { status: 409, message: 'That conflicts with the current state; reload and try again.' },
  gate_failed: { status: 422, message: 'The project does not meet the conditions of that stage yet.' },
  unavailable: { status: 503, message: 'The service is temporarily unavailable; try again.' },
  internal: { status: 500, message: 'Something went wrong on the server.' },
};

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: unknown,
  ) {
    super(message ?? catalogue[code].message);
    this.name = 'AppError';
  }

  get status(): number {
    return catalogue[this.code].status;
  }

  toBody(): ErrorBody & { details?: unknown } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export function httpStatusOf(code: ErrorCode): number {
  return catalogue[code].status;
}
