import { createContext } from 'svelte';

export const ADMIN_SECTIONS = ['users', 'orgs', 'regions'] as const;
export type AdminSection = (typeof ADMIN_SECTIONS)[number];

export type Route =
  | { name: 'boards' }
  | { name: 'board'; boardId: string }
  | { name: 'admin'; section: AdminSection }
  | { name: 'account' }
  | { name: 'not_found' };

export function matchRoute(path: string): Route {
  if (path === '/' || path === '/boards' || path === '/boards/') return { name: 'boards' };
  const board = /^\/boards\/([A-Za-z0-9_-]{1,64})\/?$/.exec(path);
  if (board) return { name: 'board', boardId: board[1] };
  const admin = /^\/admin(?:\/(users|orgs|regions))?\/?$/.exec(path);
  if (admin) return { name: 'admin', section: (admin[1] as AdminSection | undefined) ?? 'users' };
  if (path === '/account' || path === '/account/') return { name: 'account' };
  return { name: 'not_found' };
}

export function boardPath(boardId: string): string {
  return `/boards/${boardId}`;
}

export function adminPath(section: AdminSection): string {
  return `/admin/${section}`;
}

export const ACCOUNT_PATH = '/account';

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
