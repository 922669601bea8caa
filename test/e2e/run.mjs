// End-to-end test of the web client against the real server in real Chromium.
// Assumes `npm run build` has run. Starts its own server on a free port with a fresh data folder.
//
//   node test/e2e/run.mjs
//
// Prints one line per check and `N passed, M failed`; exits non-zero when anything failed.
/* global document, window, HTMLTextAreaElement -- the callbacks given to page.evaluate run in the browser */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RESULTS_DIR = join(ROOT, 'test-results');
const BOARD_ID = 'demo-liangxi-2026';
const PASSWORD = 'demo12345';
const PROJECT_TITLE = '职工技能大赛暨青年创新创效活动';
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const WAIT_MS = 15_000;

let passed = 0;
let failed = 0;

async function check(name, fn) {
  const started = Date.now();
  try {
    await fn();
    passed += 1;
    console.log(`ok    ${name} (${Date.now() - started} ms)`);
  } catch (err) {
    failed += 1;
    console.log(
      `FAIL  ${name}\n      ${String(err?.message ?? err)
        .split('\n')
        .join('\n      ')}`,
    );
  }
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `probe` until it returns something truthy; fails with `what` after `timeoutMs`. */
async function waitUntil(what, probe, timeoutMs = WAIT_MS) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await probe();
      if (last) return last;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${last?.message ?? last})`);
    await sleep(100);
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function startServer() {
  const dataDir = mkdtempSync(join(tmpdir(), 'gj-e2e-'));
  const port = await freePort();
  const child = spawn(process.execPath, [join(ROOT, 'server/dist/main.js')], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, DEMO: '1', PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  const server = {
    url,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  // A crash of the runner itself must not leave the server behind.
  process.once('exit', () => child.kill('SIGKILL'));
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
      process.exit(1);
    });
  }
  try {
    await waitUntil(
      'the server to be ready',
      async () => {
        if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
        const response = await fetch(`${url}/readyz`);
        return response.ok;
      },
      30_000,
    );
  } catch (err) {
    await server.stop();
    throw new Error(`${err.message}\n${output}`, { cause: err });
  }
  return server;
}

async function newPage(browser, viewport = DESKTOP) {
  const context = await browser.newContext({
    viewport,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    isMobile: viewport.width < 600,
    hasTouch: viewport.width < 600,
    deviceScaleFactor: viewport.width < 600 ? 2 : 1,
  });
  context.setDefaultTimeout(WAIT_MS);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning')
      problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.problems = problems;
  return page;
}

/** Opens `path` signed out, signs in on the form that appears there, and waits for the board. */
async function signInAt(page, baseUrl, username, path = `/boards/${BOARD_ID}`) {
  await page.goto(`${baseUrl}${path}`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.locator('.kanban').waitFor();
}

/** Opens `path` signed out and signs in there; waits for the sign-in form to give way. */
async function signInTo(page, baseUrl, username, password, path = '/') {
  await page.goto(`${baseUrl}${path}`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.locator('.app-header').waitFor();
}

function planningCards(page) {
  return page.locator('[data-stage="planning"] .card');
}

/** The titles of a column's cards, whether the user may edit them (a text field) or not (a heading). */
async function cardTitles(page, stage = 'planning') {
  return page
    .locator(`[data-stage="${stage}"] .card .title`)
    .evaluateAll((nodes) =>
      nodes.map((node) => (node instanceof HTMLTextAreaElement ? node.value : node.textContent.trim())),
    );
}

/** Signs in over REST from Node; returns a caller that sends the session and its CSRF token. */
async function apiAs(baseUrl, username) {
  const response = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  assert(response.ok, `REST login of ${username} failed: ${response.status}`);
  const cookies = response.headers.getSetCookie().map((header) => header.split(';')[0]);
  const csrf = cookies.find((cookie) => cookie.startsWith('gj_csrf='))?.slice('gj_csrf='.length);
  return async (method, path, body) => {
    const headers = { cookie: cookies.join('; ') };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (csrf) headers['x-csrf-token'] = decodeURIComponent(csrf);
    const answer = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await answer.text();
    return { status: answer.status, body: text ? JSON.parse(text) : undefined };
  };
}

/**
 * A page whose sync socket can be cut off and let back, as a network outage would (only the
 * WebSocket: the REST API keeps working).
 */
async function newPageWithOutage(browser, viewport = DESKTOP) {
  const page = await newPage(browser, viewport);
  let offline = false;
  const open = [];
  await page.routeWebSocket(/\/socket\.io\//, (ws) => {
    if (offline) {
      ws.close({ code: 1006 });
      return;
    }
    open.push({ ws, server: ws.connectToServer() });
  });
  return {
    page,
    goOffline: async () => {
      offline = true;
      for (const { ws, server } of open.splice(0)) {
        await server.close().catch(() => undefined);
        await ws.close().catch(() => undefined);
      }
    },
    goOnline: () => {
      offline = false;
    },
  };
}

async function statusText(page) {
  return (await page.locator('[role="status"][data-status]').textContent())?.trim() ?? '';
}

async function avatarNames(page) {
  return page
    .locator('.avatars [role="img"]')
    .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('aria-label')));
}

async function main() {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const server = await startServer();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const pages = [];
  try {
    const base = server.url;

    await check(
      '(a) a wrong password shows the translated error; the button is disabled while signing in',
      async () => {
        const page = await newPage(browser);
        pages.push(page);
        // Slow the answer down so that the submitting state can be seen.
        await page.route('**/api/auth/login', async (route) => {
          await sleep(400);
          await route.continue();
        });
        await page.goto(`${base}/`);
        await page.getByLabel('用户名').fill('union');
        await page.getByLabel('密码').fill('wrong-password');
        await page.getByRole('button', { name: '登录' }).click();
        const busy = page.getByRole('button', { name: '正在登录…' });
        await busy.waitFor();
        assert(await busy.isDisabled(), 'the submit button is not disabled while signing in');
        const alert = page.getByRole('alert');
        await alert.waitFor();
        const text = (await alert.textContent())?.trim();
        assert(text === '用户名或密码错误。', `unexpected error text: ${text}`);
        assert(await page.getByRole('button', { name: '登录' }).isEnabled(), 'the submit button stays disabled');
        await page.screenshot({ path: join(RESULTS_DIR, 'login-error-desktop.png') });
      },
    );

    const union = await newPage(browser);
    const youth = await newPage(browser);
    pages.push(union, youth);

    await check('(b1) union and youth open the demo board and see each other in presence', async () => {
      await Promise.all([signInAt(union, base, 'union'), signInAt(youth, base, 'youth')]);
      await waitUntil(
        'the board title',
        async () => (await union.locator('.board-header h1').textContent())?.trim() === '梁溪区 2026 群团共建项目',
      );
      await waitUntil('youth in union’s presence', async () =>
        (await avatarNames(union)).some((n) => n?.includes('李团')),
      );
      await waitUntil('union in youth’s presence', async () =>
        (await avatarNames(youth)).some((n) => n?.includes('王工')),
      );
      const mine = await avatarNames(union);
      assert(mine[0] === '梁溪区总工会 · 王工（我）', `union's own avatar comes first, got ${JSON.stringify(mine)}`);
    });

    await check(
      '(b2) union adds a project and types its title; youth sees it live; status reaches 已保存',
      async () => {
        const before = await planningCards(youth).count();
        await union.getByRole('button', { name: '添加项目' }).click();
        const field = planningCards(union).last().getByRole('textbox', { name: '项目名称' });
        await waitUntil('the new title field to have focus', () =>
          field.evaluate((el) => el === document.activeElement),
        );
        await union.keyboard.type(PROJECT_TITLE, { delay: 15 });
        assert((await field.inputValue()) === PROJECT_TITLE, 'the title field does not hold what was typed');
        await waitUntil('the card on youth’s board', async () => (await planningCards(youth).count()) === before + 1);
        await waitUntil('the title on youth’s board', async () => (await cardTitles(youth)).at(-1) === PROJECT_TITLE);
        assert(
          (await planningCards(youth).last().locator('textarea').count()) === 0,
          'youth may edit the title of a project led by the union',
        );
        await waitUntil('union’s status 已保存', async () => (await statusText(union)) === '已保存');
        await waitUntil('youth’s status 已保存', async () => (await statusText(youth)) === '已保存');
        await union.screenshot({ path: join(RESULTS_DIR, 'board-desktop.png') });
      },
    );

    await check('(c) after a reload the card is still there', async () => {
      await union.reload();
      await union.locator('.kanban').waitFor();
      await waitUntil('the card after reload', async () => {
        const titles = await planningCards(union)
          .getByRole('textbox')
          .evaluateAll((nodes) => nodes.map((n) => n.value));
        return titles.includes(PROJECT_TITLE);
      });
      await waitUntil('union’s status 已保存 after reload', async () => (await statusText(union)) === '已保存');
    });

    await check('(c2) union opens a project’s details: checklist and funding total in a drawer', async () => {
      const card = union.locator('[data-stage="approved"] .card').filter({
        has: union.getByRole('button', { name: /书香梁溪/ }),
      });
      await card.getByRole('button', { name: /书香梁溪/ }).click();
      const drawer = union.getByRole('dialog');
      await drawer.waitFor();
      await waitUntil('the drawer’s title', async () =>
        ((await drawer.locator('h2').textContent()) ?? '').includes('书香梁溪'),
      );
      const items = await drawer.locator('.checklist li').count();
      assert(items > 0, 'the drawer shows no checklist item');
      const total = (await drawer.getByTestId('funding-planned-total').textContent())?.trim() ?? '';
      assert(/^¥[\d,]+\.\d{2}$/.test(total), `the planned funding total reads ${JSON.stringify(total)}`);
      assert(
        (await union.locator('.kanban textarea:focus').count()) === 0,
        'opening the details started editing a title',
      );
      await union.screenshot({ path: join(RESULTS_DIR, 'project-drawer.png') });
      await drawer.getByTestId('funding-planned-total').scrollIntoViewIfNeeded();
      await union.screenshot({ path: join(RESULTS_DIR, 'project-drawer-funding.png') });
      await union.keyboard.press('Escape');
      await waitUntil('the drawer closes on Escape', async () => (await union.getByRole('dialog').count()) === 0);
    });

    await check('(d) leader (viewer) sees the card, read only, with no add button', async () => {
      const leader = await newPage(browser);
      pages.push(leader);
      await signInAt(leader, base, 'leader');
      await leader.getByText('只读', { exact: true }).waitFor();
      await waitUntil('the card on leader’s board', async () =>
        (await planningCards(leader).locator('h3').allTextContents()).includes(PROJECT_TITLE),
      );
      assert((await leader.getByRole('button', { name: '添加项目' }).count()) === 0, 'the viewer sees an add button');
      assert((await leader.locator('.kanban textarea').count()) === 0, 'the viewer can edit a title');
      assert((await leader.getByRole('button', { name: '成员' }).count()) === 0, 'the viewer may manage members');
    });

    await check('(e) switching the language to English changes the UI, and the choice survives a reload', async () => {
      await youth.getByRole('button', { name: 'English' }).click();
      await waitUntil(
        'English column titles',
        async () =>
          (await youth.locator('.column h2').allTextContents()).join('|') ===
          'Planning|Approved|In progress|Evaluation|Archived',
      );
      await youth.getByRole('button', { name: 'Add project' }).waitFor();
      await youth.getByRole('button', { name: 'Sign out' }).waitFor();
      assert((await statusText(youth)) === 'Saved', `status reads ${await statusText(youth)}`);
      assert((await youth.evaluate(() => document.documentElement.lang)) === 'en', 'html lang is not en');
      await youth.screenshot({ path: join(RESULTS_DIR, 'board-desktop-en.png') });
      await youth.reload();
      await youth.getByRole('button', { name: 'Add project' }).waitFor();
      await youth.getByRole('button', { name: '中文' }).click();
      await youth.getByRole('button', { name: '添加项目' }).waitFor();
    });

    await check('(f) phone layout: the board fits the screen and its columns scroll sideways', async () => {
      const phone = await newPage(browser, PHONE);
      pages.push(phone);
      await signInAt(phone, base, 'women');
      await waitUntil('the card on the phone', async () => (await cardTitles(phone)).includes(PROJECT_TITLE));
      await waitUntil('the phone’s status 已保存', async () => (await statusText(phone)) === '已保存');
      const layout = await phone.evaluate(() => {
        const kanban = document.querySelector('.kanban');
        return {
          pageOverflow: document.documentElement.scrollWidth - window.innerWidth,
          kanbanScrolls: kanban.scrollWidth > kanban.clientWidth,
        };
      });
      assert(layout.pageOverflow <= 0, `the page is ${layout.pageOverflow}px wider than the phone`);
      assert(layout.kanbanScrolls, 'the columns do not scroll sideways');
      await phone.screenshot({ path: join(RESULTS_DIR, 'board-phone.png') });
      await phone.locator('.kanban').evaluate((el) => el.scrollBy({ left: el.clientWidth, behavior: 'instant' }));
      await sleep(200);
      await phone.screenshot({ path: join(RESULTS_DIR, 'board-phone-scrolled.png') });
      await phone.getByRole('link', { name: /全部看板/ }).click();
      await phone.getByRole('heading', { name: '我的看板' }).waitFor();
      await phone.screenshot({ path: join(RESULTS_DIR, 'boards-phone.png') });
      const login = await newPage(browser, PHONE);
      pages.push(login);
      await login.goto(`${base}/`);
      await login.getByLabel('用户名').waitFor();
      await login.screenshot({ path: join(RESULTS_DIR, 'login-phone.png') });
    });

    await check(
      '(g) a change the server refuses (made offline by someone made a viewer meanwhile) says why, and the board returns to the server’s state',
      async () => {
        const asCoord = await apiAs(base, 'coord');
        const { page, goOffline, goOnline } = await newPageWithOutage(browser);
        try {
          await signInAt(page, base, 'union');
          await waitUntil('the status 已保存', async () => (await statusText(page)) === '已保存');
          const fields = page.locator('[data-stage="planning"] textarea.title');
          const index = (await fields.evaluateAll((nodes) => nodes.map((node) => node.value))).indexOf(PROJECT_TITLE);
          assert(index >= 0, 'union cannot edit the title of its own project');
          const projectId = await fields.nth(index).evaluate((node) => node.closest('.card').dataset.projectId);
          const card = page.locator(`.card[data-project-id="${projectId}"]`);

          await goOffline();
          await waitUntil('the status 离线', async () => (await statusText(page)) === '离线');
          await card.locator('textarea').click();
          await page.keyboard.press('End');
          await page.keyboard.type('（离线修改）');
          const demoted = await asCoord('PUT', `/api/boards/${BOARD_ID}/members/users/demo-union`, { role: 'viewer' });
          assert(demoted.status === 204, `demoting union answered ${demoted.status} ${JSON.stringify(demoted.body)}`);
          goOnline();

          const refused = page.locator('.notice.refused');
          await refused.waitFor({ timeout: 30_000 });
          const text = (await refused.textContent()) ?? '';
          assert(text.includes('您无权修改此内容（项目「'), `the refusal reads ${JSON.stringify(text)}`);
          assert(text.includes('」的名称）'), `the refusal does not name the field: ${JSON.stringify(text)}`);
          assert(text.includes('您在此看板上只有查看权限。'), `the refusal gives no reason: ${JSON.stringify(text)}`);
          assert(
            text.includes('您尚未保存的修改都已撤销，已恢复为服务器上的内容。'),
            `no word of the undo: ${JSON.stringify(text)}`,
          );
          await waitUntil(
            'the title back to the server’s',
            async () => (await card.locator('.title').textContent())?.trim() === PROJECT_TITLE,
          );
          assert((await card.locator('textarea').count()) === 0, 'the title is still editable for a viewer');
          await page.locator('.board-header').getByText('只读', { exact: true }).waitFor();
          await page.getByText('您在此看板上的角色已变为「只读」。').waitFor();
          await waitUntil('the status 已保存', async () => (await statusText(page)) === '已保存');
          assert(
            (await cardTitles(youth)).includes(PROJECT_TITLE) &&
              !(await cardTitles(youth)).some((title) => title.includes('离线修改')),
            'the refused title reached another member',
          );
          await page.screenshot({ path: join(RESULTS_DIR, 'refusal-desktop.png') });
          await page.setViewportSize(PHONE);
          await sleep(200);
          await page.screenshot({ path: join(RESULTS_DIR, 'refusal-phone.png') });
          await refused.getByRole('button', { name: '知道了' }).click();
          await waitUntil('the refusal dismissed', async () => (await refused.count()) === 0);
          // The copy in this browser was replaced too: a reload brings nothing refused back.
          await page.setViewportSize(DESKTOP);
          await page.reload();
          await page.locator('.kanban').waitFor();
          await waitUntil('the status 已保存 after reload', async () => (await statusText(page)) === '已保存');
          await sleep(500);
          assert(
            (await page.locator('.notice.refused').count()) === 0,
            'the refused change came back from local storage',
          );
          assert(
            (await card.locator('.title').textContent())?.trim() === PROJECT_TITLE,
            'the title after reload is not the server’s',
          );
          const errors = page.problems.filter((problem) => problem.startsWith('page error'));
          assert(errors.length === 0, errors.join('\n'));
        } finally {
          await asCoord('PUT', `/api/boards/${BOARD_ID}/members/users/demo-union`, { role: 'editor' });
          await page.context().close();
        }
      },
    );

    await check(
      '(h) a coordinator changes a member’s role in the members panel; the member’s board follows',
      async () => {
        const coord = await newPage(browser);
        const women = await newPage(browser);
        pages.push(coord, women);
        await Promise.all([signInAt(coord, base, 'coord'), signInAt(women, base, 'women')]);
        await coord.locator('.board-header').getByText('协调员', { exact: true }).waitFor();
        await women.locator('.board-header').getByText('编辑', { exact: true }).waitFor();
        await coord.getByRole('button', { name: '成员' }).click();
        const panel = coord.getByRole('dialog', { name: '看板成员' });
        await panel.waitFor();
        const role = panel.getByRole('combobox', { name: '梁溪区妇联 · 陈主任的角色' });
        await role.waitFor();
        assert((await role.inputValue()) === 'editor', `women's role reads ${await role.inputValue()}`);
        await coord.screenshot({ path: join(RESULTS_DIR, 'members-desktop.png') });

        const asCoord = await apiAs(base, 'coord');
        const roleOnServer = async (username) =>
          (await asCoord('GET', `/api/boards/${BOARD_ID}/members`)).body.users.find(
            (user) => user.username === username,
          )?.role;
        await role.selectOption('viewer');
        await waitUntil('women a viewer on the server', async () => (await roleOnServer('women')) === 'viewer');
        await waitUntil('the panel shows 只读', async () => (await role.inputValue()) === 'viewer');
        await women.getByText('您在此看板上的角色已变为「只读」。').waitFor();
        await women.locator('.board-header').getByText('只读', { exact: true }).waitFor();
        await waitUntil(
          'no add button for women',
          async () => (await women.getByRole('button', { name: '添加项目' }).count()) === 0,
        );

        await role.selectOption('editor');
        await waitUntil('women an editor again', async () => (await roleOnServer('women')) === 'editor');
        await women.getByText('您在此看板上的角色已变为「编辑」。').waitFor();
        await women.getByRole('button', { name: '添加项目' }).waitFor();

        // Removed from the board: the open board says so and links back to the list.
        await panel.getByRole('button', { name: '移除梁溪区妇联 · 陈主任' }).click();
        await waitUntil('women removed on the server', async () => (await roleOnServer('women')) === undefined);
        const removed = women.getByRole('alert').filter({ hasText: '您已被移出此看板。' });
        await removed.waitFor();
        assert((await women.locator('.kanban').count()) === 0, 'the board is still shown after the removal');
        await women.screenshot({ path: join(RESULTS_DIR, 'removed-desktop.png') });
        await panel.getByLabel('选择用户').selectOption({ label: '梁溪区妇联 · 陈主任（women）' });
        await panel.getByLabel('角色', { exact: true }).first().selectOption('editor');
        await panel.getByRole('button', { name: '添加用户' }).click();
        await waitUntil('women back as an editor', async () => (await roleOnServer('women')) === 'editor');
        await removed.getByRole('link', { name: '返回看板列表' }).click();
        await women.getByRole('heading', { name: '我的看板' }).waitFor();

        // An organization is added with a role, then removed.
        await panel.getByLabel('选择单位').selectOption({ label: '崇安寺街道妇联' });
        await panel.getByLabel('角色', { exact: true }).last().selectOption('viewer');
        await panel.getByRole('button', { name: '添加单位' }).click();
        const orgRole = panel.getByRole('combobox', { name: '崇安寺街道妇联的角色' });
        await orgRole.waitFor();
        assert((await orgRole.inputValue()) === 'viewer', `the added org's role reads ${await orgRole.inputValue()}`);
        await panel.getByRole('button', { name: '移除崇安寺街道妇联' }).click();
        await waitUntil('the org removed', async () => (await orgRole.count()) === 0);

        const phone = await newPage(browser, PHONE);
        pages.push(phone);
        await signInAt(phone, base, 'coord');
        await phone.getByRole('button', { name: '成员' }).click();
        const phonePanel = phone.getByRole('dialog', { name: '看板成员' });
        await phonePanel.getByRole('combobox', { name: '梁溪区妇联 · 陈主任的角色' }).waitFor();
        const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert(overflow <= 0, `the page is ${overflow}px wider than the phone`);
        await phone.screenshot({ path: join(RESULTS_DIR, 'members-phone.png') });
        await phonePanel.getByRole('button', { name: '添加单位' }).scrollIntoViewIfNeeded();
        await phone.screenshot({ path: join(RESULTS_DIR, 'members-phone-add.png') });
        await phone.keyboard.press('Escape');
        await waitUntil('the panel closes on Escape', async () => (await phone.getByRole('dialog').count()) === 0);
      },
    );

    await check('(i) signing out everywhere takes an open board to the sign-in form, not to “removed”', async () => {
      const page = await newPage(browser);
      pages.push(page);
      await signInAt(page, base, 'leader');
      await waitUntil('the status 已保存', async () => (await statusText(page)) === '已保存');
      const asLeader = await apiAs(base, 'leader');
      const answer = await asLeader('POST', '/api/auth/logout-all');
      assert(answer.status === 204, `logout-all answered ${answer.status} ${JSON.stringify(answer.body)}`);
      await page.getByLabel('用户名').waitFor({ timeout: 20_000 });
      assert((await page.getByText('您已被移出此看板。').count()) === 0, 'a revoked session reads as a removal');
    });

    await check(
      '(j) a coordinator renames a project and finds the change in 变更记录 under their name; the project filter and the project’s details show it',
      async () => {
        const page = await newPage(browser);
        pages.push(page);
        await signInAt(page, base, 'coord');
        await waitUntil('the status 已保存', async () => (await statusText(page)) === '已保存');
        const card = page.locator('.card[data-project-id="lx-12"]');
        const before = await card.locator('textarea').inputValue();
        const renamed = `${before}（第二季）`;
        await card.locator('textarea').click();
        await page.keyboard.press('End');
        await page.keyboard.type('（第二季）');
        await waitUntil('the new title saved', async () => (await statusText(page)) === '已保存');

        await page.getByRole('button', { name: '变更记录' }).click();
        const panel = page.getByRole('dialog', { name: '变更记录' });
        const record = panel.locator('.record').filter({ hasText: renamed }).first();
        await record.waitFor();
        const text = (await record.textContent()) ?? '';
        assert(
          text.includes('崇安寺街道 · 赵协调员'),
          `the record does not name the coordinator: ${JSON.stringify(text)}`,
        );
        assert(text.includes('修改了名称'), `the record does not say what changed: ${JSON.stringify(text)}`);
        await panel.getByRole('heading', { name: /^今天/ }).waitFor();

        // Another project's trail (nothing was changed there) leaves the rename out.
        await panel.getByLabel('项目').selectOption('lx-01');
        await panel.getByText('没有符合筛选条件的变更记录。').waitFor();
        assert((await panel.locator('.record').count()) === 0, 'records of another project are shown');
        await panel.getByLabel('项目').selectOption('lx-12');
        await record.waitFor();
        const projects = await panel.locator('.record .project').allTextContents();
        assert(
          projects.length > 0 && projects.every((title) => title.trim() === renamed),
          `the project filter shows ${JSON.stringify(projects)}`,
        );
        await panel.getByLabel('人员').selectOption({ label: '崇安寺街道 · 赵协调员' });
        await record.waitFor();
        await page.screenshot({ path: join(RESULTS_DIR, 'audit-desktop.png') });
        await page.keyboard.press('Escape');
        await waitUntil('the panel closes on Escape', async () => (await page.getByRole('dialog').count()) === 0);

        // The project's details show its recent changes and open the trail filtered by it.
        await card.getByRole('button', { name: /的详情/ }).click();
        const drawer = page.getByRole('dialog');
        const recent = drawer.locator('.project-audit .record').filter({ hasText: '崇安寺街道 · 赵协调员' }).first();
        await recent.waitFor();
        assert(((await recent.textContent()) ?? '').includes('修改了名称'), 'the details show no change of the title');
        await drawer.locator('.project-audit').scrollIntoViewIfNeeded();
        await page.screenshot({ path: join(RESULTS_DIR, 'audit-project-drawer.png') });
        await drawer.getByRole('button', { name: /查看该项目的全部变更记录/ }).click();
        await panel.waitFor();
        assert(
          (await panel.getByLabel('项目').inputValue()) === 'lx-12',
          'the trail does not open filtered by the project',
        );
        await panel.locator('.record').filter({ hasText: renamed }).first().waitFor();

        const phone = await newPage(browser, PHONE);
        pages.push(phone);
        await signInAt(phone, base, 'youth');
        await phone.getByRole('button', { name: '变更记录' }).click();
        const phonePanel = phone.getByRole('dialog', { name: '变更记录' });
        await phonePanel.locator('.record').filter({ hasText: renamed }).first().waitFor();
        const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert(overflow <= 0, `the page is ${overflow}px wider than the phone`);
        await phone.screenshot({ path: join(RESULTS_DIR, 'audit-phone.png') });
      },
    );

    await check('(k) an administrator creates an organization and a user in it; the new user signs in', async () => {
      const orgName = 'E2E 江海街道工会分会';
      const admin = await newPage(browser);
      pages.push(admin);
      await signInTo(admin, base, 'admin', PASSWORD);
      await admin.getByRole('link', { name: '系统管理', exact: true }).click();
      await admin.getByRole('heading', { name: '系统管理', level: 1 }).waitFor();

      await admin.getByRole('link', { name: '群团组织' }).click();
      await admin.getByRole('button', { name: '新建组织', exact: true }).click();
      const orgForm = admin.getByRole('dialog', { name: '新建组织' });
      // Nothing filled in: each missing field is named, translated.
      await orgForm.getByRole('button', { name: '创建组织' }).click();
      const orgAlert = orgForm.getByRole('alert');
      await orgAlert.waitFor();
      const orgAlertText = (await orgAlert.textContent()) ?? '';
      assert(
        orgAlertText.includes('组织名称：') && orgAlertText.includes('所属区域：'),
        `the refusal does not name the fields: ${JSON.stringify(orgAlertText)}`,
      );
      await orgForm.getByLabel('组织名称').fill(orgName);
      await orgForm.getByLabel('组织类型').selectOption({ label: '工会' });
      await orgForm.getByLabel('所属区域').selectOption('jianghai');
      await orgForm.getByRole('button', { name: '创建组织' }).click();
      await admin
        .getByRole('status')
        .filter({ hasText: `已创建组织“${orgName}”。` })
        .waitFor();
      await admin.locator('[data-region-id="jianghai"]').getByText(orgName, { exact: true }).waitFor();
      await admin.screenshot({ path: join(RESULTS_DIR, 'admin-orgs-desktop.png') });

      await admin.getByRole('link', { name: '用户', exact: true }).click();
      await admin.getByRole('button', { name: '新建用户' }).click();
      const userForm = admin.getByRole('dialog', { name: '新建用户' });
      await userForm.getByLabel('用户名').fill('e2e-member');
      await userForm.getByLabel('显示名称').fill('江海街道 · E2E 成员');
      await userForm.getByLabel('所属单位').selectOption({ label: orgName });
      await userForm.getByLabel('初始密码').fill('e2e-member');
      // The shared policy, live and translated: too simple, and the username itself.
      const issues = userForm.locator('.password-issues li');
      await waitUntil('the live password feedback', async () =>
        (await issues.allTextContents()).includes('密码不能与用户名相同。'),
      );
      await userForm.getByRole('button', { name: '创建用户' }).click();
      await userForm.getByRole('alert').filter({ hasText: '初始密码：密码不能与用户名相同。' }).waitFor();
      await admin.screenshot({ path: join(RESULTS_DIR, 'admin-user-invalid-desktop.png') });
      assert((await userForm.getByLabel('显示名称').inputValue()) === '江海街道 · E2E 成员', 'the form lost a field');
      await userForm.getByLabel('初始密码').fill('Jianghai-2026');
      await userForm.locator('.password-issues').getByText('符合密码要求').waitFor();
      await userForm.getByRole('button', { name: '创建用户' }).click();
      await admin.getByRole('status').filter({ hasText: '已创建用户“江海街道 · E2E 成员”（e2e-member）。' }).waitFor();
      const row = admin.locator('[data-username="e2e-member"]');
      assert(((await row.textContent()) ?? '').includes(orgName), 'the new user’s row does not name the organization');

      // Created again: the username is taken, said in words, and nothing typed is lost.
      await admin.getByRole('button', { name: '新建用户' }).click();
      await userForm.getByLabel('用户名').fill('e2e-member');
      await userForm.getByLabel('显示名称').fill('重名的用户');
      await userForm.getByLabel('初始密码').fill('Jianghai-2026');
      await userForm.getByRole('button', { name: '创建用户' }).click();
      await userForm.getByRole('alert').filter({ hasText: '该用户名已被使用，请换一个。' }).waitFor();
      assert((await userForm.getByLabel('显示名称').inputValue()) === '重名的用户', 'the refused form was emptied');
      await admin.keyboard.press('Escape');

      const member = await newPage(browser);
      pages.push(member);
      await signInTo(member, base, 'e2e-member', 'Jianghai-2026');
      await member.locator('.app-header').getByText('江海街道 · E2E 成员').waitFor();
      assert(
        (await member.getByRole('link', { name: '系统管理', exact: true }).count()) === 0,
        'a new member sees the admin link',
      );

      const phone = await newPage(browser, PHONE);
      pages.push(phone);
      await signInTo(phone, base, 'admin', PASSWORD, '/admin/orgs');
      await phone.locator('[data-region-id="jianghai"]').getByText(orgName, { exact: true }).waitFor();
      const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert(overflow <= 0, `the page is ${overflow}px wider than the phone`);
      await phone.screenshot({ path: join(RESULTS_DIR, 'admin-orgs-phone.png') });
      await phone.goto(`${base}/admin/users`);
      await phone.locator('[data-username="e2e-member"]').waitFor();
      await phone.screenshot({ path: join(RESULTS_DIR, 'admin-users-phone.png') });
    });

    await check(
      '(l) someone who is not an administrator has no admin link and is refused the admin pages',
      async () => {
        const page = await newPage(browser);
        pages.push(page);
        await signInTo(page, base, 'youth', PASSWORD);
        await page.getByRole('link', { name: /共青团梁溪区委 · 李团/ }).waitFor();
        assert(
          (await page.getByRole('link', { name: '系统管理', exact: true }).count()) === 0,
          'a non-administrator sees the admin link',
        );
        for (const path of ['/admin', '/admin/users', '/admin/regions']) {
          await page.goto(`${base}${path}`);
          await page.getByRole('heading', { name: '无权访问' }).waitFor();
          assert((await page.locator('.admin-page').count()) === 0, `${path} shows the administration`);
        }
        const asYouth = await apiAs(base, 'youth');
        const refused = await asYouth('POST', '/api/orgs', { name: '越权组织', kind: 'other', regionId: 'wuxi' });
        assert(
          refused.status === 403 && refused.body?.code === 'forbidden',
          `creating an org answered ${refused.status}`,
        );
      },
    );

    await check(
      '(m) a user changes their password on the account page and signs in with the new one; signing out everywhere ends every session',
      async () => {
        const asAdmin = await apiAs(base, 'admin');
        const created = await asAdmin('POST', '/api/users', {
          username: 'e2e-password',
          displayName: 'E2E 改密码的人',
          orgId: 'jianghai-women',
          password: 'Initial-pass1',
        });
        assert(created.status === 201 || created.status === 200, `creating the user answered ${created.status}`);
        const page = await newPage(browser);
        pages.push(page);
        await signInTo(page, base, 'e2e-password', 'Initial-pass1');
        await page.getByRole('link', { name: 'E2E 改密码的人' }).click();
        await page.getByRole('heading', { name: '我的账号' }).waitFor();

        await page.getByLabel('当前密码').fill('Initial-pass1');
        await page.getByLabel('新密码', { exact: true }).fill('short');
        await page.locator('.password-issues').getByText('密码至少需要 10 个字符。').waitFor();
        await page.getByLabel('新密码', { exact: true }).fill('Changed-pass2');
        await page.locator('.password-issues').getByText('符合密码要求').waitFor();
        await page.getByLabel('再次输入新密码').fill('Changed-pass3');
        await page.getByText('两次输入的新密码不一致。').first().waitFor();
        await page.getByLabel('再次输入新密码').fill('Changed-pass2');
        await page.getByRole('button', { name: '修改密码' }).click();
        await page.getByRole('status').filter({ hasText: '密码已修改。' }).waitFor();
        await page.screenshot({ path: join(RESULTS_DIR, 'account-desktop.png'), fullPage: true });

        await page.getByRole('button', { name: '退出', exact: true }).click();
        await page.getByLabel('用户名').fill('e2e-password');
        await page.getByLabel('密码').fill('Initial-pass1');
        await page.getByRole('button', { name: '登录' }).click();
        await page.getByRole('alert').filter({ hasText: '用户名或密码错误。' }).waitFor();
        await page.getByLabel('密码').fill('Changed-pass2');
        await page.getByRole('button', { name: '登录' }).click();
        await page.getByRole('heading', { name: '我的账号' }).waitFor();

        const phone = await newPage(browser, PHONE);
        pages.push(phone);
        await signInTo(phone, base, 'e2e-password', 'Changed-pass2', '/account');
        await phone.getByRole('heading', { name: '我的账号' }).waitFor();
        const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert(overflow <= 0, `the page is ${overflow}px wider than the phone`);
        await phone.screenshot({ path: join(RESULTS_DIR, 'account-phone.png') });

        await page.getByRole('button', { name: '在所有设备上退出' }).click();
        await page.getByRole('button', { name: '全部退出' }).click();
        await page.getByLabel('用户名').waitFor();
        assert(new URL(page.url()).pathname === '/', `signing out everywhere left the page at ${page.url()}`);
        await phone.reload();
        await phone.getByLabel('用户名').waitFor();
      },
    );

    await check('a board that does not exist shows the translated error, not an empty board', async () => {
      await union.goto(`${base}/boards/no-such-board`);
      const alert = union.getByRole('alert');
      await alert.waitFor();
      const text = (await alert.textContent())?.trim() ?? '';
      assert(text.startsWith('未找到该内容，或您没有访问权限。'), `unexpected error text: ${text}`);
      assert((await union.locator('.kanban').count()) === 0, 'an empty kanban is shown');
    });

    await check('no errors or warnings in any page’s console', async () => {
      const problems = pages.flatMap((page) => page.problems);
      // The browser reports the expected refusals by itself: a wrong password, the board that isn't there,
      // a username that is taken.
      const unexpected = problems.filter(
        (p) => !/Failed to load resource: the server responded with a status of (401|404|409)/.test(p),
      );
      assert(unexpected.length === 0, unexpected.join('\n'));
    });
  } finally {
    await browser.close().catch(() => undefined);
    await server.stop();
    if (failed > 0) console.log(`--- server output ---\n${server.output()}`);
  }
}

const started = Date.now();
try {
  await main();
} catch (err) {
  failed += 1;
  console.log(`FAIL  setup\n      ${err?.stack ?? err}`);
}
console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
