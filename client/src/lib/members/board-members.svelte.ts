import type { BoardMembers, BoardRole, OrgSummary, UserSummary } from '@gongjian/shared';
import { request, toClientErrorCode, type ClientErrorCode } from '../api';

/**
 * A board's members (users and organizations with their roles) and what a coordinator can do
 * about them over REST; the people and organizations that may be added come from the directory.
 */
export class BoardMembersManager {
  readonly #path: string;
  #members = $state<BoardMembers | null>(null);
  #loadError = $state<ClientErrorCode | null>(null);
  #users = $state<UserSummary[] | null>(null);
  #usersError = $state<ClientErrorCode | null>(null);
  #orgs = $state<OrgSummary[] | null>(null);
  #orgsError = $state<ClientErrorCode | null>(null);
  #busy = $state(false);
  #error = $state<ClientErrorCode | null>(null);
  /** Bumped on every reload, so that controls showing a refused choice are drawn again. */
  #version = $state(0);

  constructor(boardId: string) {
    this.#path = `/api/boards/${encodeURIComponent(boardId)}/members`;
  }

  get members(): BoardMembers | null {
    return this.#members;
  }
  /** Why the members could not be read, if they could not. */
  get loadError(): ClientErrorCode | null {
    return this.#loadError;
  }
  /** Why the people to add could not be read (then no one can be added). */
  get usersError(): ClientErrorCode | null {
    return this.#usersError;
  }
  get orgsError(): ClientErrorCode | null {
    return this.#orgsError;
  }
  get busy(): boolean {
    return this.#busy;
  }
  /** The code of the last change the server refused. */
  get error(): ClientErrorCode | null {
    return this.#error;
  }
  get version(): number {
    return this.#version;
  }

  /** People who are not members on their own yet, by name. */
  get candidateUsers(): UserSummary[] {
    const present = new Set(this.#members?.users.map((member) => member.userId));
    return (this.#users ?? [])
      .filter((user) => !present.has(user.id))
      .sort((a, b) => a.displayName.localeCompare(b.displayName, 'zh-CN'));
  }

  /** Organizations that are not members yet, by name. */
  get candidateOrgs(): OrgSummary[] {
    const present = new Set(this.#members?.orgs.map((member) => member.orgId));
    return (this.#orgs ?? [])
      .filter((org) => !present.has(org.id))
      .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
  }

  /** An organization's name; null while the directory loads (an id means little), the id if it has no such org. */
  orgName(id: string | null): string | null {
    if (id === null) return null;
    const name =
      this.#orgs?.find((org) => org.id === id)?.name ?? this.#members?.orgs.find((org) => org.orgId === id)?.name;
    if (name) return name;
    return this.#orgs === null && this.#orgsError === null ? null : id;
  }

  async load(): Promise<void> {
    await Promise.all([
      this.#reload(),
      request<UserSummary[]>('GET', '/api/users').then(
        (users) => {
          this.#users = users;
          this.#usersError = null;
        },
        (error: unknown) => {
          this.#usersError = toClientErrorCode(error);
        },
      ),
      request<OrgSummary[]>('GET', '/api/orgs').then(
        (orgs) => {
          this.#orgs = orgs;
          this.#orgsError = null;
        },
        (error: unknown) => {
          this.#orgsError = toClientErrorCode(error);
        },
      ),
    ]);
  }

  setUserRole(userId: string, role: BoardRole): Promise<boolean> {
    return this.#change('PUT', `/users/${encodeURIComponent(userId)}`, { role });
  }

  removeUser(userId: string): Promise<boolean> {
    return this.#change('DELETE', `/users/${encodeURIComponent(userId)}`);
  }

  setOrgRole(orgId: string, role: BoardRole): Promise<boolean> {
    return this.#change('PUT', `/orgs/${encodeURIComponent(orgId)}`, { role });
  }

  removeOrg(orgId: string): Promise<boolean> {
    return this.#change('DELETE', `/orgs/${encodeURIComponent(orgId)}`);
  }

  dismissError(): void {
    this.#error = null;
  }

  async #reload(): Promise<void> {
    try {
      this.#members = await request<BoardMembers>('GET', this.#path);
      this.#loadError = null;
    } catch (error) {
      this.#loadError = toClientErrorCode(error);
    } finally {
      this.#version += 1;
    }
  }

  /** Makes one change, then reads the members again (also after a refusal, so that nothing shows a choice not made). */
  async #change(method: 'PUT' | 'DELETE', path: string, body?: { role: BoardRole }): Promise<boolean> {
    this.#busy = true;
    this.#error = null;
    let ok = true;
    try {
      await request<void>(method, `${this.#path}${path}`, body);
    } catch (error) {
      this.#error = toClientErrorCode(error);
      ok = false;
    }
    await this.#reload();
    this.#busy = false;
    return ok;
  }
}
