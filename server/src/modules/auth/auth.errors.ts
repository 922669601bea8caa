import { AppError } from '../../base/errors';

/** A sign-in refused before any password check; the controller sends `Retry-After`. */
export class LoginThrottledError extends AppError {
  constructor(
    code: 'account_locked' | 'rate_limited',
    readonly retryAfterSeconds: number,
  ) {
    super(code, undefined, { retryAfterSeconds });
  }
}
