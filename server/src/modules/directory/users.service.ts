import { Injectable } from '@nestjs/common';
import {
  passwordIssues,
  type CreateUserBody,
  type ResetPasswordBody,
  type SessionUser,
  type UpdateUserBody,
  type UserAccount,
  type UserSummary,
  type UsersQuery,
} from '@gongjian/shared';
import { randomUUID } from 'node:crypto';
import { AppError } from '../../base/errors';
import { AccessEventsService } from '../access';
import { hashPassword } from '../auth';
import { lostRaceIsConflict } from './constraint-violation.util';
import { invalidField } from './directory.errors';
import { AccountRow, UsersRepository } from './users.repository';

/**
 * User accounts. Everyone signed in lists them for pickers; an administrator (checked by the
 * caller for writes) also sees and changes the account itself. A change that narrows someone's
 * access ends their sessions and tells every instance, so open sockets are re-checked.
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly repository: UsersRepository,
    private readonly accessEvents: AccessEventsService,
  ) {}

  async list(actor: SessionUser, query: UsersQuery): Promise<Array<UserSummary | UserAccount>> {
    const rows = await this.repository.list(query);
    return rows.map((row) => (actor.isAdmin ? toAccount(row) : toSummary(row)));
  }

  async get(actor: SessionUser, id: string): Promise<UserSummary | UserAccount> {
    const row = await this.account(id);
    return actor.isAdmin ? toAccount(row) : toSummary(row);
  }

  async create(body: CreateUserBody): Promise<UserAccount> {
    assertPasswordFits(body.password, body.username);
    if (body.orgId !== null) await this.assertOrgExists(body.orgId);
    if (await this.repository.usernameTaken(body.username)) {
      throw new AppError('conflict', `The username ${body.username} is taken.`);
    }
    const id = randomUUID();
    await lostRaceIsConflict(
      this.repository.insert({
        id,
        username: body.username,
        displayName: body.displayName,
        orgId: body.orgId,
        isAdmin: body.isAdmin,
        passwordHash: await hashPassword(body.password),
      }),
    );
    return toAccount(await this.account(id));
  }

  async update(actor: SessionUser, id: string, body: UpdateUserBody): Promise<UserAccount> {
    const before = await this.account(id);
    if (id === actor.id && (body.isAdmin === false || body.disabled === true)) {
      throw new AppError('conflict', 'You cannot remove your own administrator rights or disable yourself.');
    }
    if (body.orgId !== undefined && body.orgId !== null && body.orgId !== before.orgId)
      await this.assertOrgExists(body.orgId);
    const changed = {
      displayName: body.displayName !== undefined && body.displayName !== before.displayName,
      orgId: body.orgId !== undefined && body.orgId !== before.orgId,
      isAdmin: body.isAdmin !== undefined && body.isAdmin !== before.isAdmin,
      disabled: body.disabled !== undefined && body.disabled !== before.disabled,
    };
    if (!Object.values(changed).some(Boolean)) return toAccount(before);
    const disabling = changed.disabled && body.disabled === true;
    await lostRaceIsConflict(this.repository.update(id, body, { endSessions: disabling }));
    if (changed.orgId || changed.isAdmin || changed.disabled) await this.accessEvents.userChanged(id);
    return toAccount(await this.account(id));
  }

  /** Sets a new password and ends every session of the user (the administrator's own included). */
  async resetPassword(id: string, body: ResetPasswordBody): Promise<void> {
    assertPasswordFits(body.password, (await this.account(id)).username);
    await this.repository.update(id, { passwordHash: await hashPassword(body.password) }, { endSessions: true });
    await this.accessEvents.userChanged(id);
  }

  private async account(id: string): Promise<AccountRow> {
    const row = await this.repository.find(id);
    if (!row) throw new AppError('not_found', 'No such user.');
    return row;
  }

  private async assertOrgExists(orgId: string): Promise<void> {
    if (!(await this.repository.orgExists(orgId))) throw invalidField('orgId', 'No such organization.');
  }
}

/** The rule the body schema cannot check: a password is not the username. */
function assertPasswordFits(password: string, username: string): void {
  const issues = passwordIssues(password, username);
  if (issues.length > 0)
    throw new AppError(
      'invalid',
      undefined,
      issues.map((message) => ({ path: 'password', message })),
    );
}

function toSummary(row: AccountRow): UserSummary {
  return { id: row.id, username: row.username, displayName: row.displayName, orgId: row.orgId };
}

function toAccount(row: AccountRow): UserAccount {
  return { ...toSummary(row), isAdmin: row.isAdmin, disabled: row.disabled, createdAt: row.createdAt.toISOString() };
}
