import { SYNC_NAMESPACE } from '@gongjian/shared';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { io, Socket } from 'socket.io-client';
import { api, cookieValue, login } from '../support/api';
import type { TestDatabase } from '../support/postgres';
import { ServerProcess, startServer, tempDataDir } from '../support/server-process';
import { startStack, TestStack } from '../support/stack';

const PASSWORD = 'demo12345';
const BOARD = 'demo-liangxi-2026';
const ALLOWED = 'https://board.example.org';
const CLIENT_BUILT = existsSync(resolve(__dirname, '../../client/dist/index.html'));

/** A client address of its own per test (the servers trust X-Forwarded-For), so address limits don't mix. */
let nextAddress = 1;
const newAddress = () => ({ 'x-forwarded-for': `198.51.100.${nextAddress++}` });

interface LoginAttempt {
  status: number;
  code: string | undefined;
  retryAfter: number | null;
  cookies: string[];
}

async function attemptLogin(
  url: string,
  username: string,
  password: string,
  headers: Record<string, string> = {},
): Promise<LoginAttempt> {
  const response = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ username, password }),
  });
  const body = (await response.json()) as { code?: string };
  const retryAfter = response.headers.get('retry-after');
  return {
    status: response.status,
    code: body.code,
    retryAfter: retryAfter === null ? null : Number(retryAfter),
    cookies: response.headers.getSetCookie(),
  };
}

function socketWith(url: string, headers: Record<string, string>): Socket {
  return io(`${url}${SYNC_NAMESPACE}`, { transports: ['websocket'], reconnection: false, extraHeaders: headers });
}

/** Resolves with 'connected' or the connect error's message. */
function connectOutcome(socket: Socket): Promise<string> {
  return new Promise((resolveOutcome) => {
    socket.once('connect', () => resolveOutcome('connected'));
    socket.once('connect_error', (err) => resolveOutcome(err.message));
  });
}

describe('REST hardening: CSRF, origins, sign-in limits, passwords, sessions, headers', () => {
  let stack: TestStack;
  let database: TestDatabase;
  let servers: ServerProcess[];
  let sql: Client;

  const boardTitles = async (cookie: string) =>
    (await api<Array<{ title: string }>>(servers[0].url, '/api/boards', cookie)).body
      .map((board) => board.title)
      .sort();

  beforeAll(async () => {
    stack = await startStack({ instances: 2, env: { TRUST_PROXY: '1', ALLOWED_ORIGINS: ALLOWED } });
    ({ database } = stack);
    servers = stack.servers;
    sql = new Client({ connectionString: database.url });
    await sql.connect();
  });
  afterAll(async () => {
    await sql.end();
    await stack?.stop();
  });

  describe('CSRF token', () => {
    it('sets a readable SameSite=Strict gj_csrf cookie beside the session cookie at login', async () => {
      const response = await fetch(`${servers[0].url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'union', password: PASSWORD }),
      });
      const [session, csrf] = response.headers.getSetCookie();
      expect(session).toMatch(/^gj_sid=[\w-]{40,};.*HttpOnly; SameSite=Lax$/);
      expect(csrf).toMatch(/^gj_csrf=[\w-]{40,}; Path=\/; Expires=[^;]+; SameSite=Strict$/);
    });

    it('refuses an unsafe request without X-CSRF-Token with 403 csrf_failed, and changes nothing', async () => {
      const cookie = await login(servers[0].url, 'union', PASSWORD);
      const before = await boardTitles(cookie);
      const sessionOnly = cookie.split(';')[0];
      const refused = await api(servers[0].url, '/api/boards', sessionOnly, {
        method: 'POST',
        body: { title: '伪造的看板' },
      });
      expect(refused).toEqual({ status: 403, body: { code: 'csrf_failed', message: expect.any(String) } });
      expect(await boardTitles(cookie)).toEqual(before);
    });

    it('refuses a wrong token, and the token of another session, on every instance', async () => {
      const union = await login(servers[0].url, 'union', PASSWORD);
      const youth = await login(servers[1].url, 'youth', PASSWORD);
      const before = await boardTitles(union);
      for (const token of ['wrong', cookieValue(youth, 'gj_csrf')!]) {
        for (const server of servers) {
          const refused = await api(server.url, '/api/boards', union, {
            method: 'POST',
            body: { title: '伪造的看板' },
            headers: { 'x-csrf-token': token },
          });
          expect(refused).toEqual({ status: 403, body: { code: 'csrf_failed', message: expect.any(String) } });
        }
      }
      expect(await boardTitles(union)).toEqual(before);
    });

    it('refuses a logout without the token and keeps the session', async () => {
      const cookie = await login(servers[0].url, 'union', PASSWORD);
      const refused = await api(servers[0].url, '/api/auth/logout', cookie.split(';')[0], { method: 'POST' });
      expect(refused.status).toBe(403);
      expect((await api(servers[1].url, '/api/auth/me', cookie)).status).toBe(200);
    });

    it('accepts the token from login on the other instance, and serves it again from /api/auth/me and /api/auth/csrf', async () => {
      const cookie = await login(servers[0].url, 'union', PASSWORD);
      const token = cookieValue(cookie, 'gj_csrf');
      const created = await api<{ title: string }>(servers[1].url, '/api/boards', cookie, {
        method: 'POST',
        body: { title: '工会合法看板' },
      });
      expect(created.status).toBe(201);

      const me = await fetch(`${servers[1].url}/api/auth/me`, { headers: { cookie } });
      expect(me.headers.getSetCookie()).toEqual([`gj_csrf=${token}; Path=/; SameSite=Strict`]);
      const csrf = await fetch(`${servers[0].url}/api/auth/csrf`, { headers: { cookie } });
      expect(await csrf.json()).toEqual({ csrfToken: token });
      expect((await fetch(`${servers[0].url}/api/auth/csrf`)).status).toBe(401);
    });

    it('answers an unsafe request without any session 401 unauthenticated, not csrf_failed', async () => {
      expect(await api(servers[0].url, '/api/boards', '', { method: 'POST', body: { title: 'x' } })).toEqual({
        status: 401,
        body: { code: 'unauthenticated', message: expect.any(String) },
      });
    });
  });

  describe('origins', () => {
    it('refuses an unsafe request from another origin even with the right token, and changes nothing', async () => {
      const cookie = await login(servers[0].url, 'union', PASSWORD);
      const before = await boardTitles(cookie);
      for (const origin of ['https://evil.example', 'null', servers[1].url.replace('127.0.0.1', 'localhost')]) {
        const refused = await api(servers[0].url, '/api/boards', cookie, {
          method: 'POST',
          body: { title: '跨站看板' },
          headers: { origin },
        });
        expect([origin, refused]).toEqual([
          origin,
          { status: 403, body: { code: 'csrf_failed', message: expect.any(String) } },
        ]);
      }
      const crossSite = await api(servers[0].url, '/api/boards', cookie, {
        method: 'POST',
        body: { title: '跨站看板' },
        headers: { 'sec-fetch-site': 'cross-site' },
      });
      expect(crossSite.status).toBe(403);
      expect(await boardTitles(cookie)).toEqual(before);
    });

    it('accepts its own origin and the ALLOWED_ORIGINS', async () => {
      const cookie = await login(servers[0].url, 'union', PASSWORD);
      for (const origin of [servers[0].url, ALLOWED]) {
        const created = await api(servers[0].url, '/api/boards', cookie, {
          method: 'POST',
          body: { title: `来自 ${origin}` },
          headers: { origin },
        });
        expect([origin, created.status]).toEqual([origin, 201]);
      }
    });

    it('refuses a login from another origin or not sent as JSON (login CSRF), setting no cookie', async () => {
      const foreign = await attemptLogin(servers[0].url, 'union', PASSWORD, { origin: 'https://evil.example' });
      expect(foreign).toMatchObject({ status: 403, code: 'csrf_failed', cookies: [] });
      const form = await fetch(`${servers[0].url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: JSON.stringify({ username: 'union', password: PASSWORD }),
      });
      expect(form.status).toBe(403);
      expect(form.headers.getSetCookie()).toEqual([]);
      expect(await form.json()).toEqual({ code: 'csrf_failed', message: expect.any(String) });
      expect((await attemptLogin(servers[0].url, 'union', PASSWORD, { origin: servers[0].url })).status).toBe(200);
    });

    it('refuses a socket handshake from another origin (cross-site WebSocket hijacking)', async () => {
      const cookie = await login(servers[0].url, 'union', PASSWORD);
      const foreign = socketWith(servers[0].url, { cookie, origin: 'https://evil.example' });
      const own = socketWith(servers[1].url, { cookie, origin: servers[1].url });
      try {
        expect(await connectOutcome(foreign)).not.toBe('connected');
        expect(foreign.connected).toBe(false);
        expect(await connectOutcome(own)).toBe('connected');
      } finally {
        foreign.close();
        own.close();
      }
    });
  });

  describe('sign-in limits', () => {
    it('locks a username after 5 failures across instances: 429 account_locked with Retry-After, the right password refused too', async () => {
      const from = newAddress();
      for (let i = 0; i < 5; i++) {
        const failed = await attemptLogin(servers[i % 2].url, 'coord', 'wrong-password', from);
        expect([i, failed.status, failed.code]).toEqual([i, 401, 'invalid_credentials']);
      }
      for (const server of servers) {
        const locked = await attemptLogin(server.url, 'coord', PASSWORD, from);
        expect(locked).toMatchObject({ status: 429, code: 'account_locked', cookies: [] });
        expect(locked.retryAfter).toBeGreaterThan(15 * 60 - 30);
        expect(locked.retryAfter).toBeLessThanOrEqual(15 * 60);
      }
      // The lock is on the username, wherever the next attempt comes from.
      expect(await attemptLogin(servers[0].url, 'coord', PASSWORD, newAddress())).toMatchObject({
        status: 429,
        code: 'account_locked',
      });
    });

    it('treats an unknown username exactly like a known one', async () => {
      const from = newAddress();
      const known: Array<[number, string | undefined]> = [];
      const unknown: Array<[number, string | undefined]> = [];
      for (let i = 0; i < 6; i++) {
        const a = await attemptLogin(servers[0].url, 'women', 'wrong-password', from);
        const b = await attemptLogin(servers[1].url, 'nobody-by-this-name', 'wrong-password', from);
        known.push([a.status, a.code]);
        unknown.push([b.status, b.code]);
        expect(a.retryAfter === null).toBe(b.retryAfter === null);
      }
      expect(unknown).toEqual(known);
      expect(known.at(-1)).toEqual([429, 'account_locked']);
    });

    it('starts counting again after a successful sign-in', async () => {
      const from = newAddress();
      for (let round = 0; round < 2; round++) {
        for (let i = 0; i < 4; i++)
          expect((await attemptLogin(servers[round].url, 'admin', 'wrong-password', from)).status).toBe(401);
        expect((await attemptLogin(servers[round].url, 'admin', PASSWORD, from)).status).toBe(200);
      }
    });

    it('blocks an address after 20 failures within 10 minutes, whatever the usernames: 429 rate_limited', async () => {
      const from = newAddress();
      for (let i = 0; i < 20; i++) {
        const failed = await attemptLogin(servers[i % 2].url, `guess-${i}`, 'wrong-password', from);
        expect([i, failed.status]).toEqual([i, 401]);
      }
      const blocked = await attemptLogin(servers[0].url, 'leader', PASSWORD, from);
      expect(blocked).toMatchObject({ status: 429, code: 'rate_limited', cookies: [] });
      expect(blocked.retryAfter).toBeGreaterThan(10 * 60 - 30);
      expect(blocked.retryAfter).toBeLessThanOrEqual(10 * 60);
      // Other addresses, and the username, are not affected.
      expect((await attemptLogin(servers[1].url, 'leader', PASSWORD, newAddress())).status).toBe(200);
    });
  });

  describe('passwords', () => {
    const change = (cookie: string, currentPassword: string, newPassword: string, server = servers[0]) =>
      api<{ code: string; details?: Array<{ path: string; message: string }> }>(
        server.url,
        '/api/auth/password',
        cookie,
        {
          method: 'POST',
          body: { currentPassword, newPassword },
          headers: newAddress(),
        },
      );

    it('refuses a new password that breaks a rule, naming each broken rule by its key', async () => {
      const cookie = await login(servers[0].url, 'youth', PASSWORD);
      const cases: Array<[string, string[]]> = [
        ['Short-1', ['password_too_short']],
        [`Aa1-${'x'.repeat(253)}`, ['password_too_long']],
        ['wuxiboard2026', ['password_too_simple']],
        ['P@ssw0rd123', ['password_too_common']],
        ['youth', ['password_too_short', 'password_same_as_username']],
      ];
      for (const [password, issues] of cases) {
        const refused = await change(cookie, PASSWORD, password);
        expect([
          password,
          refused.status,
          refused.body.code,
          refused.body.details?.map((d) => `${d.path}:${d.message}`),
        ]).toEqual([password, 400, 'invalid', issues.map((issue) => `newPassword:${issue}`)]);
      }
      expect((await attemptLogin(servers[0].url, 'youth', PASSWORD)).status).toBe(200);
    });

    it('refuses a wrong current password with invalid_credentials, and a change without the CSRF token', async () => {
      const cookie = await login(servers[0].url, 'youth', PASSWORD);
      const wrong = await change(cookie, 'not-my-password', 'Liangxi-Youth-2026');
      expect(wrong).toEqual({ status: 401, body: { code: 'invalid_credentials', message: expect.any(String) } });
      const forged = await api(servers[0].url, '/api/auth/password', cookie.split(';')[0], {
        method: 'POST',
        body: { currentPassword: PASSWORD, newPassword: 'Liangxi-Youth-2026' },
      });
      expect(forged.status).toBe(403);
      expect((await attemptLogin(servers[0].url, 'youth', PASSWORD)).status).toBe(200);
    });

    it('changes the password and ends every other session of the user, keeping this one', async () => {
      const here = await login(servers[0].url, 'youth', PASSWORD);
      const elsewhere = await login(servers[1].url, 'youth', PASSWORD);
      const other = await login(servers[1].url, 'union', PASSWORD);
      expect(await change(here, PASSWORD, 'Liangxi-Youth-2026', servers[1])).toEqual({ status: 204, body: undefined });
      for (const server of servers) {
        expect((await api(server.url, '/api/auth/me', elsewhere)).status).toBe(401);
        expect((await api(server.url, '/api/auth/me', here)).status).toBe(200);
        expect((await api(server.url, '/api/auth/me', other)).status).toBe(200);
      }
      expect((await attemptLogin(servers[0].url, 'youth', PASSWORD)).code).toBe('invalid_credentials');
      expect((await attemptLogin(servers[0].url, 'youth', 'Liangxi-Youth-2026')).status).toBe(200);
    });
  });

  describe('sessions', () => {
    it('logout-all ends every session of the user on every instance and clears the cookies', async () => {
      const sessions = [
        await login(servers[0].url, 'union', PASSWORD),
        await login(servers[0].url, 'union', PASSWORD),
        await login(servers[1].url, 'union', PASSWORD),
      ];
      const other = await login(servers[1].url, 'leader', PASSWORD);
      const response = await fetch(`${servers[1].url}/api/auth/logout-all`, {
        method: 'POST',
        headers: { cookie: sessions[1], 'x-csrf-token': cookieValue(sessions[1], 'gj_csrf')! },
      });
      expect(response.status).toBe(204);
      expect(response.headers.getSetCookie().map((cookie) => cookie.split(';')[0])).toEqual(['gj_sid=', 'gj_csrf=']);
      for (const server of servers) {
        for (const cookie of sessions) expect((await api(server.url, '/api/auth/me', cookie)).status).toBe(401);
        expect((await api(server.url, '/api/auth/me', other)).status).toBe(200);
      }
    });

    it('answers a disabled user’s session 401', async () => {
      const cookie = await login(servers[0].url, 'leader', PASSWORD);
      expect((await api(servers[0].url, '/api/boards', cookie)).status).toBe(200);
      await sql.query(`update users set disabled = true where username = 'leader'`);
      try {
        for (const path of ['/api/auth/me', '/api/boards', '/api/orgs']) {
          expect([path, await api(servers[1].url, path, cookie)]).toEqual([
            path,
            { status: 401, body: { code: 'unauthenticated', message: expect.any(String) } },
          ]);
        }
        expect((await attemptLogin(servers[0].url, 'leader', PASSWORD, newAddress())).code).toBe('invalid_credentials');
      } finally {
        await sql.query(`update users set disabled = false where username = 'leader'`);
      }
    });
  });

  describe('401, 403, 404', () => {
    it('answers 401 without a session, 403 without the right, 404 for a board the user cannot see', async () => {
      expect(await api(servers[0].url, '/api/boards', '')).toEqual({
        status: 401,
        body: { code: 'unauthenticated', message: expect.any(String) },
      });
      expect((await api(servers[0].url, '/api/auth/me', 'gj_sid=not-a-session')).status).toBe(401);

      const leader = await login(servers[0].url, 'leader', PASSWORD);
      const denied = await api(servers[0].url, `/api/boards/${BOARD}/members/users/demo-leader`, leader, {
        method: 'PUT',
        body: { role: 'coordinator' },
      });
      expect(denied).toEqual({ status: 403, body: { code: 'forbidden', message: expect.any(String) } });

      const admin = await login(servers[0].url, 'admin', PASSWORD);
      const hidden = await api<{ id: string }>(servers[0].url, '/api/boards', admin, {
        method: 'POST',
        body: { title: '管理员的看板' },
      });
      for (const id of [hidden.body.id, 'no-such-board']) {
        expect([id, await api(servers[1].url, `/api/boards/${id}`, leader)]).toEqual([
          id,
          { status: 404, body: { code: 'not_found', message: expect.any(String) } },
        ]);
      }
    });
  });

  describe('headers', () => {
    const BASE_HEADERS = {
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'same-origin',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
      'permissions-policy': expect.stringContaining('camera=()'),
    };

    it('sends JSON answers, errors included, uncached with a CSP that allows nothing', async () => {
      const cookie = await login(servers[0].url, 'union', PASSWORD);
      for (const response of [
        await fetch(`${servers[0].url}/api/auth/me`, { headers: { cookie } }),
        await fetch(`${servers[0].url}/api/boards`),
        await fetch(`${servers[0].url}/api/no-such-route`),
      ]) {
        expect(Object.fromEntries(response.headers)).toMatchObject({
          ...BASE_HEADERS,
          'content-type': 'application/json; charset=utf-8',
          'cache-control': 'no-store',
          'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
        });
        expect(response.headers.get('strict-transport-security')).toBeNull();
      }
    });

    (CLIENT_BUILT ? it : it.skip)('sends the web app page with its strict CSP', async () => {
      const response = await fetch(`${servers[0].url}/boards/${BOARD}`);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(Object.fromEntries(response.headers)).toMatchObject(BASE_HEADERS);
      const csp = response.headers.get('content-security-policy')!.split('; ');
      const host = new URL(servers[0].url).host;
      expect(csp).toEqual([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        `connect-src 'self' ws://${host}`,
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
      ]);
    });
  });
});

describe('REST hardening in embedded mode behind HTTPS', () => {
  let server: ServerProcess;
  let data: { dir: string; remove(): void };

  beforeAll(async () => {
    data = tempDataDir();
    server = await startServer({
      DEMO: '1',
      DATA_DIR: data.dir,
      COOKIE_SECURE: '1',
      LOGIN_MAX_FAILURES: '2',
      LOGIN_LOCKOUT_MINUTES: '1',
    });
  });
  afterAll(async () => {
    await server.stop();
    data.remove();
  });

  it('marks both cookies Secure and sends HSTS', async () => {
    const response = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'union', password: PASSWORD }),
    });
    expect(response.headers.getSetCookie().map((cookie) => [cookie.split('=')[0], /; Secure/.test(cookie)])).toEqual([
      ['gj_sid', true],
      ['gj_csrf', true],
    ]);
    expect(response.headers.get('strict-transport-security')).toBe('max-age=31536000');
  });

  it('locks a username by LOGIN_MAX_FAILURES and LOGIN_LOCKOUT_MINUTES in the embedded database', async () => {
    expect((await attemptLogin(server.url, 'youth', 'wrong-password')).status).toBe(401);
    expect((await attemptLogin(server.url, 'youth', 'wrong-password')).status).toBe(401);
    const locked = await attemptLogin(server.url, 'youth', PASSWORD);
    expect(locked).toMatchObject({ status: 429, code: 'account_locked' });
    expect(locked.retryAfter).toBeGreaterThan(30);
    expect(locked.retryAfter).toBeLessThanOrEqual(60);
  });
});
