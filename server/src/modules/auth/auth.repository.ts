import { Inject, Injectable } from '@nestjs/common';
import { DB, Db } from '../../base/db';

export interface UserRow {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  is_admin: boolean;
  disabled: boolean;
  org_id: string | null;
}

@Injectable()
export class AuthRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  findUserByUsername(username: string): Promise<UserRow | undefined> {
    return this.db
      .selectFrom('users')
      .select(['id', 'username', 'display_name', 'password_hash', 'is_admin', 'disabled', 'org_id'])
      .where('username', '=', username)
      .executeTakeFirst();
  }

  findUserBySession(idHash: string, now: Date): Promise<UserRow | undefined> {
    return this.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select([
        'users.id',
        'users.username',
        'users.display_name',
        'users.password_hash',
        'users.is_admin',
        'users.disabled',
        'users.org_id',
      ])
      .where('sessions.id_hash', '=', idHash)
      .where('sessions.expires_at', '>', now)
      .executeTakeFirst();
  }

  async createSession(idHash: string, userId: string, expiresAt: Date): Promise<void> {
    await this.db.insertInto('sessions').values({ id_hash: idHash, user_id: userId, expires_at: expiresAt }).execute();
  }

  async deleteSession(idHash: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
  }

  async deleteExpiredSessions(now: Date): Promise<void> {
    await this.db.deleteFrom('sessions').where('expires_at', '<=', now).execute();
  }

}
