import { encodeSyncUpdate, SyncEvent } from '@gongjian/shared';
import type { Socket as NetSocket } from 'node:net';
import type { Socket } from 'socket.io-client';
import * as Y from 'yjs';
import { login } from '../support/api';
import { createTestDatabase, TestDatabase } from '../support/postgres';
import { newProjectMap } from '../support/random-edits';
import { createTestRedis, TestRedis } from '../support/redis';
import { ServerProcess, startServer } from '../support/server-process';
import { connected, emitAck, rawSocket } from '../support/sync-sockets';
import { exclusive } from './support/exclusive';
import { BOARD, Editor, param, percentile, scrape, sleep, SOAK } from './support/editors';

const LIMIT = 8 * 1024 * 1024; // SLOW_CLIENT_MAX_BUFFER_BYTES' default
const WRITERS = 2;
const CHUNK = 64 * 1024;
/** Updates per second per writer: 2 × 50 × 64 KiB ≈ 6.4 MB/s to every reader of the board. */
const RATE = 50;
const BASELINE_MS = param('FAULT_BASELINE_MS', 5_000, 15_000);
const STALLED_MS = param('FAULT_STALLED_MS', 12_000, 90_000);

/**
 * One client stops reading its socket (its TCP socket paused: a frozen tab, a dead path) while
 * others edit heavily. The server cuts it off once SLOW_CLIENT_MAX_BUFFER_BYTES wait for it, so
 * its memory stays bounded instead of growing with everything sent to the board; the other
 * clients' latency stays what it was.
 */
describe('a client that stops reading while others edit heavily', () => {
  let release: (() => void) | undefined;
  let database: TestDatabase;
  let redis: TestRedis;
  let server: ServerProcess | undefined;
  const closers: Array<() => void> = [];

  beforeAll(async () => {
    release = await exclusive();
    database = await createTestDatabase();
    redis = await createTestRedis();
  }, 16 * 60_000);
  afterAll(async () => {
    try {
      for (const close of closers) close();
      await server?.stop();
      await redis.cleanup();
      await database.drop();
    } finally {
      release?.();
    }
  });

  it(
    'is cut off; server memory stays bounded; other clients are unaffected',
    async () => {
      server = await startServer({
        DEMO: '1',
        REDIS_URL: redis.url,
        REDIS_PREFIX: redis.prefix,
        DATABASE_URL: database.url,
        COMPACT_AFTER_UPDATES: '300',
        COMPACT_INTERVAL_MS: '1000',
        COMPACT_TRIM_GRACE_MS: '1000',
        // FAULT_SLOW_LIMIT=0 shows what happens without the limit (the test then fails on memory).
        SLOW_CLIENT_MAX_BUFFER_BYTES: process.env.FAULT_SLOW_LIMIT ?? String(LIMIT),
      });
      const url = server.url;
      const cookie = await login(url, 'admin', 'demo12345');

      // Latency probes: one edits, the other watches for its edits.
      const sender = new Editor(url, cookie, 'probe-sender');
      const watcher = new Editor(url, cookie, 'probe-watcher');
      closers.push(
        () => sender.destroy(),
        () => watcher.destroy(),
      );
      await Promise.all([sender.ready(), watcher.ready()]);
      const seenAt = new Map<string, number>();
      watcher.doc.on('afterTransaction', () => {
        const checklist = watcher.doc.getMap<Y.Map<unknown>>('projects').get(sender.projectId)?.get('checklist');
        if (!(checklist instanceof Y.Map)) return;
        for (const key of checklist.keys()) if (!seenAt.has(key)) seenAt.set(key, Date.now());
      });
      const latencies = (from: number, to: number) =>
        sender.madeAt.flatMap((made, n) =>
          made >= from && made < to && seenAt.has(`e${n}`) ? [seenAt.get(`e${n}`)! - made] : [],
        );

      const writers = await Promise.all(
        Array.from({ length: WRITERS }, (_, i) => startWriter(url, cookie, `heavy${i}`)),
      );
      for (const writer of writers) closers.push(writer.stop);
      sender.start(200);

      const samples: Array<{ at: number; rss: number; heap: number; external: number }> = [];
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          const [rss, heap, external] = await Promise.all([
            scrape(url, 'process_resident_memory_bytes'),
            scrape(url, 'nodejs_heap_size_used_bytes'),
            scrape(url, 'nodejs_external_memory_bytes'),
          ]);
          samples.push({ at: Date.now(), rss, heap, external });
          await sleep(250);
        }
      })();

      const baselineFrom = Date.now();
      await sleep(BASELINE_MS);
      const socketsBefore = await scrape(url, 'gj_sockets');

      // The stalled client: joins, then its TCP socket stops reading.
      const slow = rawSocket(url, cookie);
      closers.push(() => slow.disconnect());
      await connected(slow);
      expect(await emitAck(slow, SyncEvent.join, { boardId: BOARD })).toMatchObject({ ok: true });
      const tcp = (slow.io.engine.transport as unknown as { ws: { _socket: NetSocket } }).ws._socket;
      tcp.pause();
      const stalledAt = Date.now();
      let cutAfter: number | undefined;
      while (Date.now() - stalledAt < STALLED_MS) {
        if (cutAfter === undefined && (await scrape(url, 'gj_slow_clients_cut_total')) >= 1)
          cutAfter = Date.now() - stalledAt;
        await sleep(100);
      }
      sender.stop();
      sampling = false;
      await sampler;
      for (const writer of writers) writer.stop();
      await sender.provider.whenSaved();

      const sent = writers.reduce((sum, writer) => sum + writer.sentBytes(), 0);
      const sentWhileStalled = writers.reduce((sum, writer) => sum + writer.sentBytesSince(stalledAt), 0);
      // Bounded: what the server retains (the troughs of JS heap + buffers, between collections) late
      // in the stall is what it retained before, give or take twice the limit. Without the limit it
      // retains what the stalled client was sent (FAULT_SLOW_LIMIT=0: +40 MiB after 12 s, and growing).
      const retained = (from: number, to: number) =>
        Math.min(...samples.filter((x) => x.at >= from && x.at < to).map((x) => x.heap + x.external));
      const retainedBefore = retained(baselineFrom, stalledAt);
      const retainedLate = retained(stalledAt + 0.6 * STALLED_MS, Infinity);
      expect(sentWhileStalled).toBeGreaterThan(4 * LIMIT);
      expect(retainedLate - retainedBefore).toBeLessThan(2 * LIMIT);
      expect(cutAfter).toBeDefined();
      expect(await scrape(url, 'gj_slow_clients_cut_total')).toBe(1);
      expect(await scrape(url, 'gj_sockets')).toBe(socketsBefore - WRITERS);
      const rssPeak = (from: number, to: number) =>
        Math.max(...samples.filter((x) => x.at >= from && x.at < to).map((x) => x.rss));
      const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

      // The others: their edits still reach each other as fast as before.
      const before = latencies(baselineFrom, stalledAt);
      const after = latencies(stalledAt, Infinity);
      expect(after.length).toBeGreaterThan(10);
      expect(percentile(after, 95)).toBeLessThan(Math.max(1_000, 3 * percentile(before, 95)));
      for (const writer of writers) expect(writer.refused()).toBe(0);

      console.log(
        `[fault] stalled client${SOAK ? ' (soak)' : ''}: writers sent ${mb(sent)} (${mb(sentWhileStalled)} while it was stalled); ` +
          `cut off after ${cutAfter} ms (limit ${mb(LIMIT)}); server retains (heap+buffers) ${mb(retainedBefore)} before, ${mb(retainedLate)} late in the stall, ` +
          `RSS peak ${mb(rssPeak(baselineFrom, stalledAt))} before, ${mb(rssPeak(stalledAt, Infinity))} during; ` +
          `edit→peer latency p50/p95 ${percentile(before, 50)}/${percentile(before, 95)} ms before, ${percentile(after, 50)}/${percentile(after, 95)} ms while stalled`,
      );
    },
    (SOAK ? 400 : 120) * 1000,
  );
});

interface Writer {
  stop(): void;
  sentBytes(): number;
  sentBytesSince(time: number): number;
  refused(): number;
}

/**
 * A raw socket that writes big text into a project of its own as fast as the rate limit allows
 * (each update inserts CHUNK characters into its description and deletes the previous ones, so
 * the board itself stays small). It never applies what it receives: its updates depend only on
 * its own.
 */
async function startWriter(url: string, cookie: string, name: string): Promise<Writer> {
  const socket: Socket = rawSocket(url, cookie);
  await connected(socket);
  const ack = await emitAck(socket, SyncEvent.join, { boardId: BOARD });
  if (!ack.ok) throw new Error(`${name}: join refused ${ack.error}`);
  const doc = new Y.Doc();
  const sent: Array<{ at: number; bytes: number }> = [];
  let refused = 0;
  doc.on('update', (update: Uint8Array) => {
    sent.push({ at: Date.now(), bytes: update.byteLength });
    socket.emit(SyncEvent.y, BOARD, encodeSyncUpdate(update), (answer: { ok: boolean }) => {
      if (!answer.ok) refused += 1;
    });
  });
  const projectId = `fault-${name}`;
  doc.transact(() => {
    const project = newProjectMap(projectId, name);
    project.set('description', new Y.Text());
    doc.getMap('projects').set(projectId, project);
  });
  const description = () => doc.getMap<Y.Map<unknown>>('projects').get(projectId)!.get('description') as Y.Text;
  let n = 0;
  const timer = setInterval(() => {
    n += 1;
    doc.transact(() => {
      const text = description();
      if (text.length > 0) text.delete(0, text.length);
      text.insert(0, String.fromCharCode(97 + (n % 26)).repeat(CHUNK));
    });
  }, 1000 / RATE);
  return {
    stop: () => {
      clearInterval(timer);
      socket.disconnect();
    },
    sentBytes: () => sent.reduce((sum, s) => sum + s.bytes, 0),
    sentBytesSince: (time) => sent.filter((s) => s.at >= time).reduce((sum, s) => sum + s.bytes, 0),
    refused: () => refused,
  };
}
