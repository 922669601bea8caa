import type { SessionUser } from '@gongjian/shared';
import type { AccessEventsService } from '../access';
import { UsersService } from './users.service';
import type { AccountRow, UsersRepository } from './users.repository';

const ADMIN: SessionUser = { id: 'u-admin', username: 'admin', displayName: 'Admin', isAdmin: true, orgId: null };

function account(overrides: Partial<AccountRow> = {}): AccountRow {
  return {
    id: 'u-1',
    username: 'member',
    displayName: 'Member',
    orgId: 'org-a',
    isAdmin: false,
    disabled: false,
    createdAt: new Date('2026-01-02T03:04:05Z'),
    ...overrides,
  };
}

function setup(row: AccountRow) {
  const repository = {
    find: jest.fn(async (id: string) => (id === row.id ? row : undefined)),
    update: jest.fn(async () => undefined),
    orgExists: jest.fn(async (id: string) => id.startsWith('org-')),
  };
  const accessEvents = { userChanged: jest.fn(async () => undefined) };
  const sut = new UsersService(
    repository as unknown as UsersRepository,
    accessEvents as unknown as AccessEventsService,
  );
  return { sut, repository, accessEvents };
}

describe(UsersService.name, () => {
  it('ends the sessions of a user it disables and re-checks their connections', async () => {
    const { sut, repository, accessEvents } = setup(account());
    await sut.update(ADMIN, 'u-1', { disabled: true });
    expect(repository.update).toHaveBeenCalledWith('u-1', { disabled: true }, { endSessions: true });
    expect(accessEvents.userChanged).toHaveBeenCalledWith('u-1');
  });

  it('keeps the sessions of a user moved to another organization, and re-checks their connections', async () => {
    const { sut, repository, accessEvents } = setup(account());
    await sut.update(ADMIN, 'u-1', { orgId: 'org-b' });
    expect(repository.update).toHaveBeenCalledWith('u-1', { orgId: 'org-b' }, { endSessions: false });
    expect(accessEvents.userChanged).toHaveBeenCalledWith('u-1');
  });

  it('re-checks the connections of a user whose administrator rights change', async () => {
    const { sut, accessEvents } = setup(account());
    await sut.update(ADMIN, 'u-1', { isAdmin: true });
    expect(accessEvents.userChanged).toHaveBeenCalledWith('u-1');
  });

  it('tells nobody about a new display name', async () => {
    const { sut, repository, accessEvents } = setup(account());
    await sut.update(ADMIN, 'u-1', { displayName: 'Renamed' });
    expect(repository.update).toHaveBeenCalledWith('u-1', { displayName: 'Renamed' }, { endSessions: false });
    expect(accessEvents.userChanged).not.toHaveBeenCalled();
  });

  it('writes nothing when nothing changes', async () => {
    const { sut, repository, accessEvents } = setup(account());
    await sut.update(ADMIN, 'u-1', { orgId: 'org-a', disabled: false });
    expect(repository.update).not.toHaveBeenCalled();
    expect(accessEvents.userChanged).not.toHaveBeenCalled();
  });

  it('refuses an administrator’s own demotion or disabling with conflict', async () => {
    const { sut, repository } = setup(account({ id: ADMIN.id, isAdmin: true }));
    await expect(sut.update(ADMIN, ADMIN.id, { isAdmin: false })).rejects.toMatchObject({ code: 'conflict' });
    await expect(sut.update(ADMIN, ADMIN.id, { disabled: true })).rejects.toMatchObject({ code: 'conflict' });
    expect(repository.update).not.toHaveBeenCalled();
  });

  it('ends every session on a password reset and re-checks the connections', async () => {
    const { sut, repository, accessEvents } = setup(account());
    await sut.resetPassword('u-1', { password: 'Another-Passw0rd' });
    expect(repository.update).toHaveBeenCalledWith(
      'u-1',
      { passwordHash: expect.stringMatching(/^\$argon2id\$/) },
      { endSessions: true },
    );
    expect(accessEvents.userChanged).toHaveBeenCalledWith('u-1');
  });

  it('refuses a password reset to the username with invalid', async () => {
    const { sut, repository } = setup(account({ username: 'Member-Name-26' }));
    await expect(sut.resetPassword('u-1', { password: 'member-name-26' })).rejects.toMatchObject({
      code: 'invalid',
      details: [{ path: 'password', message: 'password_same_as_username' }],
    });
    expect(repository.update).not.toHaveBeenCalled();
  });

  it('shows the account to administrators and the summary to everyone else', async () => {
    const { sut } = setup(account());
    expect(await sut.get({ ...ADMIN, isAdmin: false }, 'u-1')).toEqual({
      id: 'u-1',
      username: 'member',
      displayName: 'Member',
      orgId: 'org-a',
    });
    expect(await sut.get(ADMIN, 'u-1')).toEqual({
      id: 'u-1',
      username: 'member',
      displayName: 'Member',
      orgId: 'org-a',
      isAdmin: false,
      disabled: false,
      createdAt: '2026-01-02T03:04:05.000Z',
    });
  });
});
