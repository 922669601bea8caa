import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../base/config';
import { LoginThrottledError } from './auth.errors';
import { clientAddressKey } from './client-address.util';
import { LoginThrottleRepository, ThrottleLimits } from './login-throttle.repository';

/**
 * Sign-in limits (docs/security.md), kept in the database so that every instance sees them:
 * - a username is locked for LOGIN_LOCKOUT_MINUTES once LOGIN_MAX_FAILURES attempts in a row
 *   within LOGIN_FAILURE_WINDOW_MINUTES have failed (429 `account_locked`); unknown usernames
 *   are counted and locked the same way, so a lock tells nothing about whether a user exists;
 * - a client address is blocked for LOGIN_IP_WINDOW_MINUTES once LOGIN_IP_MAX_FAILURES sign-ins
 *   from it failed within that window, whatever the usernames (429 `rate_limited`).
 * Attempts are counted before the password is checked, so concurrent attempts cannot slip past
 * either limit; a success deletes the username's count and takes its attempt back from the address's.
 */
@Injectable()
export class LoginThrottleService {
  private readonly userLimits: ThrottleLimits;
  private readonly addressLimits: ThrottleLimits;

  constructor(
    private readonly repository: LoginThrottleRepository,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.userLimits = {
      maxFailures: config.LOGIN_MAX_FAILURES,
      windowSeconds: config.LOGIN_FAILURE_WINDOW_MINUTES * 60,
      lockSeconds: config.LOGIN_LOCKOUT_MINUTES * 60,
    };
    this.addressLimits = {
      maxFailures: config.LOGIN_IP_MAX_FAILURES,
      windowSeconds: config.LOGIN_IP_WINDOW_MINUTES * 60,
      lockSeconds: config.LOGIN_IP_WINDOW_MINUTES * 60,
    };
  }

  /** Before a password is checked: refuses a blocked address or a locked username, else counts the attempt. */
  async beginAttempt(username: string, address: string | undefined): Promise<void> {
    const blockedFor = await this.repository.lockedFor('ip', clientAddressKey(address));
    if (blockedFor !== null) throw new LoginThrottledError('rate_limited', blockedFor);
    // Counted before the check too, so a parallel burst from one address can't slip past the
    // limit; a success takes its attempt back, so only failures count in the end.
    const fromAddress = await this.repository.count('ip', clientAddressKey(address), this.addressLimits);
    if (fromAddress.failures > this.addressLimits.maxFailures) {
      throw new LoginThrottledError('rate_limited', fromAddress.retryAfterSeconds ?? this.addressLimits.lockSeconds);
    }
    const attempt = await this.repository.count('user', username, this.userLimits);
    if (attempt.failures > this.userLimits.maxFailures) {
      throw new LoginThrottledError('account_locked', attempt.retryAfterSeconds ?? this.userLimits.lockSeconds);
    }
  }

  /** The password was wrong (or the user unknown or disabled): the attempt counted at the start stands. */
  async failed(_address: string | undefined): Promise<void> {}

  async succeeded(username: string, address: string | undefined): Promise<void> {
    await this.repository.clear('user', username);
    await this.repository.uncount('ip', clientAddressKey(address));
  }

  async sweep(): Promise<void> {
    await this.repository.deleteStale(Math.max(this.userLimits.windowSeconds, this.addressLimits.windowSeconds));
  }
}
