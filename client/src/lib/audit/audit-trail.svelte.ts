import type { AuditRecord } from '@gongjian/shared';
import { request, toClientErrorCode, type ClientErrorCode } from '../api';
import { auditQuery, type AuditFilters, mergePage, nextPage, NO_FILTERS } from './audit-paging';

/** A board's audit trail as far as it has been read (newest first), with its filters, read page by page over REST. */
export class AuditTrail {
  readonly #path: string;
  readonly #pageSize: number;
  #filters = $state<AuditFilters>(NO_FILTERS);
  #records = $state<AuditRecord[] | null>(null);
  #loading = $state(false);
  #error = $state<ClientErrorCode | null>(null);
  #hasMore = $state(false);
  /** Bumped by every new first page, so that the answer to an older request is dropped. */
  #generation = 0;
  /** What failed last, to try again. */
  #failed: (() => Promise<void>) | null = null;

  constructor(boardId: string, pageSize = 50) {
    this.#path = `/api/boards/${encodeURIComponent(boardId)}/audit`;
    this.#pageSize = pageSize;
  }

  get filters(): AuditFilters {
    return this.#filters;
  }
  /** Null until the first page has come. */
  get records(): AuditRecord[] | null {
    return this.#records;
  }
  get loading(): boolean {
    return this.#loading;
  }
  /** Why the last request failed: the first page (no records) or the next one. */
  get error(): ClientErrorCode | null {
    return this.#error;
  }
  get hasMore(): boolean {
    return this.#hasMore;
  }

  /**
   * Reads the newest page under `filters`, in place of what was read before. Records read under
   * other filters go at once; under the same ones (a refresh) they stay until the new page comes.
   */
  async load(filters: AuditFilters = this.#filters): Promise<void> {
    const generation = ++this.#generation;
    if (this.#records !== null && !sameFilters(filters, this.#filters)) this.#records = null;
    this.#filters = filters;
    await this.#fetch(generation, filters, this.#pageSize, []);
  }

  /** Reads the page after the records read so far. */
  async loadMore(): Promise<void> {
    const loaded = this.#records;
    if (loaded === null || this.#loading) return;
    const { filters, limit } = nextPage(loaded, this.#filters, this.#pageSize);
    await this.#fetch(this.#generation, filters, limit, loaded);
  }

  /** Makes again the request that failed last. */
  async retry(): Promise<void> {
    await (this.#failed ?? (() => this.load()))();
  }

  async #fetch(generation: number, filters: AuditFilters, limit: number, loaded: AuditRecord[]): Promise<void> {
    this.#loading = true;
    this.#error = null;
    this.#failed = null;
    try {
      const page = await request<AuditRecord[]>('GET', `${this.#path}?${auditQuery(filters, limit)}`);
      if (generation !== this.#generation) return;
      const records = mergePage(loaded, page);
      this.#records = records;
      // A full page may have more behind it, unless it brought nothing new (then paging can't go on).
      this.#hasMore = page.length >= limit && records.length > loaded.length;
    } catch (error) {
      if (generation !== this.#generation) return;
      this.#error = toClientErrorCode(error);
      this.#failed = loaded.length === 0 ? () => this.load(filters) : () => this.loadMore();
    } finally {
      if (generation === this.#generation) this.#loading = false;
    }
  }
}

function sameFilters(a: AuditFilters, b: AuditFilters): boolean {
  return a.projectId === b.projectId && a.userId === b.userId && a.from === b.from && a.to === b.to;
}
