import { Inject, Injectable } from '@nestjs/common';
import { DB, Db } from '../../base/db';

export interface AccountRow {
  id: string;
  username: string;
  displayName: string;
  orgId: string | null;
  isAdmin: boolean;
  disabled: boolean;
  createdAt: Date;
}

export interface NewAccount {
  id: string;
  username: string;
  displayName: string;
  orgId: string | null;
  isAdmin: boolean;
  passwordHash: string;
}

export interface AccountChanges {
  displayName?: string;
  orgId?: string | null;
  isAdmin?: boolean;
  disabled?: boolean;
  passwordHash?: string;
}

/** User accounts as the directory administers them (sign-in itself is the auth module's). */
@Injectable()
export class UsersRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  private selectAccounts() {
    return this.db
      .selectFrom('users')
      .select([
        'id',
        'username',
        'display_name as displayName',
        'org_id as orgId',
        'is_admin as isAdmin',
        'disabled',
        'created_at as createdAt',
      ]);
  }

  list(filter: { orgId?: string }): Promise<AccountRow[]> {
    return this.selectAccounts()
      .$if(filter.orgId !== undefined, (q) => q.where('org_id', '=', filter.orgId!))
      .orderBy('username')
      .execute();
  }

  find(id: string): Promise<AccountRow | undefined> {
    return this.selectAccounts().where('id', '=', id).executeTakeFirst();
  }

  async usernameTaken(username: string): Promise<boolean> {
    const row = await this.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst();
    return row !== undefined;
  }

  async insert(account: NewAccount): Promise<void> {
    await this.db
      .insertInto('users')
      .values({
        id: account.id,
        username: account.username,
        display_name: account.displayName,
        org_id: account.orgId,
        is_admin: account.isAdmin,
        password_hash: account.passwordHash,
      })
      .execute();
  }

  /** Applies the changes and, when asked, ends every session of the user, in one transaction. */
  async update(id: string, changes: AccountChanges, options: { endSessions: boolean }): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('users')
        .set({
          display_name: changes.displayName,
          org_id: changes.orgId,
          is_admin: changes.isAdmin,
          disabled: changes.disabled,
          password_hash: changes.passwordHash,
        })
        .where('id', '=', id)
        .execute();
      if (options.endSessions) await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
    });
  }

  async orgExists(id: string): Promise<boolean> {
    const row = await this.db.selectFrom('orgs').select('id').where('id', '=', id).executeTakeFirst();
    return row !== undefined;
  }
}
