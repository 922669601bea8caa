// What the benchmark ran on, for the header and docs/benchmarks.md.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

function safe(fn, fallback = '?') {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

function cpuModel() {
  // lscpu's "Model name" (what docs/benchmarks.md quotes); os.cpus() as a fallback.
  const fromLscpu = safe(() => {
    const line = execFileSync('lscpu', { encoding: 'utf8' })
      .split('\n')
      .find((l) => l.startsWith('Model name:'));
    return line ? line.slice('Model name:'.length).trim() : '';
  }, '');
  return fromLscpu || os.cpus()[0]?.model || '?';
}

function gitDescription(root) {
  return safe(() => {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'server', 'shared'], {
      cwd: root,
      encoding: 'utf8',
    }).trim();
    return dirty ? `${commit} (+ uncommitted changes in server/ or shared/)` : commit;
  });
}

/** Plain facts about this machine and checkout. */
export function machineInfo(root) {
  const mem = os.totalmem();
  return {
    nproc: os.availableParallelism ? os.availableParallelism() : os.cpus().length,
    cpu: cpuModel(),
    memory: `${(mem / 2 ** 30).toFixed(1)} GiB`,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    git: gitDescription(root),
  };
}

/** CPU time (user + system, ms) a process has used so far, from /proc; undefined where there is no /proc. */
export function processCpuMs(pid) {
  return safe(() => {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of /proc/PID/stat (1-based); here offset by the 2 skipped.
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / clockTicks();
  }, undefined);
}

let ticksPerSecond;
function clockTicks() {
  if (ticksPerSecond === undefined)
    ticksPerSecond =
      Number(safe(() => execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim(), '100')) || 100;
  return ticksPerSecond;
}

/** Busy and total CPU time of the whole machine so far (ms, all CPUs), from /proc/stat; undefined without it. */
export function systemCpuMs() {
  return safe(() => {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    const busy = user + nice + system + irq + softirq + steal;
    const total = busy + idle + iowait;
    return { busy: (busy * 1000) / clockTicks(), total: (total * 1000) / clockTicks() };
  }, undefined);
}
