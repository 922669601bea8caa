import { Client } from 'pg';
import type { Socket } from 'socket.io-client';
import { api, cookieValue, login } from '../support/api';
import type { TestDatabase } from '../support/postgres';
import type { ServerProcess } from '../support/server-process';
import { startStack, TestStack } from '../support/stack';
import { rawSocket } from '../support/sync-sockets';

/**
 * Attacks on sign-in and sessions against two instances sharing PostgreSQL and Redis: cross-site
 * forms (CSRF beyond test/integration/auth-hardening.test.ts), session fixation, and brute force
 * in parallel across both instances. Each attack checks the exact refusal and that nothing it
 * sent was stored (boards, members, directory, sessions, passwords).
 *
 * Covered elsewhere and not repeated: missing/wrong/other-session CSRF tokens, foreign Origin with
 * the right token, `Origin: null`, `Sec-Fetch-Site: cross-site`, login CSRF as text/plain,
 * cross-site WebSocket hijacking, sequential brute force across instances, address blocking,
 * logout-all and password change ending sessions (auth-hardening.test.ts).
 */

const PASSWORD = 'demo12345';
const BOARD = 'demo-liangxi-2026';
const EVIL = 'https://evil.example';

let nextAddress = 1;
/** A client address of its own (the servers trust X-Forwarded-For), so the address limit of one attack doesn't touch another. */
const newAddress = () => ({ 'x-forwarded-for': `203.0.113.${nextAddress++}` });

interface Outcome {
  status: number;
  code?: string;
  setCookies: string[];
}

async function send(
  url: string,
  path: string,
  init: { method: string; headers?: Record<string, string>; body?: string },
): Promise<Outcome> {
  const response = await fetch(`${url}${path}`, { method: init.method, headers: init.headers, body: init.body });
  const text = await response.text();
  let code: string | undefined;
  try {
    code = (JSON.parse(text) as { code?: string }).code;
  } catch {
    code = undefined;
  }
  return { status: response.status, code, setCookies: response.headers.getSetCookie() };
}

function socketOutcome(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    socket.once('connect', () => resolve('connected'));
    socket.once('connect_error', (err) => resolve(err.message));
  });
}

describe('attacks on sign-in and sessions (two instances)', () => {
  let stack: TestStack;
  let database: TestDatabase;
  let servers: ServerProcess[];
  let sql: Client;

  /** Everything a forged request could change, to compare before and after. */
  const storedState = async () => {
    const rows = async (query: string) => (await sql.query(query)).rows;
    return {
      boards: await rows('select id, title from boards order by id'),
      members: await rows('select board_id, user_id, role from board_members order by board_id, user_id'),
      orgMembers: await rows('select board_id, org_id, role from board_org_members order by board_id, org_id'),
      users: await rows(
        'select id, username, display_name, password_hash, disabled, is_admin, org_id from users order by id',
      ),
      orgs: await rows('select * from orgs order by id'),
      regions: await rows('select * from regions order by id'),
    };
  };
  const sessionCount = async () => Number((await sql.query('select count(*) as n from sessions')).rows[0].n);
  const whoIs = async (url: string, cookie: string) => {
    const me = await api<{ user?: { username: string } }>(url, '/api/auth/me', cookie);
    return me.status === 200 ? me.body.user?.username : me.status;
  };

  beforeAll(async () => {
    stack = await startStack({ instances: 2, env: { TRUST_PROXY: '1' } });
    ({ database } = stack);
    servers = stack.servers;
    sql = new Client({ connectionString: database.url });
    await sql.connect();
  });
  afterAll(async () => {
    await sql?.end();
    await stack?.stop();
  });

  describe('CSRF: cross-site forms', () => {
    /** Every unsafe route with a body a form might carry, on the demo board and directory. */
    const routes = (userId: string) => [
      { method: 'POST', path: '/api/boards', json: { title: '跨站表单看板' } },
      { method: 'PUT', path: `/api/boards/${BOARD}/members/users/${userId}`, json: { role: 'coordinator' } },
      { method: 'DELETE', path: `/api/boards/${BOARD}/members/users/demo-union`, json: undefined },
      { method: 'PUT', path: `/api/boards/${BOARD}/members/orgs/liangxi-women`, json: { role: 'coordinator' } },
      {
        method: 'POST',
        path: '/api/users',
        json: { username: 'evil', displayName: 'Evil', password: 'Evil-Passphrase-2026-x' },
      },
      { method: 'PATCH', path: `/api/users/${userId}`, json: { isAdmin: true } },
      { method: 'POST', path: `/api/users/${userId}/password`, json: { password: 'Evil-Passphrase-2026-x' } },
      { method: 'POST', path: '/api/orgs', json: { id: 'evil-org', name: 'Evil', kind: 'other', regionId: 'liangxi' } },
      {
        method: 'POST',
        path: '/api/regions',
        json: { id: 'evil-region', name: 'Evil', level: 'city', parentId: null },
      },
      {
        method: 'POST',
        path: '/api/auth/password',
        json: { currentPassword: PASSWORD, newPassword: 'Evil-Passphrase-2026-x' },
      },
      { method: 'POST', path: '/api/auth/logout-all', json: undefined },
      { method: 'POST', path: '/api/auth/logout', json: undefined },
    ];

    /**
     * What an HTML form of another site can send: the three form encodings (text/plain smuggling
     * a JSON body in a field name), no custom header, cookies attached by an older browser or
     * from a sibling subdomain; with a foreign Origin, `Origin: null` (sandboxed frame), a
     * same-site sibling origin, or no Origin at all (old browsers on a form POST).
     */
    const forms = (json: unknown) => {
      const text = JSON.stringify(json ?? {});
      return [
        // <form enctype="text/plain"><input name='{"title":"x","a":"' value='"}'> posts {"title":"x","a":"="}
        { contentType: 'text/plain', body: `${text.slice(0, -1)},"a":"="}` },
        {
          contentType: 'application/x-www-form-urlencoded',
          body: new URLSearchParams({ payload: text, 'x-csrf-token': 'guess' }).toString(),
        },
        {
          contentType: 'multipart/form-data; boundary=xyz',
          body: `--xyz\r\nContent-Disposition: form-data; name="payload"\r\n\r\n${text}\r\n--xyz--\r\n`,
        },
      ];
    };
    const origins = (server: ServerProcess): Array<Record<string, string>> => [
      { origin: EVIL },
      { origin: 'null' },
      { origin: `http://127.0.0.1:${server.port === 1 ? 2 : 1}` },
      { 'sec-fetch-site': 'cross-site' },
      {},
    ];

    it('refuses every cross-site form POST to every unsafe route with 403 csrf_failed, on both instances, and stores nothing', async () => {
      const victim = await login(servers[0].url, 'admin', PASSWORD);
      const before = await storedState();
      const sessions = await sessionCount();
      const refusals: string[] = [];
      for (const server of servers) {
        for (const route of routes('demo-leader')) {
          for (const form of forms(route.json)) {
            for (const origin of origins(server)) {
              const outcome = await send(server.url, route.path, {
                method: route.method,
                // The session cookie only: a page of another site can neither read gj_csrf nor set X-CSRF-Token.
                headers: { cookie: victim.split(';')[0], 'content-type': form.contentType, ...origin },
                body: form.body,
              });
              if (outcome.status !== 403 || outcome.code !== 'csrf_failed') {
                refusals.push(
                  `${route.method} ${route.path} ${form.contentType} ${JSON.stringify(origin)} → ${outcome.status} ${outcome.code}`,
                );
              }
            }
          }
        }
      }
      expect(refusals).toEqual([]);
      expect(await storedState()).toEqual(before);
      expect(await sessionCount()).toBe(sessions);
      expect(await whoIs(servers[1].url, victim)).toBe('admin');
    });

    it('refuses a login form of another site in every encoding: no session cookie, no session stored', async () => {
      const sessions = await sessionCount();
      for (const form of forms({ username: 'union', password: PASSWORD })) {
        for (const origin of [{ origin: EVIL }, { origin: 'null' }, {}] as Array<Record<string, string>>) {
          const outcome = await send(servers[1].url, '/api/auth/login', {
            method: 'POST',
            headers: { 'content-type': form.contentType, ...origin, ...newAddress() },
            body: form.body,
          });
          expect([form.contentType, origin, outcome.status, outcome.code, outcome.setCookies]).toEqual([
            form.contentType,
            origin,
            403,
            'csrf_failed',
            [],
          ]);
        }
      }
      expect(await sessionCount()).toBe(sessions);
    });

    it('never grants another origin CORS: no preflight, no readable answer (so the CSRF token cannot be read cross-site)', async () => {
      const cookie = await login(servers[0].url, 'union', PASSWORD);
      const preflight = await fetch(`${servers[0].url}/api/boards`, {
        method: 'OPTIONS',
        headers: {
          origin: EVIL,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type, x-csrf-token',
        },
      });
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
      expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
      expect(preflight.headers.get('access-control-allow-headers')).toBeNull();
      for (const path of ['/api/auth/csrf', '/api/auth/me', '/api/boards']) {
        const read = await fetch(`${servers[0].url}${path}`, { headers: { cookie, origin: EVIL } });
        expect([
          path,
          read.headers.get('access-control-allow-origin'),
          read.headers.get('access-control-allow-credentials'),
        ]).toEqual([path, null, null]);
      }
    });
  });

  describe('session fixation', () => {
    const sessionCookieOf = (setCookies: string[]) =>
      setCookies
        .map((cookie) => cookie.split(';')[0])
        .find((cookie) => cookie.startsWith('gj_sid='))!
        .slice('gj_sid='.length);

    it('ignores a session cookie planted before login: login issues a fresh token, the planted value is never a session', async () => {
      // Well-formed but made up by the attacker (same length and alphabet as a real token).
      const planted = 'AttackerChosenSessionValue0123456789abcdefg';
      const attacker = await login(servers[1].url, 'women', PASSWORD);
      const attackerToken = cookieValue(attacker, 'gj_sid')!;
      for (const fixed of [planted, attackerToken]) {
        const response = await send(servers[0].url, '/api/auth/login', {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            cookie: `gj_sid=${fixed}; gj_csrf=attacker-known`,
            ...newAddress(),
          },
          body: JSON.stringify({ username: 'union', password: PASSWORD }),
        });
        expect(response.status).toBe(200);
        const issued = sessionCookieOf(response.setCookies);
        expect(issued).not.toBe(fixed);
        expect(issued).toMatch(/^[\w-]{43}$/);
        // The CSRF cookie is the new session's, not the attacker's.
        expect(response.setCookies.find((c) => c.startsWith('gj_csrf='))).not.toContain('attacker-known');
        for (const server of servers) {
          expect(await whoIs(server.url, `gj_sid=${issued}`)).toBe('union');
          // The planted value never became the victim's session.
          expect(await whoIs(server.url, `gj_sid=${fixed}`)).toBe(fixed === planted ? 401 : 'women');
        }
      }
      const socket = rawSocket(servers[1].url, `gj_sid=${planted}`);
      expect(await socketOutcome(socket)).toBe('unauthenticated');
      socket.close();
      expect(
        (
          await sql.query(
            'select count(*) as n from sessions s join users u on u.id = s.user_id where u.username = $1',
            ['women'],
          )
        ).rows[0].n,
      ).toBe('1');
    });

    it('issues a different token at every login, and a CSRF token bound to it', async () => {
      const tokens = new Set<string>();
      const csrf = new Set<string>();
      for (let i = 0; i < 6; i++) {
        const cookie = await login(servers[i % 2].url, 'youth', PASSWORD);
        tokens.add(cookieValue(cookie, 'gj_sid')!);
        csrf.add(cookieValue(cookie, 'gj_csrf')!);
      }
      expect(tokens.size).toBe(6);
      expect(csrf.size).toBe(6);
    });

    it('does not take a session cookie tossed in by a sibling site for the victim’s (two gj_sid, the attacker’s first)', async () => {
      // A sibling subdomain (same site) can set `gj_sid` for the parent domain with a longer Path;
      // browsers then send both, the more specific one first. The request must not run as the attacker.
      const attacker = await login(servers[0].url, 'women', PASSWORD);
      const victim = await login(servers[0].url, 'union', PASSWORD);
      const both = `gj_sid=${cookieValue(attacker, 'gj_sid')}; gj_sid=${cookieValue(victim, 'gj_sid')}`;
      for (const server of servers)
        expect([server.port, await whoIs(server.url, both)]).not.toEqual([server.port, 'women']);
    });

    it('kills the token at logout: REST 401 on both instances, the socket handshake refused, an open socket cut', async () => {
      const cookie = await login(servers[0].url, 'youth', PASSWORD);
      const open = rawSocket(servers[1].url, cookie);
      expect(await socketOutcome(open)).toBe('connected');
      expect(await open.timeout(5000).emitWithAck('join', { boardId: BOARD })).toEqual({ ok: true, role: 'editor' });
      const cut = new Promise<{ access: unknown; reason: string }>((resolve) => {
        let access: unknown;
        open.on('access', (_board: string, change: unknown) => (access = change));
        open.on('disconnect', (reason) => resolve({ access, reason }));
      });

      const loggedOut = await send(servers[0].url, '/api/auth/logout', {
        method: 'POST',
        headers: { cookie, 'x-csrf-token': cookieValue(cookie, 'gj_csrf')! },
      });
      expect(loggedOut.status).toBe(204);
      expect(loggedOut.setCookies.map((c) => c.split(';')[0])).toEqual(['gj_sid=', 'gj_csrf=']);
      for (const server of servers) {
        expect(await api(server.url, '/api/auth/me', cookie)).toEqual({
          status: 401,
          body: { code: 'unauthenticated', message: expect.any(String) },
        });
        // Replaying the old cookie with its CSRF token changes nothing.
        const replay = await api(server.url, '/api/boards', cookie, {
          method: 'POST',
          body: { title: '登出后的看板' },
        });
        expect(replay.status).toBe(401);
      }
      expect(await cut).toEqual({ access: { role: null }, reason: 'io server disconnect' });
      const again = rawSocket(servers[0].url, cookie);
      expect(await socketOutcome(again)).toBe('unauthenticated');
      again.close();
      expect((await sql.query(`select count(*) as n from boards where title = '登出后的看板'`)).rows[0].n).toBe('0');
    });
  });

  describe('brute force', () => {
    it('lets no more than LOGIN_MAX_FAILURES passwords of one username be checked by a parallel burst across both instances', async () => {
      const sessions = await sessionCount();
      // 40 guesses at once, half on each instance, each from an address of its own.
      const guesses = Array.from({ length: 40 }, (_, i) => `guess-${i}`);
      const outcomes = await Promise.all(
        guesses.map((password, i) =>
          send(servers[i % 2].url, '/api/auth/login', {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...newAddress() },
            body: JSON.stringify({ username: 'women', password }),
          }),
        ),
      );
      const checked = outcomes.filter((o) => o.status === 401 && o.code === 'invalid_credentials').length;
      const locked = outcomes.filter((o) => o.status === 429 && o.code === 'account_locked').length;
      expect(checked).toBeLessThanOrEqual(5);
      expect(checked + locked).toBe(40);
      // Locked on both instances, for the right password too; no session was opened.
      for (const server of servers) {
        const locked = await send(server.url, '/api/auth/login', {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...newAddress() },
          body: JSON.stringify({ username: 'women', password: PASSWORD }),
        });
        expect([locked.status, locked.code, locked.setCookies]).toEqual([429, 'account_locked', []]);
      }
      expect(await sessionCount()).toBe(sessions);
    });

    it('lets no more than LOGIN_IP_MAX_FAILURES passwords be checked from one address by a parallel burst of different usernames', async () => {
      const from = newAddress();
      const outcomes = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          send(servers[i % 2].url, '/api/auth/login', {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...from },
            body: JSON.stringify({ username: `spray-${i}`, password: 'Winter2026!' }),
          }),
        ),
      );
      const checked = outcomes.filter((o) => o.status === 401).length;
      const blocked = outcomes.filter((o) => o.status === 429 && o.code === 'rate_limited').length;
      // The address counter is raised only after a failed check, so attempts in flight all pass its test.
      expect(checked).toBeLessThanOrEqual(20);
      expect(checked + blocked).toBe(60);
    });
  });
});
