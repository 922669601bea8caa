import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { LoginBody, SessionUser } from '@gongjian/shared';
import { createHash, randomBytes } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '../../base/config';
import { AppError } from '../../base/errors';
import { AuthRepository, UserRow } from './auth.repository';
import { hashPassword, verifyPassword } from './password';

export const SESSION_COOKIE = 'gj_sid';

/** Checked against when the username is unknown, so both cases take the same time. */
const DUMMY_HASH = hashPassword('not a password of anyone');

const SESSION_SWEEP_MS = 60 * 60_000;

@Injectable()
export class AuthService implements OnModuleInit, OnModuleDestroy {
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly repository: AuthRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Expired sessions are refused on use; the sweep only keeps the table small. */
  onModuleInit(): void {
    this.sweepTimer = setInterval(() => {
      this.repository.deleteExpiredSessions(new Date()).catch(() => undefined);
    }, SESSION_SWEEP_MS);
    this.sweepTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweepTimer);
  }

  async login(body: LoginBody): Promise<{ user: SessionUser; token: string; expiresAt: Date }> {
    const row = await this.repository.findUserByUsername(body.username);
    const ok = await verifyPassword(row?.password_hash ?? (await DUMMY_HASH), body.password);
    if (!row || !ok || row.disabled) throw new AppError('invalid_credentials');
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.config.SESSION_TTL_HOURS * 3600_000);
    await this.repository.createSession(hashToken(token), row.id, expiresAt);
    return { user: toSessionUser(row), token, expiresAt };
  }

  async logout(token: string | undefined): Promise<void> {
    if (token) await this.repository.deleteSession(hashToken(token));
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
  return { id: row.id, username: row.username, displayName: row.display_name, isAdmin: row.is_admin, orgId: row.org_id };
}
