// sync-smoke: N clients on one board, each making `rate` edits/s for `duration` s on an open-loop
// schedule (fixed rate, random phase). Each client first creates a project of its own
// (schema-valid: the server checks every update against the board schema); every edit then sets
// that project's funding for one org to the edit's sequence number n. The sender notes when it made
// edit n; every other client, on seeing n arrive, records now − that time: the
// edit-to-remote-visible latency (all clients live in this process and share one clock). Run against the gongjian server (two instances on Redis +
// PostgreSQL, clients split between them) and, as a reference, y-websocket (one instance).
import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { GongjianClient, now, REMOTE, YWebsocketClient } from '../lib/bench-clients.mjs';
import { Y } from '../lib/cjs.mjs';
import {
  Cleanup,
  createDatabase,
  createRedisPrefix,
  login,
  sleep,
  startGongjian,
  startYWebsocket,
  withTimeout,
} from '../lib/infra.mjs';
import { processCpuMs, systemCpuMs } from '../lib/machine.mjs';
import { Samples } from '../lib/stats.mjs';

const BOARD_ID = 'demo-liangxi-2026';
/** The funding key every measured edit sets (an org id; the value is the edit's sequence number, in fen). */
const FUNDING_ORG = 'liangxi-union';
const PASSWORD = 'demo12345';
/** Coordinators: may write anything on the demo board. */
const USERS = ['admin', 'coord'];

export const description =
  'N clients on one board across two instances, `rate` edits/s each; edit-to-remote-visible latency';

export const defaults = { duration: 30, clients: 20, rate: 1, warmup: 3, instances: 2, targetP99: 10, reference: true };

/** Rough upper bound of the run time in seconds, for the hard timeout. */
export function expectedSeconds(options) {
  const perServer = options.warmup + options.duration + 60;
  return perServer * (options.reference ? 2 : 1) + 30;
}

export async function run(options, { log, cleanup: outer, root }) {
  const results = [];
  const services = [];

  {
    const cleanup = new Cleanup();
    outer.add('gongjian run', () => cleanup.run());
    try {
      const database = await createDatabase(cleanup);
      const redis = await createRedisPrefix(cleanup);
      services.push(database.version, redis.version);
      const env = {
        DEMO: '1',
        REDIS_URL: redis.url,
        REDIS_PREFIX: redis.prefix,
        DATABASE_URL: database.url,
        LOG_LEVEL: 'warn',
      };
      const servers = [];
      // One after the other: the first runs the migrations and seeds the demo board.
      for (let i = 0; i < options.instances; i++) {
        servers.push(
          await startGongjian(cleanup, root, {
            name: `gongjian-${i + 1}`,
            env,
            nodeArgs: options.serverNodeArgs,
            logDir: options.serverLogDir,
          }),
        );
      }
      log(
        `gongjian: ${servers.length} instances (pids ${servers.map((s) => s.pid).join(', ')}), db ${database.name}, redis prefix ${redis.prefix}`,
      );
      const cookies = await Promise.all(USERS.map((user) => login(servers[0].url, user, PASSWORD)));
      const ackSamples = new Samples();
      const result = await runLoad(options, {
        server: `gongjian ${servers.length}× (Redis + PostgreSQL)`,
        short: 'gongjian',
        pids: servers.map((s) => s.pid),
        metricsUrls: servers.map((s) => `${s.url}/metrics`),
        log,
        ackSamples,
        makeClient: (i) => {
          const instance = i % servers.length;
          const client = new GongjianClient({
            url: servers[instance].url,
            boardId: BOARD_ID,
            cookie: cookies[Math.floor(i / servers.length) % cookies.length],
            name: `client ${i} @ gongjian-${instance + 1}`,
            onAck: (sentAt, ackedAt) => ackSamples.add(ackedAt - sentAt),
          });
          return { client, instance };
        },
      });
      for (const server of servers) {
        const problems = server
          .output()
          .split('\n')
          .filter((line) => /"level":(50|60)/.test(line));
        if (problems.length > 0)
          result.errors.push(`${server.name} logged errors: ${problems.slice(0, 3).join(' | ')}`);
      }
      results.push(result);
    } finally {
      await cleanup.run();
    }
  }

  if (options.reference) {
    const cleanup = new Cleanup();
    outer.add('y-websocket run', () => cleanup.run());
    try {
      const server = await startYWebsocket(cleanup, root, {
        name: 'y-websocket',
        nodeArgs: options.serverNodeArgs,
        logDir: options.serverLogDir,
      });
      log(`y-websocket ${server.version}: 1 instance (pid ${server.pid})`);
      const room = `bench-${Date.now()}`;
      results.push(
        await runLoad(options, {
          server: `y-websocket ${server.version} 1× (in memory; reference)`,
          short: 'y-websocket',
          reference: true,
          pids: [server.pid],
          log,
          makeClient: (i) => ({
            client: new YWebsocketClient({ url: server.url, room, name: `client ${i} @ y-websocket` }),
            instance: 0,
          }),
        }),
      );
    } finally {
      await cleanup.run();
    }
  }

  return { results, services };
}

/**
 * Connects the clients, runs the open-loop edit schedule, waits for the deliveries to drain, and
 * checks every replica holds every other client's last edit.
 */
async function runLoad(options, target) {
  const { log } = target;
  const count = options.clients;
  const clients = [];
  const errors = [];
  const runTag = `bench-${randomBytes(4).toString('hex')}`;
  try {
    for (let i = 0; i < count; i++) {
      const { client, instance } = target.makeClient(i);
      clients.push({
        index: i,
        projectId: `${runTag}-c${String(i).padStart(3, '0')}`,
        sendTimes: [],
        firstMeasured: Infinity,
        instance,
        client,
        n: -1,
        measured: 0,
        done: false,
        timer: undefined,
      });
    }
    await Promise.all(clients.map((c) => c.client.connect(20_000)));
    // Each client creates a project of its own; every measured edit then plans its funding.
    for (const c of clients) c.client.edit(() => createBenchProject(c.client.doc, c.projectId, c.index));
    await waitFor('every client to see every bench project', 15_000, () => {
      const failing = clients.find((c) => c.client.errors.length > 0);
      if (failing) throw new Error(failing.client.errors.join('; '));
      return clients.every(
        (r) => r.client.unacked === 0 && clients.every((s) => fundingOf(r.client.doc, s.projectId) !== null),
      );
    });
    log(`${target.short}: ${count} clients synced, one project each`);

    const all = new Samples();
    const cross = new Samples();
    const same = new Samples();
    const lateness = new Samples();
    const worst = [];
    /** Per measured edit: latency to the first and to the last receiver. */
    const perEdit = new Map();
    let skipped = 0;
    let sent = 0;
    let sentMeasured = 0;
    // lastSeen[receiver][sender]: the last n the receiver saw from the sender.
    const lastSeen = clients.map(() => new Int32Array(count).fill(-1));

    for (const receiver of clients) {
      for (const sender of clients) {
        if (sender === receiver) continue;
        const funding = fundingOf(receiver.client.doc, sender.projectId);
        funding.observe((event, transaction) => {
          if (transaction.origin !== REMOTE || !event.keysChanged.has(FUNDING_ORG)) return;
          const at = now();
          const n = funding.get(FUNDING_ORG);
          if (typeof n !== 'number') return;
          const seen = lastSeen[receiver.index];
          if (n <= seen[sender.index]) return;
          if (n > seen[sender.index] + 1) skipped += n - seen[sender.index] - 1;
          seen[sender.index] = n;
          if (n < sender.firstMeasured) return;
          const latency = at - sender.sendTimes[n];
          all.add(latency);
          const editKey = sender.index * 1e6 + n;
          const spread = perEdit.get(editKey);
          if (spread) {
            spread.first = Math.min(spread.first, latency);
            spread.last = Math.max(spread.last, latency);
          } else perEdit.set(editKey, { first: latency, last: latency });
          noteWorst(worst, { latency, at, from: sender.instance, to: receiver.instance });
          (sender.instance === receiver.instance ? same : cross).add(latency);
        });
      }
    }

    const interval = 1000 / options.rate;
    const start = now() + 500;
    const measureFrom = start + options.warmup * 1000;
    const end = measureFrom + options.duration * 1000;
    const loopDelay = monitorEventLoopDelay({ resolution: 1 });
    let cpuAtStart = [];
    let systemAtStart;
    let benchAtStart;
    let metricsAtStart = Promise.resolve(undefined);
    const cpuTimer = setTimeout(
      () => {
        cpuAtStart = target.pids.map((pid) => processCpuMs(pid));
        systemAtStart = systemCpuMs();
        benchAtStart = process.cpuUsage();
        loopDelay.enable();
        metricsAtStart = scrapeAll(target.metricsUrls);
      },
      Math.max(0, measureFrom - now()),
    );

    const schedule = (c, k, phase) => {
      const due = start + phase + k * interval;
      if (due >= end) {
        c.done = true;
        return;
      }
      c.timer = setTimeout(
        () => {
          const t = now();
          const measured = due >= measureFrom;
          c.n = k;
          c.sendTimes[k] = t;
          if (measured && c.firstMeasured === Infinity) c.firstMeasured = k;
          c.client.edit(() => fundingOf(c.client.doc, c.projectId).set(FUNDING_ORG, k), measured ? t : undefined);
          sent += 1;
          if (measured) {
            sentMeasured += 1;
            c.measured += 1;
            lateness.add(t - due);
          }
          schedule(c, k + 1, phase);
        },
        Math.max(0, due - now()),
      );
    };
    for (const c of clients) schedule(c, 0, Math.random() * interval);

    const expected = () => sentMeasured * (count - 1);
    const progress = setInterval(() => {
      const t = now();
      if (t < measureFrom) {
        log(`${target.short}: warming up (${sent} edits sent)`);
        return;
      }
      log(
        `${target.short}: ${((t - measureFrom) / 1000).toFixed(0).padStart(3)} s  sent ${String(sentMeasured).padStart(5)}  ` +
          `received ${String(all.count).padStart(6)} / ${String(expected()).padStart(6)}  running p99 ${all.percentile(99).toFixed(2)} ms`,
      );
    }, 5_000);

    try {
      while (clients.some((c) => !c.done)) {
        const failing = clients.find((c) => c.client.errors.length > 0);
        if (failing) throw new Error(failing.client.errors.join('; '));
        await sleep(50);
      }
      const cpuAtEnd = target.pids.map((pid) => processCpuMs(pid));
      const systemAtEnd = systemCpuMs();
      const benchCpu = process.cpuUsage(benchAtStart);
      loopDelay.disable();
      // Let the last edits arrive and be acknowledged.
      const drainUntil = now() + 10_000;
      while (now() < drainUntil && (all.count < expected() || clients.some((c) => c.client.unacked > 0)))
        await sleep(20);
      clearInterval(progress);
      const metricsAtEnd = scrapeAll(target.metricsUrls);

      let lost = 0;
      for (const receiver of clients) {
        for (const sender of clients) {
          if (sender === receiver) continue;
          if (fundingOf(receiver.client.doc, sender.projectId)?.get(FUNDING_ORG) !== sender.n) lost += 1;
        }
      }
      for (const c of clients) errors.push(...c.client.errors);
      const windowMs = options.duration * 1000;
      const cpu = target.pids.map((pid, i) =>
        cpuAtStart[i] !== undefined && cpuAtEnd[i] !== undefined
          ? ((cpuAtEnd[i] - cpuAtStart[i]) / windowMs) * 100
          : NaN,
      );
      const result = {
        server: target.server,
        short: target.short,
        reference: Boolean(target.reference),
        clients: count,
        instances: new Set(clients.map((c) => c.instance)).size,
        sent: sentMeasured,
        sentIncludingWarmup: sent,
        expected: expected(),
        all: { ...all.summary() },
        lost,
        skipped,
        errors,
        ack: target.ackSamples ? target.ackSamples.summary() : undefined,
        cpuPercent: cpu,
        benchCpuPercent: ((benchCpu.user + benchCpu.system) / 1000 / windowMs) * 100,
        // Of all CPUs: 100% = every CPU busy the whole window.
        systemCpuPercent:
          systemAtStart && systemAtEnd
            ? ((systemAtEnd.busy - systemAtStart.busy) / (systemAtEnd.total - systemAtStart.total)) * 100
            : NaN,
        benchLoopDelayP99: loopDelay.percentile(99) / 1e6,
        benchLoopDelayMax: loopDelay.max / 1e6,
        timerLateness: { p99: lateness.percentile(99), max: lateness.max },
        firstReceiver: summarize([...perEdit.values()].map((e) => e.first)),
        receiverSpread: summarize([...perEdit.values()].map((e) => e.last - e.first)),
        serverMetrics: serverMetricsDelta(await metricsAtStart, await metricsAtEnd),
        worst: worst.map((w) => ({
          ms: w.latency,
          atS: (w.at - measureFrom) / 1000,
          atEpochMs: Math.round(w.at),
          from: w.from,
          to: w.to,
        })),
      };
      if (result.instances > 1) {
        result.cross = { ...cross.summary(), expected: crossExpected(clients) };
        result.same = { ...same.summary(), expected: result.expected - result.cross.expected };
      }
      return result;
    } finally {
      clearInterval(progress);
      clearTimeout(cpuTimer);
      loopDelay.disable();
    }
  } finally {
    for (const c of clients) clearTimeout(c.timer);
    await withTimeout(
      Promise.resolve().then(() => {
        for (const c of clients) c.client.close();
      }),
      5_000,
      'closing clients',
    ).catch(() => {});
  }
}

/** Deliveries of measured edits from a client on one instance to a client on another. */
function crossExpected(clients) {
  let cross = 0;
  for (const sender of clients) {
    for (const receiver of clients) if (receiver.instance !== sender.instance) cross += sender.measured;
  }
  return cross;
}

/** Keeps the 5 slowest deliveries (with when and between which instances), slowest first. */
function noteWorst(worst, entry) {
  if (worst.length === 5 && entry.latency <= worst[4].latency) return;
  worst.push(entry);
  worst.sort((a, b) => b.latency - a.latency);
  if (worst.length > 5) worst.pop();
}

/** Prometheus text of each URL, or undefined when there are none or one fails. */
async function scrapeAll(urls) {
  if (!urls || urls.length === 0) return undefined;
  try {
    return await Promise.all(
      urls.map(async (url) => {
        const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
        return response.ok ? response.text() : '';
      }),
    );
  } catch {
    return undefined;
  }
}

/** Sums `name{...le="x"...} value` bucket lines (and _count) over all label sets and instances. */
function histogram(texts, name) {
  const buckets = new Map();
  let count = 0;
  for (const text of texts) {
    for (const line of text.split('\n')) {
      if (line.startsWith(`${name}_bucket{`)) {
        const le = /le="([^"]+)"/.exec(line)?.[1];
        const value = Number(line.slice(line.lastIndexOf(' ') + 1));
        if (le !== undefined) buckets.set(le, (buckets.get(le) ?? 0) + value);
      } else if (line.startsWith(`${name}_count`)) {
        count += Number(line.slice(line.lastIndexOf(' ') + 1));
      }
    }
  }
  return { buckets, count };
}

/**
 * The servers' own histograms over the measured window (end minus start): receive → durable ack
 * (`gj_ack_latency_seconds`), stream lag (`gj_stream_lag_seconds`) and compactions run.
 */
function serverMetricsDelta(start, end) {
  if (!start || !end) return undefined;
  const delta = (name) => {
    const a = histogram(start, name);
    const b = histogram(end, name);
    const buckets = [...b.buckets].map(([le, value]) => ({ le, value: value - (a.buckets.get(le) ?? 0) }));
    return { count: b.count - a.count, buckets };
  };
  return {
    ackLatency: delta('gj_ack_latency_seconds'),
    streamLag: delta('gj_stream_lag_seconds'),
    compactions: delta('gj_compaction_duration_seconds').count,
  };
}

function summarize(values) {
  const samples = new Samples();
  for (const v of values) samples.add(v);
  return samples.summary();
}

/**
 * A project with every key the board schema requires (shared/src/board/board-schema.ts), built by
 * hand as a client would, with an empty funding record for the measured edits.
 */
function createBenchProject(doc, projectId, index) {
  const project = new Y.Map();
  project.set('id', projectId);
  project.set('category', 'training');
  project.set('stage', 'planning');
  project.set('rank', `zz${index.toString(36)}`);
  project.set('leadOrgId', FUNDING_ORG);
  project.set('createdBy', 'bench');
  project.set('createdAt', new Date().toISOString());
  project.set('title', new Y.Text(`benchmark client ${index}`));
  project.set('funding', new Y.Map());
  doc.getMap('projects').set(projectId, project);
}

/** The funding record of a project in this replica, or null while the replica lacks it. */
function fundingOf(doc, projectId) {
  const project = doc.getMap('projects').get(projectId);
  const funding = project instanceof Y.Map ? project.get('funding') : undefined;
  return funding instanceof Y.Map ? funding : null;
}

async function waitFor(what, timeoutMs, check) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}
