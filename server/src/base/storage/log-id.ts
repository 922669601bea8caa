/**
 * Update-log entry ids, in Redis stream form `<ms>-<seq>`. The embedded log uses `<seq>-0`.
 * Ids compare as (ms, seq) pairs.
 */
export interface LogId {
  ms: number;
  seq: number;
}

export const ZERO_LOG_ID: LogId = { ms: 0, seq: 0 };

export function parseLogId(id: string): LogId {
  const match = /^(\d+)-(\d+)$/.exec(id);
  if (!match) throw new Error(`not a log id: ${id}`);
  return { ms: Number(match[1]), seq: Number(match[2]) };
}

export function formatLogId(id: LogId): string {
  return `${id.ms}-${id.seq}`;
}

export function compareLogIds(a: LogId, b: LogId): number {
  return a.ms !== b.ms ? a.ms - b.ms : a.seq - b.seq;
}
