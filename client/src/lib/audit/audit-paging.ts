import type { AuditRecord } from '@gongjian/shared';
import type { TimeRange } from './audit-time';

/** What the trail is narrowed to. */
export interface AuditFilters extends TimeRange {
  projectId: string | null;
  userId: string | null;
}

export const NO_FILTERS: AuditFilters = { projectId: null, userId: null, from: null, to: null };

/** The server's largest page. */
export const MAX_LIMIT = 500;

/** The query string of a request for the trail. */
export function auditQuery(filters: AuditFilters, limit: number): string {
  const query = new URLSearchParams();
  if (filters.projectId) query.set('projectId', filters.projectId);
  if (filters.userId) query.set('userId', filters.userId);
  if (filters.from) query.set('from', filters.from);
  if (filters.to) query.set('to', filters.to);
  query.set('limit', String(limit));
  return query.toString();
}

/**
 * The filters and page size of the page after `loaded` (newest first). The server's `to` is
 * exclusive and many records may share one millisecond, so the page ends just after the oldest
 * record loaded and asks for as many more as there are loaded records at that instant: they come
 * again (and are dropped by id), and nothing at that instant is skipped.
 */
export function nextPage(
  loaded: readonly AuditRecord[],
  filters: AuditFilters,
  pageSize: number,
): { filters: AuditFilters; limit: number } {
  const oldest = loaded.at(-1);
  if (!oldest) return { filters, limit: pageSize };
  const at = Date.parse(oldest.at);
  const same = loaded.filter((record) => Date.parse(record.at) === at).length;
  return {
    filters: { ...filters, to: new Date(at + 1).toISOString() },
    limit: Math.min(MAX_LIMIT, pageSize + same),
  };
}

/** `loaded` followed by the records of `page` it doesn't have yet. */
export function mergePage(loaded: readonly AuditRecord[], page: readonly AuditRecord[]): AuditRecord[] {
  const seen = new Set(loaded.map((record) => record.id));
  return [...loaded, ...page.filter((record) => !seen.has(record.id))];
}
