import type { AuditRecord } from '@gongjian/shared';
import { shanghaiDay } from './audit-time';

/** One line of the trail: a record, or a run of records it stands for (`count` of them, the newest shown). */
export interface AuditEntry {
  at: string;
  record: AuditRecord;
  count: number;
}

/** How far apart two saves of one person's typing may be and still read as one edit. */
export const TYPING_WINDOW_MS = 10 * 60_000;

/**
 * The records (newest first) as entries, a run of one person's typing in the same texts made
 * one: text is saved in bursts while someone types, and each burst is a record of its own.
 * Records with any other change stay apart, as do runs across a day (the trail groups by day).
 */
export function collapseTyping(records: readonly AuditRecord[], windowMs = TYPING_WINDOW_MS): AuditEntry[] {
  const entries: AuditEntry[] = [];
  let earliest: AuditRecord | null = null;
  for (const record of records) {
    const last = entries.at(-1);
    if (last && earliest && sameTyping(earliest, record, windowMs)) {
      last.count += 1;
    } else {
      entries.push({ at: record.at, record, count: 1 });
    }
    earliest = record;
  }
  return entries;
}

function sameTyping(later: AuditRecord, earlier: AuditRecord, windowMs: number): boolean {
  const texts = typedPaths(later);
  return (
    texts !== null &&
    texts === typedPaths(earlier) &&
    later.userId === earlier.userId &&
    Date.parse(later.at) - Date.parse(earlier.at) <= windowMs &&
    shanghaiDay(later.at) === shanghaiDay(earlier.at)
  );
}

/** The texts a record only types in, as one key; null when it changes anything else. */
function typedPaths(record: AuditRecord): string | null {
  if (record.changes.length === 0 || record.changes.some((change) => change.kind !== 'text')) return null;
  return [...new Set(record.changes.map((change) => change.path))].sort().join('\n');
}
