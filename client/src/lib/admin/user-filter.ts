import type { UserAccount } from '@gongjian/shared';

/** Which accounts the administrator's list shows. */
export interface UserFilter {
  /** Matched against the display name and the username, ignoring case and surrounding spaces. */
  search: string;
  /** `all`, `none` (no organization) or an organization's id. */
  org: string;
  showDisabled: boolean;
}

export const ALL_ORGS = 'all';
export const NO_ORG = 'none';

/** The accounts that match, by display name. */
export function filterUsers(users: readonly UserAccount[], filter: UserFilter): UserAccount[] {
  const needle = filter.search.trim().toLocaleLowerCase();
  return users
    .filter((user) => filter.showDisabled || !user.disabled)
    .filter((user) =>
      filter.org === ALL_ORGS ? true : filter.org === NO_ORG ? user.orgId === null : user.orgId === filter.org,
    )
    .filter(
      (user) =>
        needle === '' ||
        user.displayName.toLocaleLowerCase().includes(needle) ||
        user.username.toLocaleLowerCase().includes(needle),
    )
    .sort((a, b) => a.displayName.localeCompare(b.displayName, 'zh-CN'));
}
