import type { Socket } from 'socket.io-client';
import type { FuzzInput } from './sync-inputs';

/**
 * Sends fuzz inputs over several sockets, pipelined: each socket keeps up to `window` messages
 * awaiting their ack, so the server always has work queued. Every ack is checked against what
 * the input allows; a socket that disconnects, or acks that stop coming for `stallMs`, end the
 * run with an error naming what was in flight.
 */

export interface PumpResult {
  sent: number;
  acked: number;
  /** kind → ack answer → count. */
  answers: Record<string, Record<string, number>>;
  /** Acks outside what the input allowed (first 20), with the input's kind and a preview. */
  violations: string[];
  violationCount: number;
  ms: number;
}

export function ackAnswer(ack: unknown): string {
  if (typeof ack !== 'object' || ack === null) return `malformed-ack:${JSON.stringify(ack)}`;
  const { ok, error } = ack as { ok?: unknown; error?: unknown };
  if (ok === true) return 'ok';
  if (ok === false && typeof error === 'string') return error;
  return `malformed-ack:${JSON.stringify(ack).slice(0, 100)}`;
}

export function preview(input: FuzzInput): string {
  const show = (value: unknown): string => {
    if (value instanceof Uint8Array)
      return `bytes[${value.length}]:${Buffer.from(value.subarray(0, 24)).toString('hex')}`;
    try {
      return (JSON.stringify(value) ?? String(value)).slice(0, 80);
    } catch {
      return typeof value;
    }
  };
  return `${input.kind} ${JSON.stringify(input.event.slice(0, 20))}(${input.args.map(show).join(', ')})`;
}

export async function pump(
  sockets: Socket[],
  inputs: FuzzInput[],
  options: { window?: number; stallMs?: number; onAck?: (input: FuzzInput, answer: string) => void } = {},
): Promise<PumpResult> {
  const window = options.window ?? 64;
  const stallMs = options.stallMs ?? 20_000;
  const started = performance.now();
  const answers: Record<string, Record<string, number>> = {};
  const violations: string[] = [];
  let violationCount = 0;
  let sent = 0;
  let acked = 0;
  let lastProgress = Date.now();

  const queues: FuzzInput[][] = sockets.map(() => []);
  inputs.forEach((input, i) => queues[i % sockets.length].push(input));

  await new Promise<void>((resolve, reject) => {
    let finished = false;
    const inflight = sockets.map(() => 0);
    const next = sockets.map(() => 0);
    const cleanups: Array<() => void> = [];
    const finish = (err?: Error) => {
      if (finished) return;
      finished = true;
      clearInterval(watchdog);
      for (const cleanup of cleanups) cleanup();
      if (err) reject(err);
      else resolve();
    };
    const done = () => sockets.every((_, s) => next[s] >= queues[s].length && inflight[s] === 0);
    const fill = (s: number) => {
      const socket = sockets[s];
      const queue = queues[s];
      while (!finished && inflight[s] < window && next[s] < queue.length) {
        const input = queue[next[s]++];
        sent += 1;
        if (!input.ack) {
          socket.emit(input.event, ...input.args);
          continue;
        }
        inflight[s] += 1;
        socket.emit(input.event, ...input.args, (ack: unknown) => {
          inflight[s] -= 1;
          acked += 1;
          lastProgress = Date.now();
          const answer = ackAnswer(ack);
          const byAnswer = (answers[input.kind] ??= {});
          byAnswer[answer] = (byAnswer[answer] ?? 0) + 1;
          if (input.allowed && !input.allowed.includes(answer)) {
            violationCount += 1;
            if (violations.length < 20)
              violations.push(`${answer} ← ${preview(input)} (allowed: ${input.allowed.join('|')})`);
          }
          options.onAck?.(input, answer);
          if (done()) finish();
          else fill(s);
        });
      }
      if (done()) finish();
    };
    sockets.forEach((socket, s) => {
      const onDisconnect = (reason: string) =>
        finish(
          new Error(
            `fuzz socket ${s} disconnected (${reason}) after ${sent} sent; last input: ${preview(queues[s][next[s] - 1])}`,
          ),
        );
      socket.on('disconnect', onDisconnect);
      cleanups.push(() => socket.off('disconnect', onDisconnect));
    });
    const watchdog = setInterval(() => {
      if (Date.now() - lastProgress < stallMs) return;
      const waiting = sockets.map(
        (_, s) => `socket ${s}: ${inflight[s]} in flight, last ${preview(queues[s][next[s] - 1])}`,
      );
      finish(new Error(`no ack for ${stallMs} ms after ${acked} acks:\n${waiting.join('\n')}`));
    }, 1000);
    sockets.forEach((_, s) => fill(s));
  });

  return { sent, acked, answers, violations, violationCount, ms: Math.round(performance.now() - started) };
}
