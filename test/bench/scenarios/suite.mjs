// The benchmark suite of the issue "a benchmark suite against reference Yjs servers": scenarios
// s1…s6, each run on gongjian and, in the same invocation and under the same load, on the
// reference servers (y-websocket 2.x, one instance; Hocuspocus 3.x + Redis extension, two
// instances). Each returns figures (report.mjs) with our targets; docs/benchmarks.md has the method.
import { now } from '../lib/bench-clients.mjs';
import { runEditLoad } from '../lib/edit-load.mjs';
import { bucketShares, metricSum, projectionStats, s3, s4, s5, s6 } from './storage-scale.mjs';

const range = (n) => Array.from({ length: n }, (_, i) => i);
const instancesOf = (kind) => (kind === 'y-websocket' ? 1 : 2);

/** Pick a number out of each system's result. */
export function per(results, pick) {
  const values = {};
  for (const [kind, r] of Object.entries(results)) {
    try {
      values[kind] = r ? pick(r, kind) : undefined;
    } catch {
      values[kind] = NaN;
    }
  }
  return values;
}

const sum = (xs) => xs.reduce((a, b) => a + b, 0);
const maxOf = (xs) => {
  const finite = xs.filter((x) => Number.isFinite(x) && x >= 0);
  return finite.length ? Math.max(...finite) : NaN;
};

/** Resource figures of edit-load results: servers' CPU (all instances together), heap, RSS, event-loop delay. */
export function resourceFigures(results, prefix = '') {
  return [
    {
      name: `${prefix}server CPU, all instances`,
      unit: '% of a core',
      values: per(results, (r) => sum(r.resources.servers.map((s) => s.cpuPct))),
      digits: 1,
    },
    {
      name: `${prefix}server heap used, max per instance`,
      unit: 'MB',
      values: per(results, (r) => maxOf(r.resources.servers.map((s) => s.heapMaxMB))),
      digits: 1,
    },
    {
      name: `${prefix}server RSS, max per instance`,
      unit: 'MB',
      values: per(results, (r) => maxOf(r.resources.servers.map((s) => s.rssMaxMB))),
      digits: 1,
    },
    {
      name: `${prefix}server event-loop delay p99, worst instance`,
      unit: 'ms',
      values: per(results, (r) => maxOf(r.resources.servers.map((s) => s.eldP99))),
    },
    {
      name: `${prefix}bench process CPU / machine busy`,
      unit: '%',
      values: per(results, (r) => `${r.resources.benchCpuPct.toFixed(0)} / ${r.resources.machinePct.toFixed(0)}`),
    },
  ];
}

function deliveryFigures(results, prefix = '') {
  return [
    {
      name: `${prefix}edits the probes saw in the window ÷ offered`,
      unit: '%',
      values: per(results, (r) => r.achievedRatio * 100),
      digits: 1,
    },
    {
      name: `${prefix}edits the probes saw by the end ÷ sent`,
      unit: '%',
      values: per(results, (r) => r.probeDelivered * 100),
      digits: 1,
    },
    {
      name: `${prefix}update messages at all clients ÷ edits × receivers`,
      unit: '%',
      values: per(results, (r) => r.messageRatio * 100),
      digits: 1,
    },
    {
      name: `${prefix}lost / duplicate edits`,
      values: per(results, (r) => `${r.lost} / ${r.duplicates}`),
      target: undefined,
    },
  ];
}

/**
 * gongjian's metrics scraped when the measured window starts (not during warm-up): `onStart` for
 * runEditLoad, `before()` the scrape (undefined for the references, or if it failed).
 */
function metricsAtWindowStart(system, kind, log, tag) {
  let before;
  return {
    onStart: ({ measureFrom }) => {
      if (kind !== 'gongjian') return undefined;
      const timer = setTimeout(
        () =>
          void system.metrics().then(
            (m) => (before = m),
            (err) => log(`${tag}: metrics at the window's start not read (${err.message})`),
          ),
        Math.max(0, measureFrom - now()),
      );
      return { stop: () => clearTimeout(timer) };
    },
    before: () => before,
  };
}

function brokenOf(results) {
  return Object.values(results).some((r) => r && (r.lost > 0 || r.duplicates > 0 || r.errors.length > 0));
}

function loadNotes(name, results) {
  const lines = [];
  for (const [kind, r] of Object.entries(results)) {
    if (!r) continue;
    lines.push(
      `${name} ${kind}: ${r.clients} clients (${r.writers} writing, ${r.readers} probes) on ${r.boards} board(s); ${r.sent} edits, ` +
        `${r.sentMeasured} measured; probe samples ${r.probe.observed} (+${r.probe.count - r.probe.observed} coordinated-omission fill-in); ` +
        `raw (from actual send) p50 ${r.raw.p50} p99 ${r.raw.p99} ms; send-timer lateness p99 ${r.timerLateness.p99} ms; ` +
        `update messages ${r.receivedTotal} / ${r.offeredTotal} (+${r.extraMessages} beyond one per edit); probes saw ${r.probeSeenWindow} / ${r.probeOfferedWindow} in the window; verified by ${r.verified} fresh client(s); ` +
        r.resources.servers
          .map(
            (s) =>
              `${s.name} CPU ${s.cpuPct.toFixed(1)}% heap ≤${s.heapMaxMB.toFixed(0)} MB RSS ≤${s.rssMaxMB.toFixed(0)} MB ELD p99 ${s.eldP99.toFixed(1)} ms`,
          )
          .join(', '),
    );
    for (const e of r.errors.slice(0, 5)) lines.push(`${name} ${kind}: ERROR ${e}`);
    if (kind !== 'gongjian')
      for (const e of (r.serverLog ?? []).slice(0, 3)) lines.push(`${name} ${kind}: server logged: ${e}`);
  }
  return lines;
}

const s1 = {
  name: 's1',
  description: 'latency floor: 20 clients on one board across two instances, 1 edit/s each',
  usage: '[--clients 20] [--rate 1] [--warmup 5] [--duration 30]',
  expectedSeconds: (ctx) => 3 * (ctx.num('warmup', 5) + ctx.num('duration', 30) + 120),
  async run(ctx) {
    const n = ctx.num('clients', 20, { min: 2, integer: true });
    const options = { rate: ctx.num('rate', 1), warmup: ctx.num('warmup', 5), duration: ctx.num('duration', 30) };
    const results = {};
    const services = [];
    for (const kind of ctx.systems) {
      const system = await ctx.start(kind, { instances: instancesOf(kind) });
      services.push(...system.services);
      try {
        const board = await system.newBoard('s1');
        const specs = range(n).map((i) => ({ board, instance: i % 2, writer: true, reader: true }));
        // The servers' own receive → durable ack over the measured window: what of the latency is
        // spent in the server.
        const window = metricsAtWindowStart(system, kind, ctx.log, `s1 ${kind}`);
        const result = await runEditLoad(system, specs, {
          ...options,
          log: ctx.log,
          tag: `s1 ${kind}`,
          verifyBoards: [board],
          onStart: window.onStart,
        });
        if (window.before())
          result.serverAck = bucketShares(window.before(), await system.metrics(), 'gj_ack_latency_seconds', [
            '0.0005',
            '0.001',
            '0.002',
            '0.005',
          ]);
        results[kind] = result;
      } finally {
        await system.stop();
      }
    }
    // y-websocket has one instance: its "cross-instance" column holds all its deliveries.
    const crossOr = (r, k) => (k === 'y-websocket' ? r.probe : r.cross);
    const figures = [
      {
        name: 'cross-instance p50',
        unit: 'ms',
        values: per(results, (r, k) => crossOr(r, k).p50),
        target: { text: '≤ 2 ms', ok: (v) => v <= 2 },
      },
      {
        name: 'cross-instance p99',
        unit: 'ms',
        values: per(results, (r, k) => crossOr(r, k).p99),
        target: { text: '≤ 10 ms', ok: (v) => v <= 10 },
      },
      {
        name: 'cross-instance p99.9 / max',
        unit: 'ms',
        values: per(results, (r, k) => `${crossOr(r, k).p999.toFixed(1)} / ${crossOr(r, k).max.toFixed(1)}`),
      },
      {
        name: 'server receive → durable ack (gj_ack_latency_seconds)',
        values: per(results, (r, k) => (k === 'gongjian' ? (r.serverAck ?? '—') : '—')),
      },
      {
        name: 'same-instance p50',
        unit: 'ms',
        values: per(results, (r, k) => (k === 'y-websocket' ? r.probe.p50 : r.same.p50)),
      },
      {
        name: 'same-instance p99',
        unit: 'ms',
        values: per(results, (r, k) => (k === 'y-websocket' ? r.probe.p99 : r.same.p99)),
      },
      { name: 'all deliveries p99', unit: 'ms', values: per(results, (r) => r.probe.p99) },
      { name: 'edit → ack at the sender p50', unit: 'ms', values: per(results, (r) => r.ack.p50) },
      { name: 'edit → ack at the sender p99', unit: 'ms', values: per(results, (r) => r.ack.p99) },
      ...deliveryFigures(results),
      ...resourceFigures(results),
    ];
    return { figures, notes: loadNotes('s1', results), services, results, broken: brokenOf(results) };
  },
};

const s2 = {
  name: 's2',
  description:
    'hot board: 25 → 200 clients on one board across two instances, 2 edits/s each, 20% also moving cursors at 5 Hz; the knee',
  usage:
    '[--steps 25,50,100,150,200] [--rate 2] [--cursor-share 0.2] [--cursor-hz 5] [--warmup 5] [--duration 20] [--probes 2]',
  expectedSeconds: (ctx) =>
    3 *
    String(ctx.flags.steps ?? '25,50,100,150,200').split(',').length *
    (ctx.num('warmup', 5) + ctx.num('duration', 20) + 90),
  async run(ctx) {
    const steps = String(ctx.flags.steps ?? '25,50,100,150,200')
      .split(',')
      .map(Number)
      .filter((x) => x > 0);
    const options = {
      rate: ctx.num('rate', 2),
      warmup: ctx.num('warmup', 5),
      duration: ctx.num('duration', 20),
      cursorHz: ctx.num('cursor-hz', 5),
    };
    const cursorShare = ctx.num('cursor-share', 0.2);
    const probesPerInstance = ctx.num('probes', 2, { integer: true, min: 1 });
    const byStep = steps.map(() => ({}));
    const services = [];
    for (const kind of ctx.systems) {
      const system = await ctx.start(kind, { instances: instancesOf(kind) });
      services.push(...system.services);
      try {
        for (const [s, n] of steps.entries()) {
          const board = await system.newBoard(`s2-${n}`);
          const cursorEvery = cursorShare > 0 ? Math.round(1 / cursorShare) : Infinity;
          const specs = range(n).map((i) => ({ board, instance: i % 2, writer: true, cursor: i % cursorEvery === 0 }));
          // Reader probes, on both instances; they don't write.
          for (let p = 0; p < probesPerInstance * 2; p++) specs.push({ board, instance: p % 2, reader: true });
          // The servers' own receive → durable ack over the measured window (not the projects'
          // creation during warm-up), to tell time in the server from time in transit.
          const window = metricsAtWindowStart(system, kind, ctx.log, `s2 ${kind}`);
          const result = await runEditLoad(system, specs, {
            ...options,
            log: ctx.log,
            tag: `s2 ${kind} ${n} clients`,
            verifyBoards: [board],
            drainMs: 15_000,
            onStart: window.onStart,
          });
          if (window.before()) {
            const after = await system.metrics();
            result.serverAck = bucketShares(window.before(), after, 'gj_ack_latency_seconds', [
              '0.005',
              '0.01',
              '0.02',
              '0.05',
            ]);
            // Other work on the servers' event loops and workers during the window: compactions
            // (earlier steps' boards as they go idle) and read-model projections (this board's too).
            const delta = (name) => metricSum(after, name) - metricSum(window.before(), name);
            result.serverWork = {
              compactions: delta('gj_compaction_duration_seconds_count'),
              compactionMs: delta('gj_compaction_duration_seconds_sum') * 1000,
              projections: projectionStats(window.before(), after),
            };
          }
          byStep[s][kind] = result;
        }
      } finally {
        await system.stop();
      }
    }
    const figures = [];
    const notes = [];
    const knee = {};
    for (const [s, n] of steps.entries()) {
      const results = byStep[s];
      const top = s === steps.length - 1;
      figures.push(
        {
          name: `${n} clients: p50`,
          unit: 'ms',
          values: per(results, (r) => r.probe.p50),
        },
        {
          name: `${n} clients: p99`,
          unit: 'ms',
          values: per(results, (r) => r.probe.p99),
          target: top
            ? {
                text: '≤ 50 ms, ≤ 0.5× Hp, ≤ 1.0× y-ws',
                ok: (v, vs) =>
                  v <= 50 &&
                  (!Number.isFinite(vs.hocuspocus) || v <= 0.5 * vs.hocuspocus) &&
                  (!Number.isFinite(vs['y-websocket']) || v <= vs['y-websocket']),
              }
            : undefined,
        },
        {
          name: `${n} clients: p99.9 / max`,
          unit: 'ms',
          values: per(results, (r) => `${r.probe.p999.toFixed(1)} / ${r.probe.max.toFixed(1)}`),
        },
        {
          name: `${n} clients: edits the probes saw in the window ÷ offered`,
          unit: '%',
          values: per(results, (r) => r.achievedRatio * 100),
          digits: 1,
          target: top ? { text: '≥ 99 %', ok: (v) => v >= 99 } : undefined,
        },
        {
          name: `${n} clients: update messages at all clients ÷ offered, in the window`,
          unit: '%',
          values: per(results, (r) => r.messageRatioWindow * 100),
          digits: 1,
        },
        { name: `${n} clients: lost / duplicate edits`, values: per(results, (r) => `${r.lost} / ${r.duplicates}`) },
        {
          name: `${n} clients: server CPU, all instances`,
          unit: '% of a core',
          values: per(results, (r) => sum(r.resources.servers.map((x) => x.cpuPct))),
          digits: 0,
        },
        {
          name: `${n} clients: server receive → durable ack (gj_ack_latency_seconds)`,
          values: per(results, (r, k) => (k === 'gongjian' ? r.serverAck : '—')),
        },
        {
          name: `${n} clients: server compactions (n / ms in all); projections (n / mean ms / over 100 ms)`,
          values: per(results, (r, k) =>
            k === 'gongjian' && r.serverWork
              ? `${r.serverWork.compactions} / ${r.serverWork.compactionMs.toFixed(0)}; ${r.serverWork.projections.count} / ${r.serverWork.projections.meanMs.toFixed(1)} / ${r.serverWork.projections.over100ms}`
              : '—',
          ),
        },
        {
          name: `${n} clients: benchmark process CPU`,
          unit: '% of a core',
          values: per(results, (r) => r.resources.benchCpuPct),
          digits: 0,
        },
        {
          name: `${n} clients: server heap max / ELD p99`,
          unit: 'MB / ms',
          values: per(
            results,
            (r) =>
              `${maxOf(r.resources.servers.map((x) => x.heapMaxMB)).toFixed(0)} / ${maxOf(r.resources.servers.map((x) => x.eldP99)).toFixed(1)}`,
          ),
        },
      );
      notes.push(...loadNotes(`s2 ${n}`, results));
      for (const [kind, r] of Object.entries(results)) {
        if (knee[kind] === undefined && (r.probe.p99 > 100 || r.achievedRatio < 0.95)) knee[kind] = n;
      }
    }
    const kneeValues = {};
    for (const kind of ctx.systems) kneeValues[kind] = knee[kind] ?? `> ${steps[steps.length - 1]}`;
    figures.push({
      name: 'knee: first step with p99 > 100 ms or deliveries < 95 %',
      unit: 'clients',
      values: kneeValues,
      digits: 0,
    });
    const broken = byStep.some((results) => brokenOf(results));
    return { figures, notes, services, results: byStep, broken };
  },
};

export const SUITE = { s1, s2, s3, s4, s5, s6 };
