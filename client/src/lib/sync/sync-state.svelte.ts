import type { BoardRole } from '@gongjian/shared';
import { createSubscriber } from 'svelte/reactivity';
import type { BoardSyncProvider, SyncStatus } from './board-sync-provider';

/** The provider's status, role and last refusal as reactive getters. */
export class SyncState {
  readonly #provider: BoardSyncProvider;
  readonly #subscribe: () => void;

  constructor(provider: BoardSyncProvider) {
    this.#provider = provider;
    this.#subscribe = createSubscriber((update) => {
      provider.on('status', update);
      provider.on('role', update);
      provider.on('error', update);
      return () => {
        provider.off('status', update);
        provider.off('role', update);
        provider.off('error', update);
      };
    });
  }

  get status(): SyncStatus {
    this.#subscribe();
    return this.#provider.status;
  }

  /** The role the server granted on join; null until the first join. */
  get role(): BoardRole | null {
    this.#subscribe();
    return this.#provider.role;
  }

  /** The code of the last refusal, if any. */
  get lastError(): string | null {
    this.#subscribe();
    return this.#provider.lastError;
  }
}
