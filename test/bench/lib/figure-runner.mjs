// Runs one scenario of the suite (scenarios/suite.mjs): machine header, CPU pinning, cleanup on
// every exit path, --repeat with a table per run and one of medians, --json, exit codes as
// run.mjs documents (0 ok, 1 lost/duplicate/refused or broken, 2 hard timeout, 3 missed target
// with --strict, 130 on Ctrl-C).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { Cleanup } from './infra.mjs';
import { machineInfo } from './machine.mjs';
import { failedTargets, figureTable, medianFigures } from './report.mjs';
import { SYSTEM_NAMES, startSystem } from './systems.mjs';

function numberFlag(flags, name, fallback, { min = 0, integer = false } = {}) {
  if (flags[name] === undefined) return fallback;
  const value = Number(flags[name]);
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    throw new Error(`--${name} must be ${integer ? 'an integer' : 'a number'} ≥ ${min}`);
  }
  return value;
}

/** Pins this process to CPU 0 and returns the CPU list for servers ("1" on 2 CPUs, "1-N" on more). */
function pinning(flags) {
  const n = os.availableParallelism();
  if (flags['no-pin'] || n < 2) return { bench: undefined, servers: undefined };
  try {
    execFileSync('taskset', ['-cp', '0', String(process.pid)], { stdio: 'ignore' });
  } catch {
    return { bench: undefined, servers: undefined };
  }
  return { bench: '0', servers: n === 2 ? '1' : `1-${n - 1}` };
}

export async function runFigureScenario(scenario, flags, { root, log }) {
  const machine = machineInfo(root);
  const pin = pinning(flags);
  const systems = String(flags.systems ?? SYSTEM_NAMES.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter((s) => SYSTEM_NAMES.includes(s) && (scenario.systems ?? SYSTEM_NAMES).includes(s));
  console.log(`\nbenchmark ${scenario.name}: ${scenario.description}`);
  console.log(
    `machine: ${machine.nproc} CPUs (${machine.cpu}), ${machine.memory} RAM, node ${machine.node}, ${machine.os}; commit ${machine.git}`,
  );
  console.log(
    `pinning: ${pin.bench === undefined ? 'none' : `benchmark process on CPU ${pin.bench}, servers on CPU ${pin.servers} (taskset); Redis and PostgreSQL unpinned`}; systems: ${systems.join(', ')}`,
  );
  const load = os.loadavg();
  console.log(`load average at start: ${load.map((l) => l.toFixed(2)).join(' ')}`);
  if (load[0] > 0.5 * os.availableParallelism()) console.log('warning: the machine is busy; figures will be noisy');

  const cleanup = new Cleanup();
  let exiting = false;
  const bail = async (code, why) => {
    if (exiting) return;
    exiting = true;
    console.error(why);
    await cleanup.run();
    process.exit(code);
  };
  const onInt = () => void bail(130, 'interrupted; cleaning up');
  const onTerm = () => void bail(143, 'terminated; cleaning up');
  // `on`, not `once`: a second signal while cleaning up must not cut the cleanup short
  // (bail() ignores it), or databases and Redis keys are left behind.
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  const num = (name, fallback, opts) => numberFlag(flags, name, fallback, opts);
  const repeat = num('repeat', 1, { min: 1, integer: true });
  const ctx = {
    flags,
    num,
    log,
    root,
    systems,
    cleanup,
    cpus: pin.servers,
    /** Starts a system of `kind` with this run's pinning, node args and log dir. */
    start: (kind, extra = {}) =>
      startSystem(kind, {
        root,
        log,
        outer: cleanup,
        cpus: pin.servers,
        nodeArgs: flags['server-node-args'] ? String(flags['server-node-args']).split(/\s+/).filter(Boolean) : [],
        logDir: flags['server-log-dir'] ? String(flags['server-log-dir']) : undefined,
        ...extra,
        // `--server-env "FANOUT_INTERVAL_MS=5 …"`: gongjian's configuration, for experiments.
        env: { ...serverEnv(flags['server-env']), ...(extra.env ?? {}) },
      }),
  };
  const hardTimeoutS = num('timeout', scenario.expectedSeconds(ctx) * repeat, { min: 1 });
  const hardTimer = setTimeout(
    () => void bail(2, `hard timeout after ${hardTimeoutS} s; cleaning up`),
    hardTimeoutS * 1000,
  );
  const runs = [];
  const outcomes = [];
  let broken = false;
  try {
    for (let round = 1; round <= repeat; round++) {
      if (repeat > 1) log(`${scenario.name}: run ${round} of ${repeat}`);
      let outcome;
      try {
        outcome = await scenario.run(ctx);
      } catch (err) {
        if (exiting) return new Promise(() => {});
        console.error(`benchmark ${scenario.name} failed: ${err?.stack ?? err}`);
        await cleanup.run();
        return 1;
      }
      await cleanup.run();
      cleanup.running = null;
      outcomes.push(outcome);
      runs.push(outcome.figures);
      broken ||= Boolean(outcome.broken);
      console.log(
        `\n${scenario.name}${repeat > 1 ? `, run ${round} of ${repeat}` : ''} (services: ${outcome.services.join(', ')}):`,
      );
      console.log(figureTable(outcome.figures));
      for (const line of outcome.notes) console.log(line);
    }
  } finally {
    clearTimeout(hardTimer);
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
  const final = repeat > 1 ? medianFigures(runs) : runs[0];
  if (repeat > 1) {
    console.log(`\n${scenario.name}: median of ${repeat} runs (each cell the median of its ${repeat} values):`);
    console.log(figureTable(final));
  }
  if (flags.json) {
    const file = String(flags.json).replace(/(\.json)?$/, `-${scenario.name}$1`);
    writeFileSync(
      file,
      JSON.stringify({ scenario: scenario.name, machine, pin, runs: outcomes, median: final }, null, 2),
    );
  }
  const missed = failedTargets(final);
  if (missed.length > 0) console.log(`${scenario.name}: targets missed: ${missed.map((f) => f.name).join('; ')}`);
  if (broken) return 1;
  return missed.length > 0 && flags.strict ? 3 : 0;
}

/** `"A=1 B=2"` → `{ A: '1', B: '2' }`. */
function serverEnv(flag) {
  if (!flag) return {};
  return Object.fromEntries(
    String(flag)
      .split(/\s+/)
      .filter(Boolean)
      .map((pair) => {
        const at = pair.indexOf('=');
        if (at < 1) throw new Error(`--server-env: expected NAME=VALUE, got ${pair}`);
        return [pair.slice(0, at), pair.slice(at + 1)];
      }),
  );
}
