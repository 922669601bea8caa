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
      // The browser reports the expected refusals by itself: a wrong password, the board that isn't there.
      const unexpected = problems.filter(
        (p) => !/Failed to load resource: the server responded with a status of (401|404)/.test(p),
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
