import type { BoardRole } from '@gongjian/shared';
import { createSubscriber } from 'svelte/reactivity';
import type * as Y from 'yjs';
import type { BoardSyncProvider, SyncStatus } from './board-sync-provider';

/** The provider's document, status, role and last refusal as reactive getters. */
export class SyncState {
  readonly #provider: BoardSyncProvider;
  readonly #subscribe: () => void;

  constructor(provider: BoardSyncProvider) {
    this.#provider = provider;
    this.#subscribe = createSubscriber((update) => {
      const events = ['status', 'role', 'error', 'refused', 'reset'] as const;
      for (const event of events) provider.on(event, update);
      return () => {
        for (const event of events) provider.off(event, update);
      };
    });
  }

  /** The board's document; a new one after the provider went back to the server's state. */
  get doc(): Y.Doc {
    this.#subscribe();
    return this.#provider.doc;
  }

  get status(): SyncStatus {
    this.#subscribe();
    return this.#provider.status;
  }

  /** The role the server granted, as it changes; null before the first join and once access is gone. */
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
