import type { AwarenessUser, SessionUser } from '@gongjian/shared';
import { createSubscriber } from 'svelte/reactivity';
import type { Awareness } from 'y-protocols/awareness';

export interface PresentUser {
  id: string;
  name: string;
  /** A CSS color; null for oneself, whose server-assigned color only the others receive. */
  color: string | null;
  self: boolean;
}

/** Everyone on the board, from awareness: oneself first, then the others by name, each person once. */
export class Presence {
  readonly #awareness: Awareness;
  readonly #self: () => SessionUser;
  readonly #subscribe: () => void;

  constructor(awareness: Awareness, self: () => SessionUser) {
    this.#awareness = awareness;
    this.#self = self;
    this.#subscribe = createSubscriber((update) => {
      awareness.on('change', update);
      return () => awareness.off('change', update);
    });
  }

  get users(): PresentUser[] {
    this.#subscribe();
    const me = this.#self();
    const others = new Map<string, PresentUser>();
    for (const [clientId, state] of this.#awareness.getStates()) {
      if (clientId === this.#awareness.clientID) continue;
      const user = awarenessUser(state['user']);
      // The same person in a second tab is still one person.
      if (!user || user.id === me.id) continue;
      others.set(user.id, { id: user.id, name: user.name, color: user.color, self: false });
    }
    const self: PresentUser = { id: me.id, name: me.displayName, color: null, self: true };
    return [self, ...[...others.values()].sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'))];
  }
}

/** The identity the server attached, or null for a state without one. */
function awarenessUser(value: unknown): AwarenessUser | null {
  if (value === null || typeof value !== 'object') return null;
  const { id, name, color, orgId } = value as Record<string, unknown>;
  if (typeof id !== 'string' || typeof name !== 'string' || typeof color !== 'string') return null;
  return { id, name, color, orgId: typeof orgId === 'string' ? orgId : null };
}

/** The letter on an avatar: the person's part of "organization · person", first character. */
export function initialOf(name: string): string {
  const person = name.split('·').at(-1)?.trim() || name.trim();
  return (Array.from(person)[0] ?? '?').toUpperCase();
}
