import { get, IncomingHttpHeaders } from 'node:http';
import type { ServerProcess } from './server-process';

/**
 * Watching a server process from outside while a test attacks it: /healthz polled at an interval
 * (every answer's status and latency), the process's log scanned for what must never appear, and
 * /metrics read.
 */

export interface HealthReport {
  polls: number;
  /** Polls that were not `200 {"status":"ok"}` within the timeout, with what happened instead. */
  failures: string[];
  maxMs: number;
  p95Ms: number;
  /** The process had exited at some poll. */
  exited: boolean;
}

export interface HealthWatch {
  stop(): Promise<HealthReport>;
}

/** Polls `GET /healthz` every `intervalMs` (each poll times out after `timeoutMs`) until stopped. */
export function watchHealth(server: ServerProcess, intervalMs = 200, timeoutMs = 2_000): HealthWatch {
  const latencies: number[] = [];
  const failures: string[] = [];
  let exited = false;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      if (server.process.exitCode !== null || server.process.signalCode !== null) {
        exited = true;
        failures.push(`process exited (${server.process.exitCode ?? server.process.signalCode})`);
        return;
      }
      const started = performance.now();
      try {
        const { status, text } = await getFresh(`${server.url}/healthz`, timeoutMs);
        if (status !== 200 || text !== '{"status":"ok"}') failures.push(`${status} ${text.slice(0, 200)}`);
      } catch (err) {
        failures.push(String(err));
      }
      latencies.push(performance.now() - started);
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      const sorted = [...latencies].sort((a, b) => a - b);
      return {
        polls: latencies.length,
        failures,
        maxMs: Math.round(sorted.at(-1) ?? 0),
        p95Ms: Math.round(sorted[Math.floor(sorted.length * 0.95)] ?? 0),
        exited,
      };
    },
  };
}

/**
 * A GET on a connection of its own (no keep-alive pool): a probe must not be failed by a pooled
 * connection that the attack got the server to close.
 */
export function getFresh(
  url: string,
  timeoutMs: number,
): Promise<{ status: number; text: string; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const request = get(url, { agent: false, timeout: timeoutMs }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text, headers: response.headers }));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', reject);
  });
}

/** A parsed pino line of the server's output (non-JSON lines are kept as `{msg: line}`). */
export interface LogLine {
  level?: number;
  msg?: string;
  err?: { message?: string; type?: string };
  [key: string]: unknown;
}

export function logLines(output: string): LogLine[] {
  return output
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as LogLine;
      } catch {
        return { msg: line };
      }
    });
}

/**
 * What must never appear in a server's log however bad the input: an unhandled rejection, an
 * uncaught exception, or a request/message that failed in an unexpected way (pino level ≥ 50 =
 * error, fatal). Returns those lines, shortened, for the assertion message.
 */
export function alarmingLogLines(output: string, since = 0): string[] {
  return logLines(output.slice(since))
    .filter(
      (line) =>
        (typeof line.level === 'number' && line.level >= 50) ||
        /unhandled promise rejection|uncaught exception|UnhandledPromiseRejection/i.test(line.msg ?? ''),
    )
    .map((line) => `${line.msg ?? ''}: ${line.err?.type ?? ''} ${line.err?.message ?? ''}`.slice(0, 300));
}

/** The server's log lines about unhandled rejections or uncaught exceptions only. */
export function crashLogLines(output: string, since = 0): string[] {
  return logLines(output.slice(since))
    .filter((line) => /unhandled promise rejection|uncaught exception|UnhandledPromiseRejection/i.test(line.msg ?? ''))
    .map((line) => `${line.msg ?? ''}: ${line.err?.message ?? ''}`.slice(0, 300));
}

/** Sums every sample of a Prometheus metric whose name and labels match (`name` or `name{code="invalid"}`). */
export async function metricValue(url: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const labelText = match[2] ?? '';
    if (Object.entries(labels).every(([key, value]) => labelText.includes(`${key}="${value}"`)))
      sum += Number(match[3]);
  }
  return sum;
}
