import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { ChangePasswordBody, LoginBody, SessionUser } from '@gongjian/shared';
import { createHash, randomBytes } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '../../base/config';
import { AppError } from '../../base/errors';
import { AccessEventsService } from '../access';
import { AuthRepository, UserRow } from './auth.repository';
import { LoginThrottleService } from './login-throttle.service';
import { hashPassword, verifyPassword } from './password';

/** Checked against when the username is unknown, so both cases take the same time. */
const DUMMY_HASH = hashPassword('not a password of anyone');

const SESSION_SWEEP_MS = 60 * 60_000;

@Injectable()
export class AuthService implements OnModuleInit, OnModuleDestroy {
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly repository: AuthRepository,
    private readonly throttle: LoginThrottleService,
    private readonly accessEvents: AccessEventsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Expired sessions and old sign-in failures are ignored on use; the sweep only keeps the tables small. */
  onModuleInit(): void {
    this.sweepTimer = setInterval(() => {
      this.repository.deleteExpiredSessions(new Date()).catch(() => undefined);
      this.throttle.sweep().catch(() => undefined);
    }, SESSION_SWEEP_MS);
    this.sweepTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweepTimer);
  }

  /**
   * Opens a session. Refused before the password is looked at while the client address is
   * blocked or the username locked (`LoginThrottleService`); an unknown or disabled user fails
   * exactly like a wrong password.
   */
  async login(
    body: LoginBody,
    address: string | undefined,
  ): Promise<{ user: SessionUser; token: string; expiresAt: Date }> {
    await this.throttle.beginAttempt(body.username, address);
    const row = await this.repository.findUserByUsername(body.username);
    const ok = await verifyPassword(row?.password_hash ?? (await DUMMY_HASH), body.password);
    if (!row || !ok || row.disabled) {
      await this.throttle.failed(address);
      throw new AppError('invalid_credentials');
    }
    await this.throttle.succeeded(body.username, address);
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.config.SESSION_TTL_HOURS * 3600_000);
    await this.repository.createSession(hashToken(token), row.id, expiresAt);
    return { user: toSessionUser(row), token, expiresAt };
  }

  async logout(token: string | undefined): Promise<void> {
    if (!token) return;
    const userId = await this.repository.deleteSession(hashToken(token));
    if (userId) await this.accessEvents.userChanged(userId);
  }

  /** Ends every session of the user, on every device; their open sockets are cut. */
  async logoutEverywhere(user: SessionUser): Promise<void> {
    await this.repository.deleteSessionsOfUser(user.id);
    await this.accessEvents.userChanged(user.id);
  }

  /**
   * Sets a new password (the controller has applied the policy, `changePasswordBodySchemaFor`)
   * after checking the current one (a wrong current password counts as a failed sign-in), and
   * ends every other session of the user.
   */
  async changePassword(
    user: SessionUser,
    sessionToken: string,
    body: ChangePasswordBody,
    address: string | undefined,
  ): Promise<void> {
    await this.throttle.beginAttempt(user.username, address);
    const row = await this.repository.findUserById(user.id);
    if (!row || !(await verifyPassword(row.password_hash, body.currentPassword))) {
      await this.throttle.failed(address);
      throw new AppError('invalid_credentials', 'The current password is wrong.');
    }
    await this.throttle.succeeded(user.username, address);
    await this.repository.setPasswordKeepingSession(
      user.id,
      await hashPassword(body.newPassword),
      hashToken(sessionToken),
    );
    await this.accessEvents.userChanged(user.id);
  }

  /** The user behind a session cookie value, or null when absent, unknown, expired or disabled. */
  async userFromToken(token: string | undefined): Promise<SessionUser | null> {
    if (!token) return null;
    const row = await this.repository.findUserBySession(hashToken(token), new Date());
    if (!row || row.disabled) return null;
    return toSessionUser(row);
  }
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function toSessionUser(row: UserRow): SessionUser {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    isAdmin: row.is_admin,
    orgId: row.org_id,
  };
}
