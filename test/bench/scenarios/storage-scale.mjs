// s3 many boards, s4 big-board stall, s5 storage, s6 idle scale (see suite.mjs and docs/benchmarks.md).
import { buildBoard } from '../lib/big-board.mjs';
import { now } from '../lib/bench-clients.mjs';
import { Y } from '../lib/cjs.mjs';
import { connectAll, createBenchProject, runEditLoad } from '../lib/edit-load.mjs';
import { Latency } from '../lib/hdr.mjs';
import { sleep } from '../lib/infra.mjs';
import { heapAfterGc, probe, ResourceWindow, rssBytes } from '../lib/resources.mjs';
import { per, resourceFigures } from './suite.mjs';

const MB = 1024 * 1024;
const range = (n) => Array.from({ length: n }, (_, i) => i);
const instancesOf = (kind) => (kind === 'y-websocket' ? 1 : 2);
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

function brokenOf(results) {
  return Object.values(results).some((r) => r && (r.lost > 0 || r.duplicates > 0 || (r.errors?.length ?? 0) > 0));
}

/** `name` summed (all label sets) over Prometheus texts. */
export function metricSum(texts, name) {
  let total = 0;
  for (const text of texts) {
    for (const line of text.split('\n')) {
      if (line.startsWith(`${name} `) || line.startsWith(`${name}{`))
        total += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return total;
}

/** Share of a histogram's observations between two scrapes that fell at or below each `le`, as "≤ 10 ms 99.1 %, …". */
export function bucketShares(before, after, name, les) {
  const cumulative = (texts, le) => bucketSum(texts, name, le);
  const count = metricSum(after, `${name}_count`) - metricSum(before, `${name}_count`);
  if (count <= 0) return 'none';
  return les
    .map(
      (le) =>
        `≤ ${Number(le) * 1000} ms ${((100 * (cumulative(after, le) - cumulative(before, le))) / count).toFixed(1)} %`,
    )
    .join(', ');
}

/** The cumulative count of histogram `name` at bucket `le`, summed over Prometheus texts. */
function bucketSum(texts, name, le) {
  return metricSum(texts, `${name}_bucket{le="${le}"}`);
}

/** Read-model projections between two scrapes: how many, their mean, how many took over 100 ms, failures. */
export function projectionStats(before, after) {
  const delta = (name) => metricSum(after, name) - metricSum(before, name);
  const over = (le) =>
    delta('gj_projection_duration_seconds_count') -
    (bucketSum(after, 'gj_projection_duration_seconds', le) - bucketSum(before, 'gj_projection_duration_seconds', le));
  const count = delta('gj_projection_duration_seconds_count');
  const outcomes = ['full', 'incremental', 'unchanged', 'covered', 'deferred', 'busy']
    .map((outcome) => [outcome, delta(`gj_projection_outcomes_total{outcome="${outcome}"}`)])
    .filter(([, n]) => n > 0);
  return {
    count,
    outcomes: outcomes.map(([outcome, n]) => `${outcome} ${n}`).join(', '),
    meanMs: count > 0 ? (delta('gj_projection_duration_seconds_sum') / count) * 1000 : 0,
    over100ms: over('0.1'),
    failures: delta('gj_projection_failures_total'),
  };
}

/** The figure of `projectionStats` (gongjian only). */
function projectionFigure(results) {
  return {
    name: 'read-model projections / mean / over 100 ms / failed',
    unit: 'n / ms / n / n',
    values: per(results, (r, k) =>
      k === 'gongjian' && r.projections
        ? `${r.projections.count} / ${r.projections.meanMs.toFixed(1)} / ${r.projections.over100ms} / ${r.projections.failures}`
        : '—',
    ),
  };
}

function editNotes(name, results) {
  const lines = [];
  for (const [kind, r] of Object.entries(results)) {
    if (!r) continue;
    lines.push(
      `${name} ${kind}: ${r.clients} clients on ${r.boards} board(s), ${r.sent} edits; deliveries ${r.receivedTotal} / ${r.offeredTotal}; lost ${r.lost}, duplicates ${r.duplicates}; ` +
        r.resources.servers
          .map(
            (s) =>
              `${s.name} CPU ${s.cpuPct.toFixed(1)}% heap ≤${s.heapMaxMB.toFixed(0)} MB ELD p99 ${s.eldP99.toFixed(1)} ms`,
          )
          .join(', '),
    );
    for (const e of r.errors.slice(0, 5)) lines.push(`${name} ${kind}: ERROR ${e}`);
    if (kind !== 'gongjian')
      for (const e of (r.serverLog ?? []).slice(0, 3)) lines.push(`${name} ${kind}: server logged: ${e}`);
  }
  return lines;
}

export const s3 = {
  name: 's3',
  description: 'many boards: 100 boards × 5 clients across two instances; heap per loaded board vs its encoded size',
  usage: '[--boards 100] [--per-board 5] [--board-bytes 50000] [--rate 0.5] [--warmup 5] [--duration 20]',
  expectedSeconds: (ctx) => 3 * (ctx.num('warmup', 5) + ctx.num('duration', 20) + 240),
  async run(ctx) {
    const nBoards = ctx.num('boards', 100, { integer: true, min: 1 });
    const perBoard = ctx.num('per-board', 5, { integer: true, min: 2 });
    const template = buildBoard(ctx.num('board-bytes', 50_000), { title: 's3' }).update;
    ctx.log(`s3: seed board ${template.byteLength} bytes`);
    const results = {};
    const services = [];
    for (const kind of ctx.systems) {
      const system = await ctx.start(kind, { instances: instancesOf(kind) });
      services.push(...system.services);
      try {
        const baseline = await Promise.all(system.servers.map((s) => heapAfterGc(s)));
        const boards = [];
        for (let b = 0; b < nBoards; b++) {
          const board = await system.newBoard(`s3-${b}`);
          await system.seed(board, template);
          boards.push(board);
        }
        ctx.log(`s3 ${kind}: ${nBoards} boards seeded`);
        const metricsBefore = await system.metrics();
        const specs = boards.flatMap((board) =>
          range(perBoard).map((i) => ({ board, instance: i % 2, writer: true, reader: i === 0 })),
        );
        const result = await runEditLoad(system, specs, {
          rate: ctx.num('rate', 0.5),
          warmup: ctx.num('warmup', 5),
          duration: ctx.num('duration', 20),
          log: ctx.log,
          tag: `s3 ${kind}`,
          verifyBoards: boards.slice(0, 2),
          connectConcurrency: 100,
          beforeClose: async (clients) => {
            const heap = await Promise.all(system.servers.map((s) => heapAfterGc(s)));
            const texts = await system.metrics();
            // Boards loaded per instance: gongjian says; the references hold every board a client of theirs joined.
            const loaded = system.servers.map((_, i) =>
              texts[i]
                ? metricSum([texts[i]], 'gj_loaded_boards')
                : new Set(clients.filter((c) => c.instance % system.servers.length === i).map((c) => c.board)).size,
            );
            const encoded = mean(
              clients.filter((c) => c.reader).map((c) => Y.encodeStateAsUpdate(c.client.doc).byteLength),
            );
            const perBoardHeap = system.servers.map((_, i) => (heap[i] - baseline[i]) / loaded[i]);
            return { heap, baseline, loaded, encoded, perBoardHeap: mean(perBoardHeap), texts };
          },
        });
        if (kind === 'gongjian') result.projections = projectionStats(metricsBefore, result.extra.texts);
        delete result.extra.texts;
        results[kind] = result;
      } finally {
        await system.stop();
      }
    }
    const figures = [
      {
        name: 'encoded size of a board at the end',
        unit: 'KB',
        values: per(results, (r) => r.extra.encoded / 1024),
        digits: 1,
      },
      { name: 'boards loaded per instance', values: per(results, (r) => r.extra.loaded.join(' / ')) },
      {
        name: 'heap per loaded board (with its sockets), after GC',
        unit: 'KB',
        values: per(results, (r) => r.extra.perBoardHeap / 1024),
        digits: 0,
      },
      {
        name: 'heap per loaded board ÷ its encoded size',
        unit: '×',
        values: per(results, (r) => r.extra.perBoardHeap / r.extra.encoded),
        digits: 1,
        target: { text: '≤ 20×', ok: (v) => v <= 20 },
      },
      {
        name: 'heap after GC, baseline → loaded, per instance',
        unit: 'MB',
        values: per(results, (r) =>
          r.extra.baseline.map((b, i) => `${(b / MB).toFixed(0)}→${(r.extra.heap[i] / MB).toFixed(0)}`).join(', '),
        ),
      },
      { name: 'probe latency p50', unit: 'ms', values: per(results, (r) => r.probe.p50) },
      { name: 'probe latency p99', unit: 'ms', values: per(results, (r) => r.probe.p99) },
      {
        name: 'edits the probes saw in the window ÷ offered',
        unit: '%',
        values: per(results, (r) => r.achievedRatio * 100),
        digits: 1,
      },
      { name: 'lost / duplicate edits', values: per(results, (r) => `${r.lost} / ${r.duplicates}`) },
      projectionFigure(results),
      ...resourceFigures(results),
    ];
    const notes = editNotes('s3', results);
    if (results.gongjian?.projections?.outcomes)
      notes.push(`s3 gongjian: projection attempts: ${results.gongjian.projections.outcomes}`);
    notes.push(
      's3: the references keep one holder socket per board besides the 5 clients (they drop a document when its last client leaves).',
    );
    return { figures, notes, services, results, broken: brokenOf(results) };
  },
};

/**
 * Joins `board` every `everyMs` (alternating instances) with a fresh client that waits for the
 * whole state, makes one edit (a new project) and leaves; returns {stop, result}.
 */
function startJoiner(system, board, everyMs, log, tag) {
  const joins = new Latency();
  const errors = [];
  let stopped = false;
  let n = 0;
  const inFlight = new Set();
  const once = async () => {
    const i = n++;
    const client = system.client({ board, instance: i % system.servers.length, name: `joiner ${i}`, apply: false });
    client.wantState = true;
    inFlight.add(client);
    const t = now();
    try {
      await client.connect(60_000);
      joins.record(now() - t);
      client.edit(() => createBenchProject(client.doc, `joiner-${Date.now().toString(36)}-${i}`, 900 + i));
      await client.waitUntil(() => client.unacked === 0, 30_000, 'ack');
    } catch (err) {
      if (!stopped && errors.length < 5) errors.push(String(err?.message ?? err));
    } finally {
      client.close();
      inFlight.delete(client);
    }
  };
  const timer = setInterval(() => {
    if (!stopped) void once();
  }, everyMs);
  void once();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      const deadline = Date.now() + 60_000;
      while (inFlight.size > 0 && Date.now() < deadline) await sleep(50);
      log(`${tag}: ${n} joins of the big board`);
    },
    result: () => ({ joins: joins.summary(), count: n, errors }),
  };
}

export const s4 = {
  name: 's4',
  description: 'big-board stall: probes on a small board while a 10 MB board is joined twice a second and compacted',
  usage:
    '[--big-bytes 10000000] [--join-every-ms 500] [--clients 10] [--rate 2] [--warmup 5] [--duration 30] [--cold-joins]',
  expectedSeconds: (ctx) => 3 * (ctx.num('warmup', 5) + ctx.num('duration', 30) + 240),
  async run(ctx) {
    const big = buildBoard(ctx.num('big-bytes', 10_000_000), { title: 's4 big' }).update;
    ctx.log(`s4: big board ${(big.byteLength / MB).toFixed(1)} MB`);
    const n = ctx.num('clients', 10, { integer: true, min: 2 });
    const results = {};
    const services = [];
    for (const kind of ctx.systems) {
      // gongjian: the big board stays loaded (default BOARD_IDLE_MS) and is compacted whenever an
      // update is pending, checked every second (COMPACT_AFTER_UPDATES=1): each joiner's edit makes
      // one. With --cold-joins it is instead unloaded 100 ms after its last socket leaves, so every
      // join loads it from PostgreSQL again (the worst case).
      const cold = Boolean(ctx.flags['cold-joins']);
      const system = await ctx.start(kind, {
        instances: instancesOf(kind),
        env: {
          COMPACT_AFTER_UPDATES: '1',
          COMPACT_INTERVAL_MS: '1000',
          MAX_UPDATE_BYTES: String(32 * MB),
          ...(cold ? { BOARD_IDLE_MS: '100' } : {}),
        },
      });
      services.push(...system.services);
      try {
        const small = await system.newBoard('s4-small');
        const bigBoard = await system.newBoard('s4-big');
        await system.seed(bigBoard, big);
        const metricsBefore = await system.metrics();
        const specs = range(n).map((i) => ({ board: small, instance: i % 2, writer: true, reader: true }));
        const result = await runEditLoad(system, specs, {
          rate: ctx.num('rate', 2),
          warmup: ctx.num('warmup', 5),
          duration: ctx.num('duration', 30),
          log: ctx.log,
          tag: `s4 ${kind}`,
          verifyBoards: [small],
          drainMs: 30_000,
          onStart: async () => startJoiner(system, bigBoard, ctx.num('join-every-ms', 500), ctx.log, `s4 ${kind}`),
        });
        const metricsAfter = await system.metrics();
        result.loads =
          metricSum(metricsAfter, 'gj_board_load_duration_seconds_count') -
          metricSum(metricsBefore, 'gj_board_load_duration_seconds_count');
        result.loadSeconds =
          metricSum(metricsAfter, 'gj_board_load_duration_seconds_sum') -
          metricSum(metricsBefore, 'gj_board_load_duration_seconds_sum');
        // The servers' own receive → durable ack, to tell time spent in the server from time in transit.
        result.serverAck = bucketShares(metricsBefore, metricsAfter, 'gj_ack_latency_seconds', [
          '0.01',
          '0.05',
          '0.1',
          '0.5',
        ]);
        result.compactions =
          metricSum(metricsAfter, 'gj_compaction_duration_seconds_count') -
          metricSum(metricsBefore, 'gj_compaction_duration_seconds_count');
        result.compactSeconds =
          metricSum(metricsAfter, 'gj_compaction_duration_seconds_sum') -
          metricSum(metricsBefore, 'gj_compaction_duration_seconds_sum');
        if (kind === 'gongjian') result.projections = projectionStats(metricsBefore, metricsAfter);
        if (result.background?.errors.length)
          result.errors.push(...result.background.errors.map((e) => `joiner: ${e}`));
        result.warnings = system.warnings?.() ?? [];
        results[kind] = result;
      } finally {
        await system.stop();
      }
    }
    const figures = [
      { name: 'probe p50 (small board)', unit: 'ms', values: per(results, (r) => r.probe.p50) },
      {
        name: 'probe p99 (small board)',
        unit: 'ms',
        values: per(results, (r) => r.probe.p99),
        target: { text: '≤ 50 ms', ok: (v) => v <= 50 },
      },
      {
        name: 'probe p99.9 / max',
        unit: 'ms',
        values: per(results, (r) => `${r.probe.p999.toFixed(1)} / ${r.probe.max.toFixed(1)}`),
      },
      { name: 'edit → ack p99 (small board)', unit: 'ms', values: per(results, (r) => r.ack.p99) },
      {
        name: 'server receive → durable ack (gj_ack_latency_seconds)',
        values: per(results, (r, k) => (k === 'gongjian' ? r.serverAck : '—')),
      },
      { name: 'big board: joins made', values: per(results, (r) => r.background.count), digits: 0 },
      {
        name: 'big board: join → whole state p50',
        unit: 'ms',
        values: per(results, (r) => r.background.joins.p50),
        digits: 0,
      },
      {
        name: 'big board: join → whole state p99',
        unit: 'ms',
        values: per(results, (r) => r.background.joins.p99),
        digits: 0,
      },
      {
        // gj_board_load_duration_seconds has no board label: the small board's loads (one per
        // instance, milliseconds each) are in the count too.
        name: 'loads from storage, both boards / mean',
        unit: 'n / ms',
        values: per(results, (r, k) =>
          k === 'gongjian' ? `${r.loads} / ${((r.loadSeconds / r.loads) * 1000).toFixed(0)}` : 'in memory',
        ),
      },
      {
        name: 'big board: compactions / mean',
        unit: 'n / ms',
        values: per(results, (r, k) =>
          k === 'gongjian' ? `${r.compactions} / ${((r.compactSeconds / r.compactions) * 1000).toFixed(0)}` : 'none',
        ),
      },
      { name: 'lost / duplicate edits', values: per(results, (r) => `${r.lost} / ${r.duplicates}`) },
      projectionFigure(results),
      ...resourceFigures(results),
    ];
    const notes = editNotes('s4', results);
    if (results.gongjian?.projections?.outcomes)
      notes.push(`s4 gongjian: projection attempts: ${results.gongjian.projections.outcomes}`);
    for (const [kind, r] of Object.entries(results))
      for (const w of r.warnings ?? []) notes.push(`s4 ${kind}: server warned ${w}`);
    notes.push(
      (ctx.flags['cold-joins']
        ? 's4 (--cold-joins): gongjian loads the big board from PostgreSQL on every join (BOARD_IDLE_MS=100: unloaded, after compacting the joiner’s edit, once its socket leaves); '
        : 's4: gongjian keeps the big board loaded after its first (cold) load and compacts it (10 MB snapshot + the joiners’ edits) about once a second (COMPACT_AFTER_UPDATES=1, COMPACT_INTERVAL_MS=1000); ') +
        'the references have no storage: a holder client keeps the document in memory, so their joins only encode and send it. Each joiner waits for the whole state, makes one edit (a new project) and leaves.',
    );
    return { figures, notes, services, results, broken: brokenOf(results) };
  },
};

export const s5 = {
  name: 's5',
  description:
    'storage: cold load of 50 KB, 1 MB and 10 MB boards; compaction of 10,000 pending updates; heap back to baseline',
  usage: '[--sizes 50000,1000000,10000000] [--loads 5] [--pending 10000,6000] [--heap-snapshot DIR]',
  expectedSeconds: () => 3 * 400,
  async run(ctx) {
    const sizes = String(ctx.flags.sizes ?? '50000,1000000,10000000')
      .split(',')
      .map(Number);
    const loads = ctx.num('loads', 5, { integer: true, min: 1 });
    const pendings = String(ctx.flags.pending ?? '10000,6000')
      .split(',')
      .map(Number)
      .filter((n) => n > 0);
    const built = sizes.map((size) => buildBoard(size, { title: `s5 ${size}` }).update);
    const results = {};
    const services = [];
    for (const kind of ctx.systems) {
      const system = await ctx.start(kind, {
        instances: 1,
        env: {
          BOARD_IDLE_MS: '100',
          // Compacted when idle (BOARD_IDLE_MS) only, never by count.
          COMPACT_AFTER_UPDATES: '1000000000',
          COMPACT_INTERVAL_MS: '200',
          RATE_LIMIT_PER_SEC: '1000000',
          RATE_LIMIT_BURST: '1000000',
          MAX_UPDATE_BYTES: String(32 * MB),
        },
      });
      services.push(...system.services);
      const r = { loads: [], errors: [] };
      try {
        const server = system.servers[0];
        // Warm the server up first (one small board joined, edited and unloaded), so the
        // baseline is a server that has loaded a board before, not one fresh from boot.
        {
          const warm = await system.newBoard('s5-warm-up');
          await system.seed(warm, built[0]);
          const c = system.client({ board: warm, instance: 0, name: 'warm-up', apply: false });
          c.wantState = true;
          await c.connect(60_000);
          c.edit(() => createBenchProject(c.doc, 'warm-up', 1));
          await c.waitUntil(() => c.unacked === 0, 30_000, 'ack');
          c.close();
          await system.unseed?.();
          if (kind === 'gongjian') {
            const deadline = Date.now() + 30_000;
            while (Date.now() < deadline && metricSum(await system.metrics(), 'gj_loaded_boards') > 0) await sleep(100);
          }
          await sleep(2000);
        }
        r.baseline = await heapAfterGc(server);
        if (ctx.flags['heap-snapshot'])
          await probe(server, { gc: true, snapshotDir: String(ctx.flags['heap-snapshot']) });
        for (const [i, update] of built.entries()) {
          const board = await system.newBoard(`s5-${sizes[i]}`);
          await system.seed(board, update);
          const times = [];
          const before = await system.metrics();
          for (let j = 0; j < loads; j++) {
            // Wait for the board to be unloaded (gongjian: 100 ms after the last socket; compacted first).
            if (kind === 'gongjian') {
              const deadline = Date.now() + 30_000;
              while (Date.now() < deadline && metricSum(await system.metrics(), 'gj_loaded_boards') > 0)
                await sleep(100);
            }
            const client = system.client({ board, instance: 0, name: `loader ${j}`, apply: false });
            client.wantState = true;
            const t = now();
            await client.connect(120_000);
            times.push(now() - t);
            client.close();
          }
          const after = await system.metrics();
          const serverLoads =
            metricSum(after, 'gj_board_load_duration_seconds_count') -
            metricSum(before, 'gj_board_load_duration_seconds_count');
          const serverSeconds =
            metricSum(after, 'gj_board_load_duration_seconds_sum') -
            metricSum(before, 'gj_board_load_duration_seconds_sum');
          times.sort((a, b) => a - b);
          r.loads.push({
            size: update.byteLength,
            median: times[Math.floor(times.length / 2)],
            times,
            serverLoads,
            serverMs: serverLoads ? (serverSeconds / serverLoads) * 1000 : NaN,
          });
          ctx.log(
            `s5 ${kind}: ${(update.byteLength / 1024).toFixed(0)} KB board joined ${loads}× (median ${times[Math.floor(times.length / 2)].toFixed(0)} ms)`,
          );
        }
        // Compaction of `pending` updates each: written through the sync protocol, one edit each,
        // then the writer leaves and the board, idle, is compacted (and unloaded).
        r.compactions = [];
        for (const n of kind === 'gongjian' ? pendings : []) {
          const board = await system.newBoard(`s5-compact-${n}`);
          const writer = system.client({ board, instance: 0, name: 'compaction writer', apply: false });
          await writer.connect(30_000);
          const pid = 'compact-writer';
          writer.edit(() => createBenchProject(writer.doc, pid, 1));
          const funding = () => writer.doc.getMap('projects').get(pid).get('funding');
          const t = now();
          for (let k = 0; k < n; k++) {
            while (writer.unacked > 200) await sleep(1);
            writer.edit(() => funding().set(`e${k}`, k));
          }
          await writer.waitUntil(() => writer.unacked === 0, 120_000, 'acks');
          const writeSeconds = (now() - t) / 1000;
          const before = await system.metrics();
          writer.close();
          let after = before;
          const deadline = Date.now() + 30_000;
          const compactions = (texts) => metricSum(texts, 'gj_compaction_duration_seconds_count');
          while (Date.now() < deadline) {
            after = await system.metrics();
            if (compactions(after) > compactions(before)) break;
            await sleep(100);
          }
          const count = compactions(after) - compactions(before);
          const seconds =
            metricSum(after, 'gj_compaction_duration_seconds_sum') -
            metricSum(before, 'gj_compaction_duration_seconds_sum');
          // The board as a fresh client gets it (from the snapshot, or snapshot + log if compaction failed).
          // A join right after the board went idle races its unload; one retry a second later.
          let bytes = NaN;
          let lost = NaN;
          let checkError;
          for (let attempt = 0; attempt < 2 && Number.isNaN(bytes); attempt++) {
            if (attempt > 0) await sleep(1000);
            const check = system.client({ board, instance: 0, name: 'compaction check', apply: true });
            try {
              await check.connect(60_000);
              const got = check.doc.getMap('projects').get(pid)?.get('funding');
              bytes = Y.encodeStateAsUpdate(check.doc).byteLength;
              lost = n - [...(got?.keys() ?? [])].length;
            } catch (err) {
              checkError ??= String(err?.message ?? err);
            } finally {
              check.close();
            }
          }
          r.compactions.push({
            pending: n,
            count,
            ms: count ? (seconds / count) * 1000 : NaN,
            writeSeconds,
            bytes,
            lost,
            checkError,
          });
          ctx.log(
            `s5 ${kind}: ${n} pending updates: ${count} compaction(s) within 30 s, ${count ? `${((seconds / count) * 1000).toFixed(0)} ms` : 'none finished'}`,
          );
        }
        // Heap back to baseline once everything is unloaded.
        await system.unseed?.();
        if (kind === 'gongjian') {
          const deadline = Date.now() + 60_000;
          while (Date.now() < deadline && metricSum(await system.metrics(), 'gj_loaded_boards') > 0) await sleep(200);
        }
        await sleep(3000);
        r.after = await heapAfterGc(server);
        if (ctx.flags['heap-snapshot'])
          await probe(server, { gc: true, snapshotDir: String(ctx.flags['heap-snapshot']) });
        r.rss = rssBytes(server.pid);
        r.errors.push(...system.problems());
        r.warnings = system.warnings?.() ?? [];
      } finally {
        await system.stop();
      }
      results[kind] = r;
    }
    const figures = [];
    for (const [i, size] of sizes.entries()) {
      figures.push(
        {
          name: `${size / 1e6 >= 1 ? `${size / 1e6} MB` : `${size / 1e3} KB`} board: join → whole state, median of ${loads}`,
          unit: 'ms',
          values: per(results, (r) => r.loads[i].median),
          digits: 1,
        },
        {
          name: `${size / 1e6 >= 1 ? `${size / 1e6} MB` : `${size / 1e3} KB`} board: server load (gj_board_load_duration)`,
          unit: 'ms',
          values: per(results, (r, k) => (k === 'gongjian' ? r.loads[i].serverMs : 'in memory')),
          digits: 1,
        },
      );
    }
    figures.push(
      ...pendings.flatMap((n, i) => [
        {
          name: `compaction of ${n} pending updates`,
          unit: 'ms',
          values: per(results, (r, k) => (k === 'gongjian' ? r.compactions[i].ms : 'no storage')),
          digits: 0,
          target: n >= 10_000 ? { text: '≤ 1000 ms', ok: (v) => v <= 1000 } : undefined,
        },
        {
          name: `writing the ${n} updates (acked, 200 in flight)`,
          unit: 's',
          values: per(results, (r, k) => (k === 'gongjian' ? r.compactions[i].writeSeconds : '—')),
        },
      ]),
      {
        name: 'heap after GC: baseline / after unloading',
        unit: 'MB',
        values: per(results, (r) => `${(r.baseline / MB).toFixed(1)} / ${(r.after / MB).toFixed(1)}`),
      },
      {
        name: 'heap after unloading vs baseline',
        unit: '%',
        values: per(results, (r) => ((r.after - r.baseline) / r.baseline) * 100),
        digits: 1,
        target: { text: '≤ +10 %', ok: (v) => v <= 10 },
      },
    );
    const notes = [
      's5: one instance each. gongjian loads each board from PostgreSQL (snapshot seeded directly, with its SHA-256; BOARD_IDLE_MS=100 so it is unloaded between joins); ' +
        'the references have no storage: a holder client keeps the document in memory and a join only encodes and sends it.',
    ];
    for (const [kind, r] of Object.entries(results)) {
      notes.push(
        `s5 ${kind}: join times ${r.loads.map((l) => `${(l.size / 1024).toFixed(0)} KB: ${l.times.map((t) => t.toFixed(0)).join(', ')} ms`).join('; ')}`,
      );
      for (const c of r.compactions ?? [])
        notes.push(
          `s5 ${kind}: board with ${c.pending} pending updates: ${c.count} compaction(s) finished within 30 s of going idle; ${c.checkError ? `a fresh client's first join was refused (${c.checkError}); ` : ''}its state ${(c.bytes / 1024).toFixed(0)} KB as a fresh client loads it; edits missing ${c.lost}`,
        );
      for (const e of r.errors.slice(0, 5)) notes.push(`s5 ${kind}: ERROR ${e}`);
      for (const w of r.warnings ?? []) notes.push(`s5 ${kind}: server warned ${w}`);
    }
    const broken = Object.values(results).some(
      (r) => r.errors.length > 0 || (r.compactions ?? []).some((c) => c.lost > 0),
    );
    return { figures, notes, services, results, broken };
  },
};

export const s6 = {
  name: 's6',
  description: 'idle scale: 10,000 idle sockets (joined to 100 boards) on one instance',
  usage: '[--sockets 10000] [--boards 100] [--idle 30] [--heap-snapshot DIR]',
  expectedSeconds: (ctx) => 3 * (ctx.num('idle', 30) + 400),
  async run(ctx) {
    const sockets = ctx.num('sockets', 10_000, { integer: true, min: 1 });
    const nBoards = ctx.num('boards', 100, { integer: true, min: 1 });
    const results = {};
    const services = [];
    for (const kind of ctx.systems) {
      const system = await ctx.start(kind, { instances: 1, redis: true });
      services.push(...system.services);
      const clients = [];
      try {
        const server = system.servers[0];
        const boards = [];
        for (let b = 0; b < nBoards; b++) boards.push(await system.newBoard(`s6-${b}`));
        await sleep(2000);
        const baseline = await heapAfterGc(server);
        const rss0 = rssBytes(server.pid);
        for (let i = 0; i < sockets; i++)
          clients.push(system.client({ board: boards[i % nBoards], instance: 0, name: `idle ${i}` }));
        const t = now();
        let last = 0;
        const progress = setInterval(() => {
          const connected = clients.filter((c) => c.synced).length;
          ctx.log(`s6 ${kind}: ${connected} / ${sockets} connected (+${connected - last})`);
          last = connected;
        }, 5000);
        try {
          await connectAll(clients, 100, 120_000);
        } finally {
          clearInterval(progress);
        }
        const connectSeconds = (now() - t) / 1000;
        ctx.log(
          `s6 ${kind}: ${sockets} sockets joined in ${connectSeconds.toFixed(1)} s; idle for ${ctx.num('idle', 30)} s`,
        );
        const window = new ResourceWindow([server]);
        await window.start();
        await sleep(ctx.num('idle', 30) * 1000);
        const res = await window.stop();
        const heap = await heapAfterGc(server);
        if (ctx.flags['heap-snapshot']) {
          const p = await probe(server, { snapshotDir: String(ctx.flags['heap-snapshot']) });
          ctx.log(`s6 ${kind}: heap snapshot ${p?.snapshot}`);
        }
        const open = clients.filter((c) => c.ready() && c.errors.length === 0).length;
        results[kind] = {
          baseline,
          heap,
          rss0,
          rss: rssBytes(server.pid),
          connectSeconds,
          open,
          res,
          errors: [...clients.flatMap((c) => c.errors).slice(0, 5), ...system.problems()],
        };
      } finally {
        for (const c of clients) c.close();
        await system.stop();
      }
    }
    const figures = [
      {
        name: `heap used after GC with ${sockets} idle sockets`,
        unit: 'MB',
        values: per(results, (r) => r.heap / MB),
        digits: 1,
        target: { text: '≤ 150 MB', ok: (v) => v <= 150 },
      },
      {
        name: 'heap per idle socket (above the empty server)',
        unit: 'KB',
        values: per(results, (r) => (r.heap - r.baseline) / sockets / 1024),
        digits: 2,
      },
      {
        name: 'RSS: empty → with the sockets',
        unit: 'MB',
        values: per(results, (r) => `${(r.rss0 / MB).toFixed(0)} → ${(r.rss / MB).toFixed(0)}`),
      },
      { name: 'sockets still open at the end', values: per(results, (r) => r.open), digits: 0 },
      {
        name: 'time to connect and join them (100 at a time)',
        unit: 's',
        values: per(results, (r) => r.connectSeconds),
        digits: 1,
      },
      {
        name: 'server CPU while idle',
        unit: '% of a core',
        values: per(results, (r) => r.res.servers[0].cpuPct),
        digits: 1,
      },
      {
        name: 'server event-loop delay p99 while idle',
        unit: 'ms',
        values: per(results, (r) => r.res.servers[0].eldP99),
      },
    ];
    const notes = [
      `s6: one instance each (Hocuspocus with its Redis extension); ${sockets} sockets from the benchmark process, joined to ${nBoards} empty boards, then idle (socket.io answers pings) for ${ctx.num('idle', 30)} s.`,
    ];
    for (const [kind, r] of Object.entries(results)) for (const e of r.errors) notes.push(`s6 ${kind}: ERROR ${e}`);
    const broken = Object.values(results).some((r) => r.open < sockets || r.errors.length > 0);
    return { figures, notes, services, results, broken };
  },
};
