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

  findUserById(id: string): Promise<UserRow | undefined> {
    return this.db
      .selectFrom('users')
      .select(['id', 'username', 'display_name', 'password_hash', 'is_admin', 'disabled', 'org_id'])
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** Deletes one session; the id of its user, if it existed. */
  async deleteSession(idHash: string): Promise<string | null> {
    const row = await this.db.deleteFrom('sessions').where('id_hash', '=', idHash).returning('user_id').executeTakeFirst();
    return row?.user_id ?? null;
  }

  async deleteSessionsOfUser(userId: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('user_id', '=', userId).execute();
  }

  /** Sets a new password hash and ends every session of the user but `keepIdHash`, in one transaction. */
  async setPasswordKeepingSession(userId: string, passwordHash: string, keepIdHash: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', userId).execute();
      await trx.deleteFrom('sessions').where('user_id', '=', userId).where('id_hash', '<>', keepIdHash).execute();
    });
  }

  async deleteExpiredSessions(now: Date): Promise<void> {
    await this.db.deleteFrom('sessions').where('expires_at', '<=', now).execute();
  }
}
