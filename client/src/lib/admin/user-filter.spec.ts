import { describe, expect, it } from '@jest/globals';
import type { UserAccount } from '@gongjian/shared';
import { ALL_ORGS, filterUsers, NO_ORG, type UserFilter } from './user-filter';

function account(username: string, displayName: string, orgId: string | null, disabled = false): UserAccount {
  return {
    id: `id-${username}`,
    username,
    displayName,
    orgId,
    isAdmin: false,
    disabled,
    createdAt: '2026-01-01T00:00:00.000Z',
  };
}

const users = [
  account('union', '梁溪区总工会 · 王工', 'liangxi-union'),
  account('youth', '共青团梁溪区委 · 李团', 'liangxi-youth'),
  account('admin', '系统管理员', null),
  account('gone', '梁溪区总工会 · 已离职', 'liangxi-union', true),
];
const everyone: UserFilter = { search: '', org: ALL_ORGS, showDisabled: true };

function usernames(filter: Partial<UserFilter>): string[] {
  return filterUsers(users, { ...everyone, ...filter }).map((user) => user.username);
}

describe('filterUsers', () => {
  it('finds a user by part of the display name', () => {
    expect(usernames({ search: '李团' })).toEqual(['youth']);
  });

  it('finds a user by the username, ignoring case and spaces', () => {
    expect(usernames({ search: '  UNI ' })).toEqual(['union']);
  });

  it('keeps one organization’s users', () => {
    expect(usernames({ org: 'liangxi-union' }).sort()).toEqual(['gone', 'union']);
  });

  it('keeps the users without an organization', () => {
    expect(usernames({ org: NO_ORG })).toEqual(['admin']);
  });

  it('leaves disabled accounts out unless asked for', () => {
    expect(usernames({ showDisabled: false })).not.toContain('gone');
    expect(usernames({ showDisabled: true })).toContain('gone');
  });
});
