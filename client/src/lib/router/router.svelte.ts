import { createContext } from 'svelte';

export type Route = { name: 'boards' } | { name: 'board'; boardId: string } | { name: 'not_found' };

export function matchRoute(path: string): Route {
  if (path === '/' || path === '/boards' || path === '/boards/') return { name: 'boards' };
  const board = /^\/boards\/([A-Za-z0-9_-]{1,64})\/?$/.exec(path);
  if (board) return { name: 'board', boardId: board[1] };
  return { name: 'not_found' };
}

export function boardPath(boardId: string): string {
  return `/boards/${boardId}`;
}

/** A tiny router over the History API: the current path as a rune, `navigate` to move. */
export class Router {
  #path = $state(location.pathname);
  readonly route: Route = $derived(matchRoute(this.#path));

  constructor() {
    window.addEventListener('popstate', () => {
      this.#path = location.pathname;
    });
  }

  navigate(path: string): void {
    if (path === this.#path) return;
    history.pushState(null, '', path);
    this.#path = path;
    window.scrollTo(0, 0);
  }
}

export const [useRouter, setRouter] = createContext<Router>();
