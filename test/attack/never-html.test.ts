import { createProject } from '@gongjian/shared';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { api, cookieValue, login } from '../support/api';
import { openClient } from '../support/clients';
import { ServerProcess, tempDataDir } from '../support/server-process';
import { getFresh } from '../support/server-watch';
import { startStack, TestStack } from '../support/stack';

/**
 * "Text is never served as HTML by the API": every answer of every API route, success or error,
 * is JSON (text/plain for /metrics) with `X-Content-Type-Options: nosniff`; unknown /api paths
 * answer JSON errors, never the app page nor an HTML error page; markup stored in a title, a
 * name or a project comes back JSON-escaped from every API that shows it. The app's pages carry
 * the strict CSP of docs/security.md. The server serves a stand-in web app (CLIENT_DIR) so that
 * its HTML fallback is active whether or not the real one was built.
 */

const PASSWORD = 'demo12345';
const BOARD = 'demo-liangxi-2026';
const MARKUP = `<script>alert(1)</script><img src=x onerror=alert(2)>"'&</title>`;

const APP_CSP = (host: string) => [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  `connect-src 'self' ws://${host}`,
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
  "form-action 'self'",
];

interface Answer {
  status: number;
  contentType: string | null;
  nosniff: string | null;
  text: string;
}

describe('the API never serves text as HTML', () => {
  let stack: TestStack;
  let server: ServerProcess;
  let clientDir: { dir: string; remove(): void };
  let admin: string;
  let paths: Record<string, Record<string, { requestBody?: unknown }>>;

  const request = async (
    path: string,
    init: { method?: string; cookie?: string; headers?: Record<string, string>; body?: string } = {},
  ): Promise<Answer> => {
    const unsafe = !['GET', 'HEAD', 'OPTIONS'].includes(init.method ?? 'GET');
    const csrf = init.cookie && unsafe ? cookieValue(init.cookie, 'gj_csrf') : undefined;
    const response = await fetch(`${server.url}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        accept: 'text/html,application/xhtml+xml,*/*;q=0.8',
        ...(init.cookie ? { cookie: init.cookie } : {}),
        ...(csrf ? { 'x-csrf-token': csrf } : {}),
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...init.headers,
      },
      body: init.body,
    });
    return {
      status: response.status,
      contentType: response.headers.get('content-type'),
      nosniff: response.headers.get('x-content-type-options'),
      text: await response.text(),
    };
  };

  /** What is wrong with an API answer, or null: JSON (or empty for 204/HEAD) with nosniff. */
  const problemOf = (answer: Answer, method = 'GET'): string | null => {
    if (answer.nosniff !== 'nosniff') return `no nosniff (${answer.status})`;
    if ((answer.status === 204 || method === 'HEAD') && answer.text === '') return null;
    if (answer.contentType !== 'application/json; charset=utf-8') return `${answer.status} as ${answer.contentType}`;
    try {
      const body = JSON.parse(answer.text) as { code?: unknown; message?: unknown };
      if (answer.status >= 400 && (typeof body.code !== 'string' || typeof body.message !== 'string'))
        return `${answer.status} without {code, message}`;
    } catch {
      return `${answer.status} not JSON`;
    }
    return null;
  };

  const concrete = (path: string, boardId: string) =>
    path
      .replace(
        '{id}',
        path.startsWith('/api/boards')
          ? boardId
          : path.startsWith('/api/users')
            ? 'demo-union'
            : path.startsWith('/api/orgs')
              ? 'liangxi-union'
              : 'liangxi',
      )
      .replace('{userId}', 'demo-youth')
      .replace('{orgId}', 'liangxi-women');

  beforeAll(async () => {
    clientDir = tempDataDir();
    mkdirSync(join(clientDir.dir, 'assets'));
    writeFileSync(
      join(clientDir.dir, 'index.html'),
      '<!doctype html><html><head><script type="module" src="/assets/app.js"></script></head><body></body></html>',
    );
    writeFileSync(join(clientDir.dir, 'assets', 'app.js'), 'console.log("app");');
    stack = await startStack({ env: { CLIENT_DIR: clientDir.dir, PROJECTION_DEBOUNCE_MS: '50' } });
    [server] = stack.servers;
    admin = await login(server.url, 'admin', PASSWORD);
    paths = ((await (await fetch(`${server.url}/api/docs/openapi.json`)).json()) as { paths: typeof paths }).paths;
  });
  afterAll(async () => {
    await stack?.stop();
    clientDir?.remove();
  });

  it('answers every documented API route with JSON and nosniff: successes, and the errors of every method', async () => {
    const wrong: string[] = [];
    const documentation = /^\/api\/docs(\/|$)/;
    for (const [path, methods] of Object.entries(paths)) {
      if (documentation.test(path) || path === '/metrics') continue;
      for (const method of Object.keys(methods).map((m) => m.toUpperCase())) {
        const target = concrete(path, BOARD);
        const cases: Array<[string, Parameters<typeof request>[1]]> =
          method === 'GET'
            ? [
                ['signed in', { cookie: admin }],
                ['signed out', {}],
                ['HEAD', { method: 'HEAD', cookie: admin }],
              ]
            : [
                // Errors only: nothing here may change anything.
                ['without CSRF token', { method, cookie: admin.split(';')[0], body: '{}' }],
                ['signed out', { method, body: '{}' }],
                ['not JSON', { method, cookie: admin, body: '<html>' }],
              ];
        for (const [label, init] of cases) {
          const problem = problemOf(await request(target, init), init?.method);
          if (problem) wrong.push(`${method} ${target} (${label}): ${problem}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('serves /metrics as text/plain and the API documentation as its own types, all with nosniff', async () => {
    const metrics = await request('/metrics');
    expect([metrics.status, metrics.contentType?.split(';')[0], metrics.nosniff]).toEqual([
      200,
      'text/plain',
      'nosniff',
    ]);
    for (const [path, type] of [
      ['/api/docs/openapi.json', 'application/json'],
      ['/api/docs/swagger-ui-init.js', 'text/javascript'],
      ['/api/docs/swagger-ui-bundle.js', 'text/javascript'],
      ['/api/docs/swagger-ui.css', 'text/css'],
    ]) {
      const answer = await request(path);
      expect([path, answer.status, answer.contentType?.split(';')[0], answer.nosniff]).toEqual([
        path,
        200,
        type,
        'nosniff',
      ]);
    }
  });

  it('answers unknown /api paths, with any method and an HTML Accept, with a JSON error, never the app page', async () => {
    const wrong: string[] = [];
    const unknown = [
      '/api',
      '/api/',
      '/api/nope',
      '/api/boards/x/y/z',
      '/api/x.html',
      '/api/index.html',
      '/api/%3Cscript%3Ealert(1)%3C%2Fscript%3E',
      '/api/<script>alert(1)</script>',
      '/api/..%2f..%2fetc%2fpasswd',
      '/api/boards/%E0%A4%A',
      '/api/%zz',
      `/api/boards/${BOARD}/nope`,
    ];
    for (const path of unknown) {
      for (const method of ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
        const answer = await request(path, {
          method,
          cookie: admin,
          ...(method === 'GET' || method === 'HEAD' || method === 'OPTIONS' ? {} : { body: '{}' }),
        });
        const problem =
          problemOf(answer, method) ??
          (answer.status < 400 ? `status ${answer.status}` : null) ??
          (/<script|<html/i.test(answer.text) ? 'reflects markup' : null);
        if (problem) wrong.push(`${method} ${path}: ${problem}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('sends markup stored in titles and names back JSON-escaped from every API that shows it', async () => {
    const board = await api<{ id: string; title: string }>(server.url, '/api/boards', admin, {
      method: 'POST',
      body: { title: MARKUP.slice(0, 200) },
    });
    expect(board.status).toBe(201);
    const region = await api(server.url, '/api/regions', admin, {
      method: 'POST',
      body: { id: 'markup-city', name: MARKUP, level: 'city', parentId: null },
    });
    expect(region.status).toBe(201);
    expect(
      (
        await api(server.url, '/api/orgs', admin, {
          method: 'POST',
          body: { id: 'markup-org', name: MARKUP, kind: 'other', regionId: 'markup-city' },
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await api(server.url, '/api/users', admin, {
          method: 'POST',
          body: { username: 'markup', displayName: MARKUP, orgId: 'markup-org', password: 'Markup-Passphrase-2026' },
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await api(server.url, `/api/boards/${board.body.id}/members/orgs/markup-org`, admin, {
          method: 'PUT',
          body: { role: 'viewer' },
        })
      ).status,
    ).toBe(204);
    // A project whose title is markup, written over the socket: it reaches the audit trail and the read model.
    const client = openClient(server.url, board.body.id, admin);
    await client.whenSaved();
    createProject(
      client.doc,
      {
        id: 'markup-project',
        category: 'training',
        title: MARKUP,
        leadOrgId: 'markup-org',
        createdBy: 'demo-admin',
        now: '2026-03-01T08:00:00.000Z',
      },
      'markup',
    );
    await client.whenSaved();
    client.destroy();

    const readers = [
      '/api/boards',
      `/api/boards/${board.body.id}`,
      `/api/boards/${board.body.id}/members`,
      `/api/boards/${board.body.id}/audit`,
      '/api/users',
      '/api/users?orgId=markup-org',
      '/api/orgs',
      '/api/regions',
      '/api/regions/markup-city/orgs',
      '/api/auth/me',
    ];
    const shown: string[] = [];
    for (const path of readers) {
      const answer = await request(path, { cookie: admin });
      expect([path, problemOf(answer)]).toEqual([path, null]);
      // The markup is a JSON string: parsed, it is the text as stored; nowhere is it markup.
      const found = JSON.stringify(JSON.parse(answer.text)).includes(JSON.stringify(MARKUP).slice(1, 40));
      if (found) shown.push(path);
    }
    // The stored markup does come back through the APIs that show it (else this test tests nothing).
    expect(shown).toEqual(
      expect.arrayContaining([
        '/api/boards',
        `/api/boards/${board.body.id}`,
        `/api/boards/${board.body.id}/members`,
        '/api/orgs',
        '/api/regions',
      ]),
    );
  });

  it('serves the app’s pages with the strict CSP and nosniff, and its assets with nosniff', async () => {
    const host = new URL(server.url).host;
    for (const path of ['/', `/boards/${BOARD}`, '/some/deep/link?x=<script>', '/login']) {
      const answer = await request(path);
      expect([path, answer.status, answer.contentType?.split(';')[0], answer.nosniff]).toEqual([
        path,
        200,
        'text/html',
        'nosniff',
      ]);
      const response = await fetch(`${server.url}${path}`);
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp.split('; ')).toEqual(APP_CSP(host));
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
      expect(response.headers.get('x-frame-options')).toBe('DENY');
    }
    const asset = await fetch(`${server.url}/assets/app.js`);
    expect([
      asset.status,
      asset.headers.get('content-type')?.split(';')[0],
      asset.headers.get('x-content-type-options'),
    ]).toEqual([200, expect.stringMatching(/^(text|application)\/javascript$/), 'nosniff']);
    expect(asset.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
  });

  it('sends nosniff on the socket.io transport’s own HTTP answers (handshake errors, polling)', async () => {
    const answers = [
      await getFresh(`${server.url}/socket.io/`, 5_000),
      await getFresh(`${server.url}/socket.io/?EIO=4&transport=nope`, 5_000),
      await getFresh(`${server.url}/socket.io/?EIO=4&transport=polling`, 5_000),
    ];
    expect(answers.map((answer) => [answer.status, answer.headers['x-content-type-options']])).toEqual([
      [400, 'nosniff'],
      [400, 'nosniff'],
      [200, 'nosniff'],
    ]);
  });
});
