import { validate } from '@readme/openapi-parser';
import type { OrgSummary, RegionSummary, UserAccount, UserSummary } from '@gongjian/shared';
import { api, login } from '../support/api';
import { createTestDatabase, TestDatabase } from '../support/postgres';
import { ServerProcess, startServer } from '../support/server-process';

const PASSWORD = 'demo12345';
const NEW_PASSWORD = 'Fresh-Passw0rd-26';

type Json = Record<string, unknown>;
interface Operation {
  summary?: string;
  responses?: Record<string, unknown>;
  'x-access'?: string;
  'x-undocumented'?: boolean;
}
interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Json>; securitySchemes: Record<string, Json> };
}

const ERROR = { code: expect.any(String), message: expect.any(String) };
const errorOf = (code: string) => expect.objectContaining({ code, message: expect.any(String) });

describe('API documentation and directory administration', () => {
  let database: TestDatabase;
  let server: ServerProcess;
  let url: string;
  let admin: string;
  let union: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    server = await startServer({ DEMO: '1', DATABASE_URL: database.url });
    url = server.url;
    admin = await login(url, 'admin', PASSWORD);
    union = await login(url, 'union', PASSWORD);
  });
  afterAll(async () => {
    await server.stop();
    await database.drop();
  });

  describe('/api/docs', () => {
    let document: Document;
    beforeAll(async () => {
      const response = await fetch(`${url}/api/docs/openapi.json`);
      expect(response.status).toBe(200);
      document = (await response.json()) as Document;
    });

    const operations = () =>
      Object.entries(document.paths).flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, operation]) => ({ route: `${method.toUpperCase()} ${path}`, operation })),
      );

    it('serves a valid OpenAPI 3.1 document without signing in', async () => {
      expect(document.openapi).toBe('3.1.0');
      const result = await validate(structuredClone(document) as never);
      expect(result.valid ? [] : result.errors).toEqual([]);
    });

    it('gives every operation a summary, responses and its access', () => {
      const incomplete = operations()
        .filter(({ operation }) => !operation['x-undocumented'])
        .filter(
          ({ operation }) =>
            !operation.summary ||
            !operation.responses ||
            Object.keys(operation.responses).length === 0 ||
            !operation['x-access'],
        )
        .map(({ route }) => route);
      expect(incomplete).toEqual([]);
    });

    it('documents every route registered in the app with @ApiDoc', () => {
      const undocumented = operations()
        .filter(({ operation }) => operation['x-undocumented'])
        .map(({ route }) => route);
      expect(undocumented).toEqual([]);
    });

    it('documents the directory endpoints with their access and errors', () => {
      expect(Object.keys(document.paths)).toEqual(
        expect.arrayContaining([
          '/api/regions',
          '/api/regions/{id}',
          '/api/regions/{id}/orgs',
          '/api/orgs',
          '/api/orgs/{id}',
          '/api/users',
          '/api/users/{id}',
          '/api/users/{id}/password',
          '/healthz',
          '/readyz',
          '/api/docs',
          '/api/docs/openapi.json',
        ]),
      );
      expect(document.paths['/api/regions/{id}'].delete).toMatchObject({
        'x-access': 'admin',
        security: [{ session: [], csrf: [] }],
        responses: {
          '204': expect.anything(),
          '400': expect.anything(),
          '401': expect.anything(),
          '403': expect.anything(),
          '404': expect.anything(),
          '409': expect.anything(),
        },
      });
      expect(document.paths['/api/orgs'].get).toMatchObject({
        'x-access': 'user',
        parameters: [
          expect.objectContaining({ name: 'regionId', in: 'query' }),
          expect.objectContaining({ name: 'kind', in: 'query' }),
        ],
      });
      expect(document.paths['/healthz'].get).toMatchObject({ 'x-access': 'public', security: [] });
      expect(document.components.securitySchemes.session).toEqual(
        expect.objectContaining({ type: 'apiKey', in: 'cookie', name: 'gj_sid' }),
      );
      expect(document.components.schemas.ErrorBody).toMatchObject({
        required: ['code', 'message'],
        properties: { code: { enum: expect.arrayContaining(['conflict', 'forbidden']) } },
      });
    });

    it('serves Swagger UI from this origin, with no inline script', async () => {
      const page = await fetch(`${url}/api/docs`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      const csp = page.headers.get('content-security-policy');
      expect(csp).toMatch(/script-src 'self'(;|$)/);
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
      const html = await page.text();
      const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
      expect(
        scripts.map(([, attributes, body]) => ({ src: /src="([^"]+)"/.exec(attributes)?.[1], body: body.trim() })),
      ).toEqual([
        { src: '/api/docs/swagger-ui-bundle.js', body: '' },
        { src: '/api/docs/swagger-ui-init.js', body: '' },
      ]);
      expect(html).not.toMatch(/https?:\/\//);
      for (const [asset, type] of [
        ['/api/docs/swagger-ui-bundle.js', /javascript/],
        ['/api/docs/swagger-ui-init.js', /javascript/],
        ['/api/docs/swagger-ui.css', /text\/css/],
      ] as const) {
        const response = await fetch(`${url}${asset}`);
        expect({ asset, status: response.status }).toEqual({ asset, status: 200 });
        expect(response.headers.get('content-type')).toMatch(type);
        expect((await response.text()).length).toBeGreaterThan(100);
      }
    });
  });

  describe('access to the directory', () => {
    it('answers 401 unauthenticated without a session', async () => {
      for (const path of [
        '/api/regions',
        '/api/orgs',
        '/api/users',
        '/api/users/demo-union',
        '/api/regions/liangxi/orgs',
      ]) {
        expect({ path, ...(await api(url, path, '')) }).toEqual({
          path,
          status: 401,
          body: errorOf('unauthenticated'),
        });
      }
      expect(await api(url, '/api/regions', '', { method: 'POST', body: { name: 'x', level: 'city' } })).toEqual({
        status: 401,
        body: errorOf('unauthenticated'),
      });
    });

    it('answers 403 forbidden to a signed-in non-admin who writes, before reading the body', async () => {
      const writes: Array<[string, string, unknown]> = [
        ['POST', '/api/regions', { name: '新区', level: 'city' }],
        ['PATCH', '/api/regions/liangxi', { name: '改名' }],
        ['DELETE', '/api/regions/jianghai', undefined],
        ['POST', '/api/orgs', { nonsense: true }],
        ['PATCH', '/api/orgs/liangxi-union', { name: '改名' }],
        ['DELETE', '/api/orgs/liangxi-union', undefined],
        ['POST', '/api/users', {}],
        ['PATCH', '/api/users/demo-union', { isAdmin: true }],
        ['POST', '/api/users/demo-youth/password', { password: NEW_PASSWORD }],
      ];
      for (const [method, path, body] of writes) {
        expect({ method, path, ...(await api(url, path, union, { method, body })) }).toEqual({
          method,
          path,
          status: 403,
          body: errorOf('forbidden'),
        });
      }
    });

    it('answers 404 not_found for unknown ids', async () => {
      const requests: Array<[string, string, unknown]> = [
        ['PATCH', '/api/regions/nowhere', { name: 'x' }],
        ['DELETE', '/api/regions/nowhere', undefined],
        ['GET', '/api/regions/nowhere/orgs', undefined],
        ['PATCH', '/api/orgs/no-org', { name: 'x' }],
        ['DELETE', '/api/orgs/no-org', undefined],
        ['GET', '/api/users/no-user', undefined],
        ['PATCH', '/api/users/no-user', { displayName: 'x' }],
        ['POST', '/api/users/no-user/password', { password: NEW_PASSWORD }],
      ];
      for (const [method, path, body] of requests) {
        expect({ method, path, ...(await api(url, path, admin, { method, body })) }).toEqual({
          method,
          path,
          status: 404,
          body: errorOf('not_found'),
        });
      }
    });

    it('answers 400 invalid for bodies, queries and ids that fail their schemas', async () => {
      const requests: Array<[string, string, unknown]> = [
        ['POST', '/api/regions', { name: '', level: 'city' }],
        ['POST', '/api/regions', { name: '市', level: 'country' }],
        ['POST', '/api/regions', { name: '市', level: 'city', extra: 1 }],
        ['POST', '/api/regions', { id: 'Not_A_Slug', name: '市', level: 'city' }],
        ['POST', '/api/regions', undefined],
        ['PATCH', '/api/regions/liangxi', { parentId: 42 }],
        ['POST', '/api/orgs', { name: '会', kind: 'club', regionId: 'liangxi' }],
        ['PATCH', '/api/orgs/liangxi-union', { region: 'wuxi' }],
        ['GET', '/api/orgs?kind=club', undefined],
        ['GET', '/api/orgs?colour=red', undefined],
        ['GET', '/api/users?orgId=a%20b', undefined],
        ['POST', '/api/users', { username: 'x', displayName: 'X', password: NEW_PASSWORD }],
        ['POST', '/api/users', { username: 'new-user', displayName: 'X', password: 'short' }],
        ['POST', '/api/users', { username: 'new-user', displayName: 'X', password: NEW_PASSWORD, isAdmin: 'yes' }],
        ['PATCH', '/api/users/demo-union', { username: 'renamed' }],
        ['POST', '/api/users/demo-union/password', { password: 'password123' }],
      ];
      for (const [method, path, body] of requests) {
        expect({ method, path, ...(await api(url, path, admin, { method, body })) }).toEqual({
          method,
          path,
          status: 400,
          body: expect.objectContaining({ ...ERROR, code: 'invalid' }),
        });
      }
    });
  });

  describe('regions', () => {
    it('creates a city (uuid id), a district and a township (given ids), and lists them', async () => {
      const city = await api<RegionSummary>(url, '/api/regions', admin, {
        method: 'POST',
        body: { name: '苏州市', level: 'city' },
      });
      expect(city).toEqual({
        status: 201,
        body: { id: expect.stringMatching(/^[0-9a-f-]{36}$/), name: '苏州市', level: 'city', parentId: null },
      });
      const district = await api<RegionSummary>(url, '/api/regions', admin, {
        method: 'POST',
        body: { id: 'gusu', name: '姑苏区', level: 'district', parentId: city.body.id },
      });
      expect(district).toEqual({
        status: 201,
        body: { id: 'gusu', name: '姑苏区', level: 'district', parentId: city.body.id },
      });
      const township = await api<RegionSummary>(url, '/api/regions', admin, {
        method: 'POST',
        body: { id: 'pingjiang', name: '平江街道', level: 'township', parentId: 'gusu' },
      });
      expect(township.status).toBe(201);
      const regions = await api<RegionSummary[]>(url, '/api/regions', union);
      expect(regions.body).toEqual(expect.arrayContaining([city.body, district.body, township.body]));
    });

    it('refuses a parent that does not fit the level with invalid', async () => {
      const bodies = [
        { name: '城', level: 'city', parentId: 'wuxi' },
        { name: '区', level: 'district' },
        { name: '区', level: 'district', parentId: 'liangxi' },
        { name: '镇', level: 'township', parentId: 'wuxi' },
        { name: '镇', level: 'township', parentId: 'nowhere' },
      ];
      for (const request of bodies) {
        expect({ request, ...(await api(url, '/api/regions', admin, { method: 'POST', body: request })) }).toEqual({
          request,
          status: 400,
          body: expect.objectContaining({ code: 'invalid', details: [expect.objectContaining({ path: 'parentId' })] }),
        });
      }
    });

    it('refuses a taken id with conflict', async () => {
      expect(
        await api(url, '/api/regions', admin, {
          method: 'POST',
          body: { id: 'liangxi', name: '梁溪区', level: 'district', parentId: 'wuxi' },
        }),
      ).toEqual({
        status: 409,
        body: errorOf('conflict'),
      });
    });

    it('renames and moves a region', async () => {
      await api(url, '/api/regions', admin, {
        method: 'POST',
        body: { id: 'move-me', name: '旧名', level: 'township', parentId: 'liangxi' },
      });
      expect(
        await api(url, '/api/regions/move-me', admin, { method: 'PATCH', body: { name: '新名', parentId: 'xinwu' } }),
      ).toEqual({
        status: 200,
        body: { id: 'move-me', name: '新名', level: 'township', parentId: 'xinwu' },
      });
      expect(await api(url, '/api/regions/move-me', admin, { method: 'PATCH', body: { parentId: 'wuxi' } })).toEqual({
        status: 400,
        body: expect.objectContaining({ code: 'invalid' }),
      });
    });

    it('keeps the level of a region with regions under it (conflict)', async () => {
      expect(
        await api(url, '/api/regions/liangxi', admin, {
          method: 'PATCH',
          body: { level: 'township', parentId: 'xinwu' },
        }),
      ).toEqual({
        status: 409,
        body: errorOf('conflict'),
      });
    });

    it('deletes a region only when nothing is under it', async () => {
      expect(await api(url, '/api/regions/liangxi', admin, { method: 'DELETE' })).toEqual({
        status: 409,
        body: errorOf('conflict'),
      });
      // jianghai has no child regions but has organizations
      expect(await api(url, '/api/regions/jianghai', admin, { method: 'DELETE' })).toEqual({
        status: 409,
        body: errorOf('conflict'),
      });
      await api(url, '/api/regions', admin, {
        method: 'POST',
        body: { id: 'short-lived', name: '临时', level: 'township', parentId: 'xinwu' },
      });
      expect(await api(url, '/api/regions/short-lived', admin, { method: 'DELETE' })).toEqual({
        status: 204,
        body: undefined,
      });
      expect((await api<RegionSummary[]>(url, '/api/regions', admin)).body.map((region) => region.id)).not.toContain(
        'short-lived',
      );
    });
  });

  describe('organizations', () => {
    it('names the level of each organization’s region', async () => {
      const orgs = await api<OrgSummary[]>(url, '/api/orgs', union);
      expect(orgs.body).toContainEqual({
        id: 'liangxi-union',
        name: '梁溪区总工会',
        kind: 'union',
        regionId: 'liangxi',
        level: 'district',
      });
      expect(orgs.body).toContainEqual(expect.objectContaining({ id: 'wuxi-union', level: 'city' }));
    });

    it('filters by region and kind', async () => {
      const byRegion = await api<OrgSummary[]>(url, '/api/orgs?regionId=liangxi', union);
      expect(byRegion.body.map((org) => org.kind).sort()).toEqual(['other', 'union', 'women', 'youth']);
      expect(byRegion.body.every((org) => org.regionId === 'liangxi')).toBe(true);
      const unions = await api<OrgSummary[]>(url, '/api/orgs?kind=union&regionId=xinwu', union);
      expect(unions.body.map((org) => org.id)).toEqual(['xinwu-union']);
      expect((await api<OrgSummary[]>(url, '/api/regions/liangxi/orgs', union)).body).toEqual(byRegion.body);
    });

    it('creates, changes and deletes an organization', async () => {
      const created = await api<OrgSummary>(url, '/api/orgs', admin, {
        method: 'POST',
        body: { id: 'liangxi-sci', name: '梁溪区科协', kind: 'other', regionId: 'liangxi' },
      });
      expect(created).toEqual({
        status: 201,
        body: { id: 'liangxi-sci', name: '梁溪区科协', kind: 'other', regionId: 'liangxi', level: 'district' },
      });
      expect(
        await api(url, '/api/orgs/liangxi-sci', admin, {
          method: 'PATCH',
          body: { regionId: 'chongansi', name: '崇安寺街道科协' },
        }),
      ).toEqual({
        status: 200,
        body: { id: 'liangxi-sci', name: '崇安寺街道科协', kind: 'other', regionId: 'chongansi', level: 'township' },
      });
      const generated = await api<OrgSummary>(url, '/api/orgs', admin, {
        method: 'POST',
        body: { name: '新吴区侨联', kind: 'other', regionId: 'xinwu' },
      });
      expect(generated.body.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(await api(url, '/api/orgs/liangxi-sci', admin, { method: 'DELETE' })).toEqual({
        status: 204,
        body: undefined,
      });
      expect((await api(url, '/api/orgs/liangxi-sci', admin, { method: 'PATCH', body: { name: 'x' } })).status).toBe(
        404,
      );
    });

    it('refuses an unknown region with invalid and a taken id with conflict', async () => {
      expect(
        await api(url, '/api/orgs', admin, {
          method: 'POST',
          body: { name: '会', kind: 'union', regionId: 'nowhere' },
        }),
      ).toEqual({
        status: 400,
        body: expect.objectContaining({ code: 'invalid', details: [expect.objectContaining({ path: 'regionId' })] }),
      });
      expect(
        await api(url, '/api/orgs', admin, {
          method: 'POST',
          body: { id: 'wuxi-union', name: '会', kind: 'union', regionId: 'wuxi' },
        }),
      ).toEqual({
        status: 409,
        body: errorOf('conflict'),
      });
    });

    it('refuses to delete an organization with users (conflict)', async () => {
      expect(await api(url, '/api/orgs/liangxi-union', admin, { method: 'DELETE' })).toEqual({
        status: 409,
        body: errorOf('conflict'),
      });
    });
  });

  describe('users', () => {
    it('lists users for pickers, with account fields for administrators only', async () => {
      const forUnion = await api<Array<UserSummary & Json>>(url, '/api/users', union);
      expect(forUnion.body).toContainEqual({
        id: 'demo-youth',
        username: 'youth',
        displayName: '共青团梁溪区委 · 李团',
        orgId: 'liangxi-youth',
      });
      const forAdmin = await api<UserAccount[]>(url, '/api/users', admin);
      expect(forAdmin.body).toContainEqual({
        id: 'demo-youth',
        username: 'youth',
        displayName: '共青团梁溪区委 · 李团',
        orgId: 'liangxi-youth',
        isAdmin: false,
        disabled: false,
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
      expect(
        (await api<UserSummary[]>(url, '/api/users?orgId=liangxi-union', union)).body.map((user) => user.username),
      ).toEqual(['union']);
      expect(await api(url, '/api/users/demo-admin', union)).toEqual({
        status: 200,
        body: { id: 'demo-admin', username: 'admin', displayName: '系统管理员', orgId: null },
      });
    });

    it('creates a user who can sign in, and refuses a taken username with conflict', async () => {
      const created = await api<UserAccount>(url, '/api/users', admin, {
        method: 'POST',
        body: { username: 'new.member', displayName: '新成员', orgId: 'xinwu-youth', password: NEW_PASSWORD },
      });
      expect(created).toEqual({
        status: 201,
        body: {
          id: expect.any(String),
          username: 'new.member',
          displayName: '新成员',
          orgId: 'xinwu-youth',
          isAdmin: false,
          disabled: false,
          createdAt: expect.any(String),
        },
      });
      const cookie = await login(url, 'new.member', NEW_PASSWORD);
      expect((await api<{ user: { id: string } }>(url, '/api/auth/me', cookie)).body.user.id).toBe(created.body.id);
      expect(
        await api(url, '/api/users', admin, {
          method: 'POST',
          body: { username: 'union', displayName: '重复', password: NEW_PASSWORD },
        }),
      ).toEqual({
        status: 409,
        body: errorOf('conflict'),
      });
    });

    it('refuses a password equal to the username and an unknown organization with invalid', async () => {
      expect(
        await api(url, '/api/users', admin, {
          method: 'POST',
          body: { username: 'Same-As-Pass-26', displayName: 'X', password: 'same-as-pass-26' },
        }),
      ).toEqual({
        status: 400,
        body: expect.objectContaining({
          code: 'invalid',
          details: [{ path: 'password', message: 'password_same_as_username' }],
        }),
      });
      expect(
        await api(url, '/api/users', admin, {
          method: 'POST',
          body: { username: 'orgless', displayName: 'X', orgId: 'no-org', password: NEW_PASSWORD },
        }),
      ).toEqual({
        status: 400,
        body: expect.objectContaining({ code: 'invalid', details: [expect.objectContaining({ path: 'orgId' })] }),
      });
    });

    it('moves a user to another organization without ending their sessions', async () => {
      const created = await api<UserAccount>(url, '/api/users', admin, {
        method: 'POST',
        body: { username: 'mover', displayName: '调动', orgId: 'wuxi-women', password: NEW_PASSWORD },
      });
      const cookie = await login(url, 'mover', NEW_PASSWORD);
      expect(
        await api(url, `/api/users/${created.body.id}`, admin, {
          method: 'PATCH',
          body: { orgId: 'xinwu-women', displayName: '已调动' },
        }),
      ).toEqual({
        status: 200,
        body: expect.objectContaining({ orgId: 'xinwu-women', displayName: '已调动' }),
      });
      expect((await api<{ user: { orgId: string } }>(url, '/api/auth/me', cookie)).body.user.orgId).toBe('xinwu-women');
    });

    it('disabling a user ends their sessions and refuses their sign-in until enabled again', async () => {
      const created = await api<UserAccount>(url, '/api/users', admin, {
        method: 'POST',
        body: { username: 'leaver', displayName: '离开', password: NEW_PASSWORD },
      });
      const cookie = await login(url, 'leaver', NEW_PASSWORD);
      expect(
        await api(url, `/api/users/${created.body.id}`, admin, { method: 'PATCH', body: { disabled: true } }),
      ).toEqual({
        status: 200,
        body: expect.objectContaining({ disabled: true }),
      });
      expect((await api(url, '/api/auth/me', cookie)).status).toBe(401);
      await expect(login(url, 'leaver', NEW_PASSWORD)).rejects.toThrow(/401/);
      await api(url, `/api/users/${created.body.id}`, admin, { method: 'PATCH', body: { disabled: false } });
      await expect(login(url, 'leaver', NEW_PASSWORD)).resolves.toMatch(/^gj_sid=/);
    });

    it('resetting a password ends the user’s sessions; the new password signs in', async () => {
      const created = await api<UserAccount>(url, '/api/users', admin, {
        method: 'POST',
        body: { username: 'forgetful', displayName: '忘记', password: NEW_PASSWORD },
      });
      const cookie = await login(url, 'forgetful', NEW_PASSWORD);
      expect(
        await api(url, `/api/users/${created.body.id}/password`, admin, {
          method: 'POST',
          body: { password: 'Another-Passw0rd' },
        }),
      ).toEqual({
        status: 204,
        body: undefined,
      });
      expect((await api(url, '/api/auth/me', cookie)).status).toBe(401);
      await expect(login(url, 'forgetful', NEW_PASSWORD)).rejects.toThrow(/401/);
      await expect(login(url, 'forgetful', 'Another-Passw0rd')).resolves.toMatch(/^gj_sid=/);
    });

    it('grants and removes administrator rights, but not an administrator’s own (conflict)', async () => {
      const created = await api<UserAccount>(url, '/api/users', admin, {
        method: 'POST',
        body: { username: 'deputy', displayName: '副管理员', password: NEW_PASSWORD, isAdmin: true },
      });
      expect(created.body.isAdmin).toBe(true);
      const deputy = await login(url, 'deputy', NEW_PASSWORD);
      expect(
        await api(url, `/api/users/${created.body.id}`, deputy, { method: 'PATCH', body: { isAdmin: false } }),
      ).toEqual({ status: 409, body: errorOf('conflict') });
      expect(
        await api(url, `/api/users/${created.body.id}`, deputy, { method: 'PATCH', body: { disabled: true } }),
      ).toEqual({ status: 409, body: errorOf('conflict') });
      expect(
        await api(url, `/api/users/${created.body.id}`, admin, { method: 'PATCH', body: { isAdmin: false } }),
      ).toEqual({
        status: 200,
        body: expect.objectContaining({ isAdmin: false }),
      });
      expect(
        (await api(url, '/api/regions', deputy, { method: 'POST', body: { name: '城', level: 'city' } })).status,
      ).toBe(403);
    });
  });
});
