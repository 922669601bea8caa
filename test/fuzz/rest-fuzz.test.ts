import fc from 'fast-check';
import { api, cookieValue, login } from '../support/api';
import { createTestDatabase, TestDatabase } from '../support/postgres';
import { createTestRedis, TestRedis } from '../support/redis';
import { ServerProcess, startServer } from '../support/server-process';
import { alarmingLogLines, crashLogLines, watchHealth } from '../support/server-watch';

/**
 * Malformed bodies for every REST endpoint that takes one, as listed by the running server's
 * GET /api/docs/openapi.json: values of the wrong type, missing and extra keys, huge strings, deep
 * nesting, text that is not JSON, top-level values that are not objects, wrong content types and
 * content encodings. Each must be answered 4xx with a JSON `{code, message}` — never 5xx, never
 * accepted. At the end each endpoint's valid base body is sent once and must be accepted, so the
 * refusals above are the mutations' doing. REST_BODIES sets the count (default 3,000; SOAK=1: 30,000).
 */

const COUNT = Number(process.env.REST_BODIES ?? (process.env.SOAK ? 30_000 : 3_000));
const SEED = Number(process.env.FUZZ_SEED ?? 20260301);
const CONCURRENCY = 8;
const PASSWORD = 'demo12345';
const FUZZER_PASSWORD = 'Fuzzing-Passphrase-2026';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
interface PropertySchema {
  type?: string;
  anyOf?: PropertySchema[];
  enum?: unknown[];
  maxLength?: number;
}
interface BodySchema {
  properties: Record<string, PropertySchema>;
  required?: string[];
  additionalProperties?: boolean;
}
interface Endpoint {
  route: string;
  method: string;
  path: string;
  schema: BodySchema;
  base: Record<string, Json>;
  /** Which session sends it. */
  as: 'admin' | 'fuzzer' | 'none';
  /** What the valid base body is answered with. */
  accepted: number;
}

/** One malformed request. */
interface Mutant {
  kind: string;
  endpoint: Endpoint;
  body: string | Buffer | undefined;
  contentType: string | undefined;
  headers?: Record<string, string>;
}

/** Fixture ids: every body endpoint with a path parameter works on throwaway entities. */
const FIX = { region: 'fz-region', org: 'fz-org', user: 'fz-user' };

/** Valid bodies, by route; the test fails when the server has a body endpoint missing here. */
function baseBodies(boardId: string, userId: string): Record<string, Omit<Endpoint, 'route' | 'method' | 'schema'>> {
  return {
    'POST /api/auth/login': {
      path: '/api/auth/login',
      base: { username: FIX.user, password: FUZZER_PASSWORD },
      as: 'none',
      accepted: 200,
    },
    'POST /api/auth/password': {
      path: '/api/auth/password',
      base: { currentPassword: FUZZER_PASSWORD, newPassword: 'Another-Fuzz-Passphrase-2026' },
      as: 'fuzzer',
      accepted: 204,
    },
    'POST /api/boards': { path: '/api/boards', base: { title: '模糊测试看板 2' }, as: 'admin', accepted: 201 },
    'PUT /api/boards/{id}/members/users/{userId}': {
      path: `/api/boards/${boardId}/members/users/${userId}`,
      base: { role: 'viewer' },
      as: 'admin',
      accepted: 204,
    },
    'PUT /api/boards/{id}/members/orgs/{orgId}': {
      path: `/api/boards/${boardId}/members/orgs/${FIX.org}`,
      base: { role: 'viewer' },
      as: 'admin',
      accepted: 204,
    },
    'POST /api/orgs': {
      path: '/api/orgs',
      base: { id: 'fz-org-2', name: '模糊组织 2', kind: 'other', regionId: FIX.region },
      as: 'admin',
      accepted: 201,
    },
    'PATCH /api/orgs/{id}': {
      path: `/api/orgs/${FIX.org}`,
      base: { name: '模糊组织（改）' },
      as: 'admin',
      accepted: 200,
    },
    'POST /api/regions': {
      path: '/api/regions',
      base: { id: 'fz-region-2', name: '模糊区', level: 'district', parentId: FIX.region },
      as: 'admin',
      accepted: 201,
    },
    'PATCH /api/regions/{id}': {
      path: `/api/regions/${FIX.region}`,
      base: { name: '模糊区（改）' },
      as: 'admin',
      accepted: 200,
    },
    'POST /api/users': {
      path: '/api/users',
      base: { username: 'fz-user-2', displayName: '模糊用户 2', orgId: FIX.org, password: FUZZER_PASSWORD },
      as: 'admin',
      accepted: 201,
    },
    'PATCH /api/users/{id}': {
      path: `/api/users/${userId}`,
      base: { displayName: '模糊用户（改）' },
      as: 'admin',
      accepted: 200,
    },
    'POST /api/users/{id}/password': {
      path: `/api/users/${userId}/password`,
      base: { password: 'Reset-Fuzz-Passphrase-2026' },
      as: 'admin',
      accepted: 204,
    },
  };
}

// ─── mutations ──────────────────────────────────────────────────────────────────────────────────

const jsonType = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'number' ? 'number' : typeof value;

function allowedTypes(schema: PropertySchema): Set<string> {
  const types = new Set<string>();
  if (schema.type) types.add(schema.type === 'integer' ? 'number' : schema.type);
  for (const member of schema.anyOf ?? []) for (const type of allowedTypes(member)) types.add(type);
  return types;
}

const anyJson: fc.Arbitrary<Json> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 20 }),
  fc.array(fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>, { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>, { maxKeys: 4 }),
);

const HUGE_ASCII = 'x'.repeat(600_000);
const HUGE_CJK = '职'.repeat(250_000);
/** Past every maxLength (all string fields have one of 256 or less); now and then close to the 1 MB limit. */
const hugeString = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 257, max: 20_000 }).map((n) => HUGE_ASCII.slice(0, n)) },
  { weight: 4, arbitrary: fc.integer({ min: 257, max: 5_000 }).map((n) => HUGE_CJK.slice(0, n)) },
  { weight: 4, arbitrary: fc.integer({ min: 257, max: 5_000 }).map((n) => '\u0000<script>'.repeat(n).slice(0, n)) },
  { weight: 1, arbitrary: fc.integer({ min: 20_000, max: 600_000 }).map((n) => HUGE_ASCII.slice(0, n)) },
  { weight: 1, arbitrary: fc.integer({ min: 5_000, max: 250_000 }).map((n) => HUGE_CJK.slice(0, n)) },
);

const nested = (depth: number, kind: 'array' | 'object') =>
  kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

const WRONG_CONTENT_TYPES = [
  undefined,
  'text/plain',
  'text/plain;charset=UTF-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=----x',
  'application/xml',
  'text/html',
  'application/json-patch+json',
  'application/jsonx',
  'application/json; charset=utf-16',
  'application/json; charset=iso-8859-1',
  'json',
  '*/*',
];

function mutants(endpoint: Endpoint): fc.Arbitrary<Mutant> {
  const { schema, base } = endpoint;
  const names = Object.keys(schema.properties);
  const json = (kind: string, body: string, contentType = 'application/json'): Mutant => ({
    kind,
    endpoint,
    body,
    contentType,
  });
  const withValue = (name: string, value: Json): string => JSON.stringify({ ...base, [name]: value });

  const wrongType = fc.constantFrom(...names).chain((name) => {
    const allowed = allowedTypes(schema.properties[name]);
    return anyJson
      .filter((value) => !allowed.has(jsonType(value)))
      .map((value) => json('wrong-type', withValue(name, value)));
  });
  const missingKey = fc
    .constantFrom(...(schema.required?.length ? schema.required : ['(none)']))
    .filter((name) => name !== '(none)')
    .map((name) => {
      const { [name]: _dropped, ...rest } = base;
      return json('missing-key', JSON.stringify(rest));
    });
  const extraKeys = fc
    .tuple(
      fc.oneof(
        fc.string({ maxLength: 20 }),
        fc.constantFrom('__proto__', 'constructor', 'prototype', 'isAdmin', 'id', 'role', 'toString'),
      ),
      anyJson,
    )
    .filter(([key]) => !(key in schema.properties))
    // `__proto__` as an own key needs JSON text: an object literal would set the prototype.
    .map(([key, value]) =>
      json(
        'extra-key',
        `${JSON.stringify(base).slice(0, -1)}${Object.keys(base).length ? ',' : ''}${JSON.stringify(key)}:${JSON.stringify(value)}}`,
      ),
    );
  const stringNames = names.filter((name) => allowedTypes(schema.properties[name]).has('string'));
  const huge = fc
    .tuple(fc.constantFrom(...stringNames), hugeString)
    .map(([name, value]) => json('huge-string', withValue(name, value)));
  const deep = fc
    .tuple(
      fc.option(fc.constantFrom(...names), { nil: undefined }),
      fc.oneof(
        { weight: 6, arbitrary: fc.integer({ min: 50, max: 5_000 }) },
        { weight: 1, arbitrary: fc.integer({ min: 5_000, max: 100_000 }) },
      ),
      fc.constantFrom<'array' | 'object'>('array', 'object'),
    )
    .map(([name, depth, kind]) => {
      if (name === undefined) return json('deep-nesting', nested(depth, kind));
      const text = withValue(name, '\u0001DEEP\u0001');
      return json('deep-nesting', text.replace('"\\u0001DEEP\\u0001"', nested(depth, kind)));
    });
  const text = JSON.stringify(base);
  const notJson = fc
    .oneof(
      fc.nat().map((cut) => text.slice(0, cut % text.length)),
      fc
        .tuple(fc.nat(), fc.string({ unit: 'binary', minLength: 1, maxLength: 4 }))
        .map(([at, s]) => text.slice(0, at % text.length) + s + text.slice((at % text.length) + 1)),
      fc.constantFrom(
        `{'title':'x'}`,
        '{"title":"x",}',
        '{title:"x"}',
        'NaN',
        '{"a":NaN}',
        '// c\n{}',
        '\u0000',
        '{"a":"\\x41"}',
        '{"a":1e999999}',
        '[',
        ']',
        '{{}}',
      ),
    )
    // (An empty body is no body: body-parser reads it as {}, which a PATCH may well accept.)
    .filter((candidate) => {
      if (candidate === '') return false;
      try {
        JSON.parse(candidate);
        return false;
      } catch {
        return true;
      }
    })
    .map((body) => json('invalid-json', body));
  const notObject = fc
    .oneof(
      fc.constantFrom('1', '"s"', 'null', 'true', '[]', '0', '-1', '""'),
      fc.constant(JSON.stringify([base])),
      fc
        .jsonValue({ maxDepth: 2 })
        .filter((v) => jsonType(v) !== 'object')
        .map((v) => JSON.stringify(v)),
    )
    .map((body) => json('not-an-object', body));
  const wrongContentType = fc
    .tuple(fc.constantFrom(...WRONG_CONTENT_TYPES), fc.boolean())
    .map(([contentType, form]) => ({
      kind: 'wrong-content-type',
      endpoint,
      contentType,
      body: form
        ? new URLSearchParams(Object.entries(base).map(([k, v]): [string, string] => [k, String(v)])).toString()
        : text,
    }));
  const badEncoding = fc
    .constantFrom('gzip', 'deflate', 'br', 'x-unknown', 'gzip, deflate', 'compress')
    .map((encoding): Mutant => ({ ...json('bad-content-encoding', text), headers: { 'content-encoding': encoding } }));

  return fc.oneof(
    { weight: 6, arbitrary: wrongType },
    { weight: schema.required?.length ? 2 : 0, arbitrary: missingKey },
    { weight: 4, arbitrary: extraKeys },
    { weight: 2, arbitrary: huge },
    { weight: 2, arbitrary: deep },
    { weight: 4, arbitrary: notJson },
    { weight: 2, arbitrary: notObject },
    { weight: 3, arbitrary: wrongContentType },
    { weight: 1, arbitrary: badEncoding },
  );
}

// ─── the test ───────────────────────────────────────────────────────────────────────────────────

describe('REST bodies fuzzing (Redis + PostgreSQL)', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let server: ServerProcess;
  const sessions: Record<'admin' | 'fuzzer' | 'none', string> = { admin: '', fuzzer: '', none: '' };
  let endpoints: Endpoint[];

  const send = async (
    endpoint: Endpoint,
    body: string | Buffer | undefined,
    contentType: string | undefined,
    headers: Record<string, string> = {},
  ) => {
    const cookie = sessions[endpoint.as];
    const csrf = cookieValue(cookie, 'gj_csrf');
    const response = await fetch(`${server.url}${endpoint.path}`, {
      method: endpoint.method,
      headers: {
        ...(cookie ? { cookie } : {}),
        ...(csrf ? { 'x-csrf-token': csrf } : {}),
        ...(contentType === undefined ? {} : { 'content-type': contentType }),
        ...headers,
      },
      body,
    });
    return { status: response.status, headers: response.headers, text: await response.text() };
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    redis = await createTestRedis();
    server = await startServer({
      DEMO: '1',
      REDIS_URL: redis.url,
      REDIS_PREFIX: redis.prefix,
      DATABASE_URL: database.url,
    });
    sessions.admin = await login(server.url, 'admin', PASSWORD);
    const make = async (path: string, body: unknown) => {
      const created = await api<{ id: string }>(server.url, path, sessions.admin, { method: 'POST', body });
      if (created.status !== 201) throw new Error(`${path}: ${created.status} ${JSON.stringify(created.body)}`);
      return created.body;
    };
    await make('/api/regions', { id: FIX.region, name: '模糊市', level: 'city', parentId: null });
    await make('/api/orgs', { id: FIX.org, name: '模糊组织', kind: 'other', regionId: FIX.region });
    const user = await make('/api/users', {
      username: FIX.user,
      displayName: '模糊用户',
      orgId: FIX.org,
      password: FUZZER_PASSWORD,
    });
    const board = await make('/api/boards', { title: '模糊测试看板' });
    sessions.fuzzer = await login(server.url, FIX.user, FUZZER_PASSWORD);

    const document = (await (await fetch(`${server.url}/api/docs/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: BodySchema }> } }>>;
    };
    const bases = baseBodies(board.id, user.id);
    endpoints = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([, operation]) => operation.requestBody)
        .map(([method, operation]) => {
          const route = `${method.toUpperCase()} ${path}`;
          const base = bases[route];
          if (!base) throw new Error(`no base body for ${route}: add one to baseBodies()`);
          return {
            route,
            method: method.toUpperCase(),
            schema: operation.requestBody!.content['application/json'].schema,
            ...base,
          };
        }),
    );
  });
  afterAll(async () => {
    await server?.stop();
    await redis?.cleanup();
    await database?.drop();
  });

  it('knows a base body for every endpoint with a body, and nothing else', () => {
    expect(endpoints.map((e) => e.route).sort()).toEqual(Object.keys(baseBodies('b', 'u')).sort());
  });

  it(`answers ${COUNT} malformed bodies 4xx {code, message} as JSON, never 5xx, never accepted`, async () => {
    const inputs = fc.sample(fc.constantFrom(...endpoints).chain(mutants), { numRuns: COUNT, seed: SEED });
    const health = watchHealth(server, 200, 5_000);
    const logFrom = server.output().length;
    const answers: Record<string, Record<string, number>> = {};
    const wrong: string[] = [];
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < inputs.length) {
          const input = inputs[next++];
          const response = await send(input.endpoint, input.body, input.contentType, input.headers);
          let parsed: unknown;
          try {
            parsed = JSON.parse(response.text);
          } catch {
            parsed = undefined;
          }
          const body = parsed as { code?: unknown; message?: unknown } | undefined;
          const code = typeof body?.code === 'string' ? body.code : '(none)';
          const tally = (answers[input.kind] ??= {});
          tally[`${response.status} ${code}`] = (tally[`${response.status} ${code}`] ?? 0) + 1;
          const problems = [
            response.status >= 400 && response.status < 500 ? null : `status ${response.status}`,
            typeof body?.code === 'string' && typeof body?.message === 'string' ? null : 'no {code, message}',
            /^application\/json/.test(response.headers.get('content-type') ?? '')
              ? null
              : `content-type ${response.headers.get('content-type')}`,
            response.headers.get('x-content-type-options') === 'nosniff' ? null : 'no nosniff',
          ].filter(Boolean);
          if (problems.length > 0 && wrong.length < 25) {
            const shown = typeof input.body === 'string' ? input.body.slice(0, 100) : String(input.body);
            wrong.push(
              `${input.endpoint.route} ${input.kind} [${input.contentType} ${JSON.stringify(input.headers ?? {})}] ${shown} → ${problems.join(', ')}: ${response.text.slice(0, 120)}`,
            );
          }
        }
      }),
    );
    const ms = Math.round(performance.now() - started);
    const report = await health.stop();
    const lines = Object.entries(answers).map(
      ([kind, tally]) =>
        `  ${kind.padEnd(22)} ${Object.entries(tally)
          .map(([a, n]) => `${a}=${n}`)
          .join(' ')}`,
    );
    console.log(
      `REST fuzz: ${inputs.length} requests to ${endpoints.length} endpoints in ${ms} ms\n${lines.join('\n')}\n/healthz p95 ${report.p95Ms} ms, max ${report.maxMs} ms`,
    );

    expect(wrong).toEqual([]);
    expect(report.failures).toEqual([]);
    expect(crashLogLines(server.output(), logFrom)).toEqual([]);
    expect(alarmingLogLines(server.output(), logFrom)).toEqual([]);
  }, 240_000);

  it('accepts each endpoint’s valid base body, so the refusals were the mutations’ doing', async () => {
    // The fuzzer signs in, then changes its password, then an administrator resets it (ending its sessions).
    const last = ['POST /api/auth/login', 'POST /api/auth/password', 'POST /api/users/{id}/password'];
    const sorted = [
      ...endpoints.filter((e) => !last.includes(e.route)),
      ...last.map((route) => endpoints.find((e) => e.route === route)!),
    ];
    const results: string[] = [];
    for (const endpoint of sorted) {
      const response = await send(endpoint, JSON.stringify(endpoint.base), 'application/json');
      results.push(`${endpoint.route} ${response.status}`);
    }
    expect(results).toEqual(sorted.map((endpoint) => `${endpoint.route} ${endpoint.accepted}`));
  });
});
