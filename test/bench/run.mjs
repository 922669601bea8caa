// Benchmarks (never part of `npm test`). Needs `npm run build` to have run; builds nothing.
//
//   npm run bench -- sync-smoke [--duration 30] [--clients 20] [--rate 1] [--warmup 3]
//                               [--instances 2] [--target-p99 10] [--no-reference]
//                               [--server-node-args "--cpu-prof --cpu-prof-dir=/tmp/prof"]
//                               [--server-log-dir DIR] [--repeat N] [--json results.json] [--strict]
//   npm run bench -- --list
//
// Prints the machine, progress lines, and a table with each figure beside its target and beside
// the reference server measured in the same invocation; with --repeat N, a table per run and then
// one of the medians. See docs/benchmarks.md.
//
// Exit code: 0 when the run completed with nothing lost or refused (a missed target is reported,
// and fails the exit code, with 3, only with --strict); 1 when an edit was lost or refused or the
// run broke; 2 on the hard timeout (--timeout S; the default allows for the run); 130 on SIGINT.
// Services: PostgreSQL at BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test,
// where a fresh database is created and dropped) and Redis at BENCH_REDIS_URL (default
// redis://127.0.0.1:6379, keys under a fresh prefix, deleted afterwards).
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Cleanup, requireBuild } from './lib/infra.mjs';
import { machineInfo } from './lib/machine.mjs';
import { formatTable, ms } from './lib/stats.mjs';
import * as syncSmoke from './scenarios/sync-smoke.mjs';
import { SUITE } from './scenarios/suite.mjs';
import { runFigureScenario } from './lib/figure-runner.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCENARIOS = { 'sync-smoke': syncSmoke, ...SUITE };

function usage() {
  const lines = Object.entries(SCENARIOS).map(([name, s]) => `  ${name.padEnd(12)} ${s.description}`);
  const suite = Object.values(SUITE)
    .map((s) => `  ${s.name}: ${s.usage}`)
    .join('\n');
  return (
    `usage: npm run bench -- <scenario> [options]\nscenarios:\n${lines.join('\n')}\n` +
    'options: --duration S --clients N --rate R --warmup S --instances N --target-p99 MS --no-reference\n' +
    '         --server-node-args "ARGS" --server-env "NAME=VALUE …" --server-log-dir DIR --repeat N --json FILE --strict --timeout S\n' +
    'options of s1…s6 (and `all`): --systems gongjian,y-websocket,hocuspocus --no-pin --repeat N --json FILE --strict\n' +
    '         --server-node-args "ARGS" --server-log-dir DIR, and per scenario:\n' +
    suite
  );
}

function parseArgs(argv) {
  const args = { positional: [], flags: {} };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      args.positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    if (eq > 0) args.flags[name] = arg.slice(eq + 1);
    else if (['list', 'no-reference', 'strict', 'help', 'no-pin'].includes(name)) args.flags[name] = true;
    else if (i + 1 < argv.length) args.flags[name] = argv[++i];
    else throw new Error(`--${name} needs a value`);
  }
  return args;
}

function number(flags, name, fallback, { min = 0, integer = false } = {}) {
  if (flags[name] === undefined) return fallback;
  const value = Number(flags[name]);
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    throw new Error(`--${name} must be ${integer ? 'an integer' : 'a number'} ≥ ${min}`);
  }
  return value;
}

function log(line) {
  const stamp = new Date().toISOString().slice(11, 19);
  console.log(`[${stamp}] ${line}`);
}

function resultRows(scenario, options, result) {
  const target = `p99 ≤ ${options.targetP99} ms`;
  const verdict = (p99, withLoss) => {
    if (withLoss && (result.lost > 0 || result.errors.length > 0)) return 'FAIL (lost/refused)';
    if (!Number.isFinite(p99)) return withLoss ? 'FAIL (no samples)' : '—';
    return p99 <= options.targetP99 ? 'pass' : 'FAIL';
  };
  const row = (server, s, expected, withLoss) => [
    scenario,
    server,
    result.clients,
    result.sent,
    `${expected} / ${s.count}`,
    ms(s.p50),
    ms(s.p95),
    ms(s.p99),
    ms(s.max),
    target,
    verdict(s.p99, withLoss) + (result.reference ? ' (ref)' : ''),
  ];
  const rows = [row(result.server, result.all, result.expected, true)];
  if (result.cross) rows.push(row('  ↳ cross-instance', result.cross, result.cross.expected, false));
  if (result.same) rows.push(row('  ↳ same-instance', result.same, result.same.expected, false));
  return rows;
}

function notes(result) {
  const lines = [];
  const cpu = result.cpuPercent.map((c, i) => `#${i + 1} ${Number.isFinite(c) ? c.toFixed(1) : '?'}%`).join(', ');
  lines.push(
    `${result.short}: CPU over the window: servers ${cpu} of one core, bench process ${ms(result.benchCpuPercent, 1)}% of one core; ` +
      `whole machine ${ms(result.systemCpuPercent, 1)}% of all ${os.availableParallelism()} CPUs (includes Redis, PostgreSQL and anything else running)`,
  );
  if (result.ack) {
    lines.push(
      `${result.short}: edit → durable ack (sender): p50 ${ms(result.ack.p50)}  p95 ${ms(result.ack.p95)}  p99 ${ms(result.ack.p99)}  max ${ms(result.ack.max)} ms (${result.ack.count} acks)`,
    );
  }
  const f = result.firstReceiver;
  const sp = result.receiverSpread;
  lines.push(
    `${result.short}: per edit, edit → first remote visible: p50 ${ms(f.p50)}  p95 ${ms(f.p95)}  p99 ${ms(f.p99)}  max ${ms(f.max)} ms; ` +
      `first → last of the ${result.clients - 1} receivers: p50 ${ms(sp.p50)}  p99 ${ms(sp.p99)} ms`,
  );
  const server = result.serverMetrics;
  if (server) {
    const share = (h) =>
      h.buckets
        .filter((b) => Number(b.le) <= 0.01)
        .map((b) => `≤${Number(b.le) * 1000} ms ${h.count ? ((b.value / h.count) * 100).toFixed(1) : '—'}%`)
        .join(', ');
    lines.push(
      `${result.short}: servers' receive → durable ack (gj_ack_latency_seconds, ${server.ackLatency.count}): ${share(server.ackLatency)}`,
    );
    lines.push(
      `${result.short}: servers' stream lag (gj_stream_lag_seconds, ${server.streamLag.count}): ${share(server.streamLag)}`,
    );
    lines.push(`${result.short}: compactions during the window: ${server.compactions}`);
  }
  lines.push(
    `${result.short}: bench process: event-loop delay p99 ${ms(result.benchLoopDelayP99)} / max ${ms(result.benchLoopDelayMax)} ms; edit timer lateness p99 ${ms(result.timerLateness.p99)} / max ${ms(result.timerLateness.max)} ms (not in the latency: t is taken when the edit is made)`,
  );
  lines.push(
    `${result.short}: ${result.sentIncludingWarmup} edits including warm-up; final state: ${result.lost === 0 ? "every replica holds every other client's last edit" : `${result.lost} replica/key pairs missing the last edit`}; ${result.skipped} intermediate edits seen only as overwritten`,
  );
  if (result.worst.length > 0) {
    const where = (w) => (result.instances > 1 ? ` #${w.from + 1}→#${w.to + 1}` : '');
    lines.push(
      `${result.short}: slowest deliveries: ${result.worst.map((w) => `${ms(w.ms)} ms at ${w.atS.toFixed(1)} s${where(w)}`).join(', ')}`,
    );
  }
  for (const err of result.errors.slice(0, 10)) lines.push(`${result.short}: ERROR ${err}`);
  return lines;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.flags.help) return (console.log(usage()), 0);
  if (args.flags.list) {
    for (const [name, s] of Object.entries(SCENARIOS)) console.log(`${name}\t${s.description}`);
    return 0;
  }
  const name = args.positional[0];
  if (name === 'all' || SUITE[name]) {
    const names = name === 'all' ? Object.keys(SUITE) : [name];
    let code = 0;
    for (const n of names) code = Math.max(code, await runFigureScenario(SUITE[n], args.flags, { root: ROOT, log }));
    return code;
  }
  const scenario = SCENARIOS[name];
  if (!scenario) {
    console.error(name ? `unknown scenario ${name}\n${usage()}` : usage());
    return 1;
  }
  const d = scenario.defaults;
  const flags = args.flags;
  const options = {
    duration: number(flags, 'duration', d.duration, { min: 1 }),
    clients: number(flags, 'clients', d.clients, { min: 2, integer: true }),
    rate: number(flags, 'rate', d.rate, { min: 0.01 }),
    warmup: number(flags, 'warmup', d.warmup, { min: 0 }),
    instances: number(flags, 'instances', d.instances, { min: 1, integer: true }),
    targetP99: number(flags, 'target-p99', d.targetP99, { min: 0 }),
    reference: !flags['no-reference'] && d.reference,
    serverLogDir: flags['server-log-dir'] ? String(flags['server-log-dir']) : undefined,
    serverNodeArgs: flags['server-node-args'] ? String(flags['server-node-args']).split(/\s+/).filter(Boolean) : [],
  };
  requireBuild(ROOT);

  const machine = machineInfo(ROOT);
  console.log(`benchmark ${name}: ${scenario.description}`);
  console.log(
    `machine: ${machine.nproc} CPUs (${machine.cpu}), ${machine.memory} RAM, node ${machine.node}, ${machine.os}; commit ${machine.git}`,
  );
  console.log(
    `options: ${options.clients} clients, ${options.rate} edit/s each, ${options.duration} s measured after ${options.warmup} s warm-up, ` +
      `${options.instances} gongjian instances, reference ${options.reference ? 'y-websocket' : 'off'}, target p99 ≤ ${options.targetP99} ms` +
      (options.serverNodeArgs.length ? `, server node args ${options.serverNodeArgs.join(' ')}` : ''),
  );

  const load = os.loadavg();
  console.log(`load average at start: ${load.map((l) => l.toFixed(2)).join(' ')}`);
  if (load[0] > 0.5 * os.availableParallelism()) {
    console.log('warning: the machine is busy; latency figures will be noisy (see "whole machine" CPU below)');
  }

  const cleanup = new Cleanup();
  let exiting = false;
  const bail = async (code, why) => {
    if (exiting) return;
    exiting = true;
    console.error(why);
    await cleanup.run();
    process.exit(code);
  };
  // `on`, not `once`: a second signal while cleaning up must not cut the cleanup short.
  process.on('SIGINT', () => void bail(130, 'interrupted; cleaning up'));
  process.on('SIGTERM', () => void bail(143, 'terminated; cleaning up'));
  const repeat = number(flags, 'repeat', 1, { min: 1, integer: true });
  const hardTimeoutS = number(flags, 'timeout', scenario.expectedSeconds(options) * repeat, { min: 1 });
  const hardTimer = setTimeout(
    () => void bail(2, `hard timeout after ${hardTimeoutS} s; cleaning up`),
    hardTimeoutS * 1000,
  );

  const outcomes = [];
  for (let round = 1; round <= repeat; round++) {
    if (repeat > 1) log(`run ${round} of ${repeat}`);
    try {
      outcomes.push(await scenario.run(options, { log, cleanup, root: ROOT }));
    } catch (err) {
      if (exiting) return new Promise(() => {}); // bail() is cleaning up and exits
      console.error(`benchmark failed: ${err?.stack ?? err}`);
      await cleanup.run();
      clearTimeout(hardTimer);
      return 1;
    }
    await cleanup.run();
    const outcome = outcomes[outcomes.length - 1];
    console.log(`\nservices: ${outcome.services.join(', ')}\n`);
    if (repeat > 1) console.log(`run ${round} of ${repeat}:`);
    printTable(name, options, outcome.results);
    console.log('');
    for (const result of outcome.results) for (const line of notes(result)) console.log(line);
  }
  clearTimeout(hardTimer);

  const outcome = outcomes[outcomes.length - 1];
  if (repeat > 1) {
    const medians = outcome.results.map((_, i) => medianResult(outcomes.map((o) => o.results[i])));
    console.log(`\nmedian of ${repeat} runs (each cell the median of its ${repeat} values):`);
    printTable(name, options, medians);
    for (const [i, result] of outcome.results.entries()) {
      const p99s = outcomes.map((o) => ms(o.results[i].all.p99)).join(', ');
      console.log(`${result.short}: p99 of each run: ${p99s} ms`);
    }
  }

  if (flags.json) {
    writeFileSync(String(flags.json), JSON.stringify({ scenario: name, options, machine, runs: outcomes }, null, 2));
  }
  const all = outcomes.flatMap((o) => o.results);
  const broken = all.some((r) => r.lost > 0 || r.errors.length > 0 || r.all.count < r.expected);
  const missed = all.some((r) => !r.reference && !(r.all.p99 <= options.targetP99));
  if (broken) return 1;
  return missed && flags.strict ? 3 : 0;
}

function printTable(name, options, results) {
  const rows = results.flatMap((result) => resultRows(name, options, result));
  console.log(
    formatTable(
      [
        'scenario',
        'server',
        'clients',
        'edits sent',
        'deliveries exp / recv',
        'p50 ms',
        'p95 ms',
        'p99 ms',
        'max ms',
        'target',
        'result',
      ],
      rows,
      ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l', 'l'],
    ),
  );
}

function median(values) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The table fields of several runs of one server, each the median over the runs. */
function medianResult(results) {
  const summary = (pick) => {
    const parts = results.map(pick).filter(Boolean);
    if (parts.length === 0) return undefined;
    const out = {};
    for (const key of ['count', 'p50', 'p95', 'p99', 'max', 'expected']) out[key] = median(parts.map((p) => p[key]));
    return out;
  };
  return {
    ...results[0],
    sent: median(results.map((r) => r.sent)),
    expected: median(results.map((r) => r.expected)),
    all: summary((r) => r.all),
    cross: summary((r) => r.cross),
    same: summary((r) => r.same),
    lost: Math.max(...results.map((r) => r.lost)),
    errors: results.flatMap((r) => r.errors),
  };
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err?.stack ?? err);
    process.exit(1);
  },
);
