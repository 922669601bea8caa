import type { UserSummary } from '@gongjian/shared';
import { request, toClientErrorCode, type ClientErrorCode } from '../api';

/** The people every signed-in user may see (for pickers), from the REST directory, loaded once. */
export class UserDirectory {
  #users = $state<UserSummary[] | null>(null);
  #error = $state<ClientErrorCode | null>(null);

  /** Null until loaded (or when loading failed). */
  get users(): UserSummary[] | null {
    return this.#users;
  }
  get error(): ClientErrorCode | null {
    return this.#error;
  }

  async load(): Promise<void> {
    if (this.#users !== null) return;
    try {
      this.#users = await request<UserSummary[]>('GET', '/api/users');
      this.#error = null;
    } catch (error) {
      this.#error = toClientErrorCode(error);
    }
  }
}
