import { loginBodySchema, type SessionUser } from '@gongjian/shared';
import { createContext } from 'svelte';
import { ApiError, request } from '../api';

/** Who is signed in. `ready` turns true once the first check with the server is done. */
export class Session {
  #user = $state<SessionUser | null>(null);
  #ready = $state(false);

  get user(): SessionUser | null {
    return this.#user;
  }

  get ready(): boolean {
    return this.#ready;
  }

  async load(): Promise<void> {
    try {
      const { user } = await request<{ user: SessionUser }>('GET', '/api/auth/me');
      this.#user = user;
    } catch {
      // Not signed in, or the server can't say: either way the sign-in page is where to go.
      this.#user = null;
    } finally {
      this.#ready = true;
    }
  }

  /** Signs in; throws `ApiError` (`invalid` for a malformed form, `invalid_credentials`, …). */
  async login(username: string, password: string): Promise<void> {
    const body = loginBodySchema.safeParse({ username, password });
    if (!body.success) throw new ApiError('invalid', 400);
    const { user } = await request<{ user: SessionUser }>('POST', '/api/auth/login', body.data);
    this.#user = user;
  }

  async logout(): Promise<void> {
    try {
      await request<void>('POST', '/api/auth/logout');
    } finally {
      this.#user = null;
    }
  }

  /** The server said the session is gone (e.g. on the sync socket). */
  expire(): void {
    this.#user = null;
  }
}

export const [useSession, setSession] = createContext<Session>();
