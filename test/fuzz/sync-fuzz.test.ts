import { validateBoard } from '@gongjian/shared';
import fc from 'fast-check';
import type { Socket } from 'socket.io-client';
import * as Y from 'yjs';
import type { BoardSyncProvider } from '../../client/src/lib/sync/board-sync-provider';
import { api, login } from '../support/api';
import { boardFootprint, docFingerprint } from '../support/board-footprint';
import { loadFresh, openClient } from '../support/clients';
import type { TestDatabase } from '../support/postgres';
import { prng, randomEdit } from '../support/random-edits';
import type { TestRedis } from '../support/redis';
import type { ServerProcess } from '../support/server-process';
import { alarmingLogLines, crashLogLines, metricValue, watchHealth } from '../support/server-watch';
import { startStack, TestStack } from '../support/stack';
import { connected, emitAck, rawSocket } from '../support/sync-sockets';
import { pump, PumpResult } from './pump';
import { buildCorpus, FuzzInput, fuzzInputs } from './sync-inputs';

/**
 * Fuzzing the sync socket of a real server process (Redis + PostgreSQL) with malformed messages:
 * random bytes; real updates and awareness updates (made with the shared board commands and
 * y-protocols) truncated, bit-flipped and otherwise mutated; huge varUint lengths; every event
 * argument of the wrong type; join and leave with malformed payloads; unknown events.
 *
 * Run 1 sends as a VIEWER of demo-liangxi-2026, so that no message, however it was mutated, may
 * be stored: the board must be byte-for-byte what it was, while clients on another board keep
 * editing and converge. Run 2 sends as an editor and a coordinator of a throwaway board: some
 * mutants may be valid and accepted; the board must still load and validate.
 *
 * FUZZ_MESSAGES sets the total (default 100,000; SOAK=1: 1,000,000); FUZZ_SEED replays a run.
 * The server's rate limit is lifted so that every message reaches the decoders (the limit itself
 * is attacked in test/attack/flood.test.ts).
 */

const TOTAL = Number(process.env.FUZZ_MESSAGES ?? (process.env.SOAK ? 1_000_000 : 100_000));
const SEED = Number(process.env.FUZZ_SEED ?? 20260301);
const VIEWER_SHARE = 0.7;
const SOCKETS = 4;
const WINDOW = 48;
const TARGET = 'demo-liangxi-2026';
const PASSWORD = 'demo12345';
/** Sampled in chunks: memory stays flat in a soak run, and this process (which also polls /healthz) never stalls long. */
const CHUNK = 10_000;
/** Generous: the machine is shared; a 100,000-message run takes 20–60 s on 2 busy cores. */
const TIMEOUT = Math.max(240_000, TOTAL * 3);

/** What an ack to a y message on the target board may be, for the viewer and for the editor. */
const VIEWER_Y = ['ok', 'invalid', 'forbidden', 'too_large'] as const;
const EDITOR_Y = ['ok', 'invalid', 'forbidden', 'too_large', 'gate_failed'] as const;

function summarize(result: PumpResult): string {
  const lines = Object.entries(result.answers)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([kind, answers]) =>
        `  ${kind.padEnd(22)} ${Object.entries(answers)
          .map(([a, n]) => `${a}=${n}`)
          .join(' ')}`,
    );
  return `${result.sent} sent, ${result.acked} acked in ${result.ms} ms (${Math.round((result.sent / result.ms) * 1000)}/s)\n${lines.join('\n')}`;
}

async function runFuzz(
  sockets: Socket[],
  arbitrary: fc.Arbitrary<FuzzInput>,
  count: number,
  seed: number,
): Promise<PumpResult> {
  const total: PumpResult = { sent: 0, acked: 0, answers: {}, violations: [], violationCount: 0, ms: 0 };
  for (let done = 0, chunk = 0; done < count; done += CHUNK, chunk++) {
    const inputs = fc.sample(arbitrary, { numRuns: Math.min(CHUNK, count - done), seed: seed + chunk });
    const result = await pump(sockets, inputs, { window: WINDOW });
    total.sent += result.sent;
    total.acked += result.acked;
    total.ms += result.ms;
    total.violationCount += result.violationCount;
    total.violations.push(...result.violations.slice(0, 20 - total.violations.length));
    for (const [kind, answers] of Object.entries(result.answers)) {
      const into = (total.answers[kind] ??= {});
      for (const [answer, n] of Object.entries(answers)) into[answer] = (into[answer] ?? 0) + n;
    }
  }
  return total;
}

describe('sync socket fuzzing (Redis + PostgreSQL)', () => {
  let stack: TestStack;
  let database: TestDatabase;
  let redis: TestRedis;
  let server: ServerProcess;
  let cookies: Record<string, string>;
  const sockets: Socket[] = [];
  const providers: BoardSyncProvider[] = [];

  const openJoined = async (cookie: string, boardId: string, role: string) => {
    const socket = rawSocket(server.url, cookie);
    sockets.push(socket);
    await connected(socket);
    expect(await emitAck(socket, 'join', { boardId })).toEqual({ ok: true, role });
    return socket;
  };

  beforeAll(async () => {
    stack = await startStack({
      env: {
        RATE_LIMIT_PER_SEC: '1000000',
        RATE_LIMIT_BURST: '1000000',
        AWARENESS_THROTTLE_MS: '50',
        PROJECTION_DEBOUNCE_MS: '200',
      },
    });
    ({ database, redis } = stack);
    [server] = stack.servers;
    cookies = {};
    for (const user of ['leader', 'admin', 'union', 'youth']) cookies[user] = await login(server.url, user, PASSWORD);
  }, 60_000);

  afterAll(async () => {
    for (const provider of providers) provider.destroy();
    for (const socket of sockets) socket.disconnect();
    await stack?.stop();
  });

  it(
    `run 1: ${Math.round(TOTAL * VIEWER_SHARE)} malformed messages from a viewer change nothing on demo-liangxi-2026, while another board edits on and converges`,
    async () => {
      const before = await loadFresh(server.url, TARGET, cookies.union);
      const footprintBefore = await boardFootprint(database.url, TARGET, redis);
      const corpus = buildCorpus(before, SEED);
      expect(corpus.updates.length).toBeGreaterThan(20);

      // Another board, edited by two clients all through the fuzz.
      const side = await api<{ id: string }>(server.url, '/api/boards', cookies.admin, {
        method: 'POST',
        body: { title: '模糊测试旁路看板' },
      });
      expect(side.status).toBe(201);
      const editors = [
        openClient(server.url, side.body.id, cookies.admin),
        openClient(server.url, side.body.id, cookies.admin),
      ];
      providers.push(...editors);
      await Promise.all(editors.map((editor) => editor.whenSaved()));
      const sideProblems: string[] = [];
      for (const editor of editors) {
        editor.on('refused', (refusal: unknown) => sideProblems.push(`refused ${JSON.stringify(refusal)}`));
        editor.on('error', (code: unknown) => sideProblems.push(`error ${String(code)}`));
      }
      let sideEdits = 0;
      let fuzzing = true;
      const editing = Promise.all(
        editors.map(async (editor, index) => {
          const random = prng(SEED + index);
          while (fuzzing) {
            randomEdit(editor.doc, random, 'side');
            sideEdits += 1;
            await new Promise((r) => setTimeout(r, 60 + Math.floor(random() * 60)));
          }
        }),
      );

      const health = watchHealth(server, 200, 5_000);
      const logFrom = server.output().length;
      const fuzzers = await Promise.all(
        Array.from({ length: SOCKETS }, () => openJoined(cookies.leader, TARGET, 'viewer')),
      );
      const result = await runFuzz(
        fuzzers,
        fuzzInputs(corpus, { boardId: TARGET, yAllowed: VIEWER_Y }),
        Math.round(TOTAL * VIEWER_SHARE),
        SEED,
      );
      fuzzing = false;
      await editing;
      const report = await health.stop();
      console.log(
        `fuzz run 1 (viewer): ${summarize(result)}\n/healthz: ${report.polls} polls, p95 ${report.p95Ms} ms, max ${report.maxMs} ms; side board: ${sideEdits} edits`,
      );

      // The server stayed up and answered /healthz all along; nothing went unhandled.
      expect(report.failures).toEqual([]);
      expect(crashLogLines(server.output(), logFrom)).toEqual([]);
      expect(result.sent).toBe(Math.round(TOTAL * VIEWER_SHARE));

      // The other board: every edit saved, both clients and a fresh load identical.
      await Promise.all(editors.map((editor) => editor.whenSaved(30_000)));
      expect(sideProblems).toEqual([]);
      expect(sideEdits).toBeGreaterThan(20);
      const sideStored = await loadFresh(server.url, side.body.id, cookies.admin);
      expect(docFingerprint(editors[0].doc)).toEqual(docFingerprint(editors[1].doc));
      expect(docFingerprint(sideStored)).toEqual(docFingerprint(editors[0].doc));

      // The target board: the same document, and nothing stored.
      const after = await loadFresh(server.url, TARGET, cookies.union);
      expect(docFingerprint(after)).toEqual(docFingerprint(before));
      expect(await boardFootprint(database.url, TARGET, redis)).toEqual(footprintBefore);

      // The fuzz sockets are still connected and served.
      for (const socket of fuzzers)
        expect(await emitAck(socket, 'join', { boardId: TARGET })).toEqual({ ok: true, role: 'viewer' });
      // Every ack was one the input allows; no message failed unexpectedly (`unavailable`, an error logged).
      expect(result.violations).toEqual([]);
      expect(alarmingLogLines(server.output(), logFrom)).toEqual([]);
      expect(await metricValue(server.url, 'gj_messages_refused_total', { code: 'unavailable' })).toBe(0);
      for (const socket of fuzzers) socket.disconnect();
    },
    TIMEOUT,
  );

  it(
    `run 2: ${Math.round(TOTAL * (1 - VIEWER_SHARE))} malformed messages from an editor and a coordinator leave a throwaway board loadable and valid`,
    async () => {
      const created = await api<{ id: string }>(server.url, '/api/boards', cookies.union, {
        method: 'POST',
        body: { title: '模糊测试看板' },
      });
      expect(created.status).toBe(201);
      const boardId = created.body.id;
      expect(
        (
          await api(server.url, `/api/boards/${boardId}/members/users/demo-youth`, cookies.union, {
            method: 'PUT',
            body: { role: 'editor' },
          })
        ).status,
      ).toBe(204);
      // Some content to mutate: projects of the union (the coordinator) and of the youth league.
      const seeding = openClient(server.url, boardId, cookies.union);
      providers.push(seeding);
      await seeding.whenSaved();
      const random = prng(SEED);
      for (let i = 0; i < 40; i++) randomEdit(seeding.doc, random, 'seed');
      await seeding.whenSaved();
      const base = new Y.Doc();
      Y.applyUpdate(base, Y.encodeStateAsUpdate(seeding.doc));
      seeding.destroy();

      const corpus = buildCorpus(base, SEED + 1, [
        (doc) => randomEdit(doc, prng(1), 'fuzz'),
        (doc) => randomEdit(doc, prng(2), 'fuzz'),
        (doc) => randomEdit(doc, prng(3), 'fuzz'),
      ]);
      const health = watchHealth(server, 200, 5_000);
      const logFrom = server.output().length;
      const fuzzers = [
        await openJoined(cookies.union, boardId, 'coordinator'),
        await openJoined(cookies.union, boardId, 'coordinator'),
        await openJoined(cookies.youth, boardId, 'editor'),
        await openJoined(cookies.youth, boardId, 'editor'),
      ];
      const count = TOTAL - Math.round(TOTAL * VIEWER_SHARE);
      const result = await runFuzz(fuzzers, fuzzInputs(corpus, { boardId, yAllowed: EDITOR_Y }), count, SEED + 7);
      const report = await health.stop();
      console.log(
        `fuzz run 2 (editor, coordinator): ${summarize(result)}\n/healthz: ${report.polls} polls, p95 ${report.p95Ms} ms, max ${report.maxMs} ms`,
      );

      expect(report.failures).toEqual([]);
      expect(crashLogLines(server.output(), logFrom)).toEqual([]);
      expect(result.sent).toBe(count);
      for (const socket of fuzzers) socket.disconnect();

      // Whatever mutants were accepted (a coordinator may even have deleted every project), the board
      // loads, validates, and is served.
      const stored = await loadFresh(server.url, boardId, cookies.union);
      expect(validateBoard(stored)).toEqual([]);
      expect(result.violations).toEqual([]);
      expect(alarmingLogLines(server.output(), logFrom)).toEqual([]);
      expect((await api(server.url, `/api/boards/${boardId}`, cookies.union)).status).toBe(200);
    },
    TIMEOUT,
  );
});
