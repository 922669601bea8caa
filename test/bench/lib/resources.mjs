// Per-process resources over a measured window, the same way for every server: CPU time and RSS
// from /proc (pidusage-style reads), heap and event-loop delay from the probe preloaded into
// each server (servers/probe.mjs). Also the benchmark process itself and the whole machine.
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { processCpuMs, systemCpuMs } from './machine.mjs';

export function rssBytes(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** The probe's answer (heap, event-loop delay), optionally after two full GCs; undefined on failure. */
export async function probe(server, { gc = false, reset = false, snapshotDir } = {}) {
  if (!server.probeUrl) return undefined;
  const query = [gc && 'gc', reset && 'reset', snapshotDir && `snapshot=${encodeURIComponent(snapshotDir)}`]
    .filter(Boolean)
    .join('&');
  try {
    const response = await fetch(`${server.probeUrl}${query ? `?${query}` : ''}`, {
      signal: AbortSignal.timeout(snapshotDir ? 120_000 : 10_000),
    });
    return response.ok ? await response.json() : undefined;
  } catch {
    return undefined;
  }
}

/** Heap used after two full collections, bytes (NaN without a probe). */
export async function heapAfterGc(server) {
  return (await probe(server, { gc: true }))?.heapUsed ?? NaN;
}

export class ResourceWindow {
  /** @param {{name: string, pid: number, probeUrl?: string}[]} servers */
  constructor(servers) {
    this.servers = servers;
  }

  async start() {
    this.startedAt = Date.now();
    this.cpu0 = this.servers.map((s) => processCpuMs(s.pid));
    this.sys0 = systemCpuMs();
    this.bench0 = process.cpuUsage();
    this.rssMax = this.servers.map(() => 0);
    this.heapMax = this.servers.map(() => 0);
    this.loop = monitorEventLoopDelay({ resolution: 10 });
    this.loop.enable();
    await Promise.all(this.servers.map((s) => probe(s, { reset: true })));
    this.timer = setInterval(() => void this.sample(), 1000);
  }

  async sample() {
    await Promise.all(
      this.servers.map(async (s, i) => {
        this.rssMax[i] = Math.max(this.rssMax[i], rssBytes(s.pid) || 0);
        const p = await probe(s);
        if (p) this.heapMax[i] = Math.max(this.heapMax[i], p.heapUsed);
      }),
    );
  }

  /** Per server: cpuPct (of one core), rssMaxMB, heapMaxMB, heapEndMB, eldP99/eldMax (ms); bench and machine. */
  async stop() {
    clearInterval(this.timer);
    const windowMs = Date.now() - this.startedAt;
    const cpu1 = this.servers.map((s) => processCpuMs(s.pid));
    const sys1 = systemCpuMs();
    const bench = process.cpuUsage(this.bench0);
    this.loop.disable();
    await this.sample();
    const ends = await Promise.all(this.servers.map((s) => probe(s)));
    const MB = 1024 * 1024;
    return {
      windowMs,
      servers: this.servers.map((s, i) => ({
        name: s.name,
        cpuPct: ((cpu1[i] - this.cpu0[i]) / windowMs) * 100,
        rssMaxMB: this.rssMax[i] > 0 ? this.rssMax[i] / MB : NaN,
        heapMaxMB: this.heapMax[i] > 0 ? this.heapMax[i] / MB : NaN, // NaN: no probe answered
        heapEndMB: (ends[i]?.heapUsed ?? NaN) / MB,
        eldP99: ends[i]?.eldP99 ?? NaN,
        eldMax: ends[i]?.eldMax ?? NaN,
      })),
      benchCpuPct: ((bench.user + bench.system) / 1000 / windowMs) * 100,
      benchEldP99: Math.max(0, this.loop.percentile(99) / 1e6 - 10),
      machinePct: sys0Sys1(this.sys0, sys1),
    };
  }
}

function sys0Sys1(a, b) {
  return a && b ? ((b.busy - a.busy) / (b.total - a.total)) * 100 : NaN;
}
