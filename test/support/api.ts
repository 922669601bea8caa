const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Logs in over REST; returns the `Cookie` header value for later requests and sockets: both
 * cookies of the session, `gj_sid=…; gj_csrf=…`.
 */
export async function login(url: string, username: string, password: string): Promise<string> {
  const response = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (response.status !== 200) throw new Error(`login ${username} failed: ${response.status} ${await response.text()}`);
  const cookies = response.headers.getSetCookie().map((header) => header.split(';')[0]);
  const session = cookies.find((cookie) => cookie.startsWith('gj_sid='));
  const csrf = cookies.find((cookie) => cookie.startsWith('gj_csrf='));
  if (!session || !csrf) throw new Error(`no session or CSRF cookie in ${cookies.join(', ')}`);
  return `${session}; ${csrf}`;
}

/** The value of one cookie in a `Cookie` header value. */
export function cookieValue(cookie: string, name: string): string | undefined {
  for (const part of cookie.split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

/**
 * A REST call with the given cookie. Unsafe methods carry `X-CSRF-Token` from the cookie's
 * `gj_csrf`, as the web client does; `headers` are added last (and may override it).
 */
export async function api<T>(
  url: string,
  path: string,
  cookie: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: T }> {
  const method = init.method ?? 'GET';
  const csrf = UNSAFE_METHODS.has(method) ? cookieValue(cookie, 'gj_csrf') : undefined;
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      cookie,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(csrf === undefined ? {} : { 'x-csrf-token': csrf }),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}
