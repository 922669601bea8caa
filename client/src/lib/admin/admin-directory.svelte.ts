import type {
  CreateOrgBody,
  CreateRegionBody,
  CreateUserBody,
  OrgSummary,
  RegionSummary,
  UpdateOrgBody,
  UpdateRegionBody,
  UpdateUserBody,
  UserAccount,
} from '@gongjian/shared';
import { request, toClientErrorCode, type ClientErrorCode } from '../api';
import { regionPath, regionTree, type RegionNode } from './region-tree';

type Part = 'regions' | 'orgs' | 'users';

/**
 * The directory as an administrator edits it: regions, organizations and user accounts over REST.
 * A change throws the server's refusal (`ApiError`) for the form to show; after a change the lists
 * it touches are read again, so what is shown is what the server holds.
 */
export class AdminDirectory {
  #regions = $state<RegionSummary[] | null>(null);
  #orgs = $state<OrgSummary[] | null>(null);
  #users = $state<UserAccount[] | null>(null);
  #loadError = $state<ClientErrorCode | null>(null);
  readonly #tree = $derived(regionTree(this.#regions ?? []));

  get regions(): RegionSummary[] | null {
    return this.#regions;
  }
  get orgs(): OrgSummary[] | null {
    return this.#orgs;
  }
  get users(): UserAccount[] | null {
    return this.#users;
  }
  /** Why a list could not be read, if one could not. */
  get loadError(): ClientErrorCode | null {
    return this.#loadError;
  }
  /** Every region in tree order (city → district → township). */
  get tree(): RegionNode[] {
    return this.#tree;
  }

  region(id: string): RegionSummary | undefined {
    return this.#regions?.find((region) => region.id === id);
  }

  org(id: string): OrgSummary | undefined {
    return this.#orgs?.find((org) => org.id === id);
  }

  /** A region's names from the city down, joined for reading. */
  regionPathText(regionId: string): string {
    return regionPath(this.#regions ?? [], regionId).join(' / ') || regionId;
  }

  orgsIn(regionId: string): OrgSummary[] {
    return (this.#orgs ?? [])
      .filter((org) => org.regionId === regionId)
      .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
  }

  usersIn(orgId: string): number {
    return (this.#users ?? []).filter((user) => user.orgId === orgId).length;
  }

  load(): Promise<void> {
    return this.#refresh(['regions', 'orgs', 'users']);
  }

  async createUser(body: CreateUserBody): Promise<UserAccount> {
    const user = await request<UserAccount>('POST', '/api/users', body);
    await this.#refresh(['users']);
    return user;
  }

  async updateUser(id: string, body: UpdateUserBody): Promise<UserAccount> {
    const user = await request<UserAccount>('PATCH', `/api/users/${encodeURIComponent(id)}`, body);
    await this.#refresh(['users']);
    return user;
  }

  resetPassword(id: string, password: string): Promise<void> {
    return request<void>('POST', `/api/users/${encodeURIComponent(id)}/password`, { password });
  }

  async createOrg(body: CreateOrgBody): Promise<OrgSummary> {
    const org = await request<OrgSummary>('POST', '/api/orgs', body);
    await this.#refresh(['orgs']);
    return org;
  }

  async updateOrg(id: string, body: UpdateOrgBody): Promise<OrgSummary> {
    const org = await request<OrgSummary>('PATCH', `/api/orgs/${encodeURIComponent(id)}`, body);
    await this.#refresh(['orgs']);
    return org;
  }

  async deleteOrg(id: string): Promise<void> {
    await request<void>('DELETE', `/api/orgs/${encodeURIComponent(id)}`);
    await this.#refresh(['orgs']);
  }

  async createRegion(body: CreateRegionBody): Promise<RegionSummary> {
    const region = await request<RegionSummary>('POST', '/api/regions', body);
    await this.#refresh(['regions']);
    return region;
  }

  /** An organization carries its region's level, so a region's change reads the organizations again too. */
  async updateRegion(id: string, body: UpdateRegionBody): Promise<RegionSummary> {
    const region = await request<RegionSummary>('PATCH', `/api/regions/${encodeURIComponent(id)}`, body);
    await this.#refresh(['regions', 'orgs']);
    return region;
  }

  async deleteRegion(id: string): Promise<void> {
    await request<void>('DELETE', `/api/regions/${encodeURIComponent(id)}`);
    await this.#refresh(['regions']);
  }

  async #refresh(parts: Part[]): Promise<void> {
    const read = async <T>(path: string, set: (value: T) => void) => set(await request<T>('GET', path));
    try {
      await Promise.all(
        parts.map((part) =>
          part === 'regions'
            ? read<RegionSummary[]>('/api/regions', (value) => (this.#regions = value))
            : part === 'orgs'
              ? read<OrgSummary[]>('/api/orgs', (value) => (this.#orgs = value))
              : read<UserAccount[]>('/api/users', (value) => (this.#users = value)),
        ),
      );
      this.#loadError = null;
    } catch (error) {
      this.#loadError = toClientErrorCode(error);
    }
  }
}
