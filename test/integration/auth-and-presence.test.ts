import { CURRENT_SCHEMA_VERSION, readMeta, validateBoard } from '@gongjian/shared';
import { api, login } from '../support/api';
import { eventually, openClient } from '../support/clients';
import type { ServerProcess } from '../support/server-process';
import { startStack, TestStack } from '../support/stack';
import { DEMO_BOARDS } from '../../server/src/modules/demo';

const BOARD = 'demo-liangxi-2026';

describe('accounts, sessions and presence across two instances', () => {
  let stack: TestStack;
  let servers: ServerProcess[];

  beforeAll(async () => {
    stack = await startStack({ instances: 2 });
    servers = stack.servers;
  });
  afterAll(async () => {
    await stack.stop();
  });

  it('refuses a wrong password with invalid_credentials', async () => {
    const response = await fetch(`${servers[0].url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'union', password: 'wrong-password' }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ code: 'invalid_credentials', message: expect.any(String) });
  });

  it('refuses a malformed login body with invalid', async () => {
    const response = await fetch(`${servers[0].url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"username": 1',
    });
    expect(response.status).toBe(400);
    expect((await response.json()).code).toBe('invalid');
  });

  it('sets an httpOnly SameSite session cookie that works on every instance', async () => {
    const response = await fetch(`${servers[0].url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'youth', password: 'demo12345' }),
    });
    const setCookie = response.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^gj_sid=[\w-]{40,};/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const cookie = setCookie.split(';')[0];
    const me = await api<{ user: { username: string } }>(servers[1].url, '/api/auth/me', cookie);
    expect(me).toEqual({ status: 200, body: { user: expect.objectContaining({ username: 'youth', isAdmin: false }) } });
  });

  it('lists the boards the user is a member of', async () => {
    const cookie = await login(servers[0].url, 'leader', 'demo12345');
    const boards = await api<unknown[]>(servers[1].url, '/api/boards', cookie);
    // The leader (梁溪区委) views the demo boards of Liangxi, its street and the city, and no other.
    const leaderOf = DEMO_BOARDS.filter((board) => board.members.leader !== undefined);
    expect(leaderOf.map((board) => board.id)).toContain(BOARD);
    expect(boards).toEqual({
      status: 200,
      body: leaderOf.map((board) => ({ id: board.id, title: board.title, role: 'viewer' })),
    });
  });

  it("names the user's organization, and lists regions and organizations", async () => {
    const cookie = await login(servers[0].url, 'union', 'demo12345');
    expect((await api<{ user: { orgId: string } }>(servers[0].url, '/api/auth/me', cookie)).body.user.orgId).toBe('liangxi-union');
    const regions = await api<Array<{ id: string; level: string; parentId: string | null }>>(servers[0].url, '/api/regions', cookie);
    expect(regions.body).toContainEqual({ id: 'chongansi', name: '崇安寺街道', level: 'township', parentId: 'liangxi' });
    expect(regions.body.filter((r) => r.level === 'district')).toHaveLength(2);
    const orgs = await api<Array<{ id: string; kind: string; regionId: string }>>(servers[1].url, '/api/orgs', cookie);
    expect(orgs.body).toContainEqual({ id: 'liangxi-union', name: '梁溪区总工会', kind: 'union', regionId: 'liangxi', level: 'district' });
    for (const region of regions.body) {
      expect(orgs.body.filter((o) => o.regionId === region.id).map((o) => o.kind).sort()).toEqual(['other', 'union', 'women', 'youth']);
    }
    expect((await api(servers[0].url, '/api/orgs', '')).status).toBe(401);
  });

  it('creates a board whose document already carries its title, region and year', async () => {
    const cookie = await login(servers[0].url, 'union', 'demo12345');
    const created = await api<{ id: string; title: string; role: string }>(servers[0].url, '/api/boards', cookie, {
      method: 'POST',
      body: { title: '梁溪区 2027 群团共建项目' },
    });
    expect(created).toEqual({ status: 201, body: { id: expect.any(String), title: '梁溪区 2027 群团共建项目', role: 'coordinator' } });
    const client = openClient(servers[1].url, created.body.id, cookie);
    await client.whenSaved();
    expect(readMeta(client.doc)).toEqual({
      schemaVersion: CURRENT_SCHEMA_VERSION,
      title: '梁溪区 2027 群团共建项目',
      regionId: 'liangxi',
      year: expect.any(Number),
      criteria: [],
    });
    expect(validateBoard(client.doc)).toEqual([]);
    client.destroy();
  });

  it('answers 401 unauthenticated without a session, and after logout', async () => {
    expect(await api(servers[0].url, '/api/boards', '')).toEqual({ status: 401, body: { code: 'unauthenticated', message: expect.any(String) } });
    const cookie = await login(servers[0].url, 'women', 'demo12345');
    expect((await api(servers[0].url, '/api/auth/logout', cookie, { method: 'POST' })).status).toBe(204);
    expect((await api(servers[1].url, '/api/auth/me', cookie)).status).toBe(401);
  });

  it('relays presence to sockets on the other instance, and removes it when the socket leaves', async () => {
    const [unionCookie, youthCookie] = await Promise.all([
      login(servers[0].url, 'union', 'demo12345'),
      login(servers[1].url, 'youth', 'demo12345'),
    ]);
    const here = openClient(servers[0].url, BOARD, unionCookie);
    const there = openClient(servers[1].url, BOARD, youthCookie);
    await Promise.all([here.whenSaved(), there.whenSaved()]);
    here.awareness.setLocalStateField('cursor', { projectId: 'p1' });
    await eventually(() =>
      expect(there.awareness.getStates().get(here.doc.clientID)).toEqual({
        cursor: { projectId: 'p1' },
        user: { id: 'demo-union', name: '梁溪区总工会 · 王工', color: expect.any(String), orgId: 'liangxi-union' },
      }),
    );
    here.destroy();
    await eventually(() => expect(there.awareness.getStates().has(here.doc.clientID)).toBe(false));
    there.destroy();
  });

  it('serves /metrics with the sync metrics and /readyz with its checks', async () => {
    const metrics = await (await fetch(`${servers[0].url}/metrics`)).text();
    for (const name of ['gj_sockets', 'gj_loaded_boards', 'gj_updates_in_total', 'gj_ack_latency_seconds', 'gj_stream_lag_seconds', 'gj_compaction_duration_seconds']) {
      expect(metrics).toContain(name);
    }
    expect(await (await fetch(`${servers[1].url}/readyz`)).json()).toEqual({ status: 'ok', database: 'ok', log: 'ok' });
  });
});
