import { describe, expect, it } from '@jest/globals';
import type { AuditRecord } from '@gongjian/shared';
import { auditQuery, mergePage, nextPage, NO_FILTERS } from './audit-paging';

function at(id: string, time: string): AuditRecord {
  return { id, at: time, userId: 'u', userName: null, orgId: null, projectIds: [], summary: '', changes: [] };
}

describe(auditQuery.name, () => {
  it('sends only the filters that are set', () => {
    expect(auditQuery({ ...NO_FILTERS, projectId: 'p1', from: '2026-03-01T00:00:00+08:00' }, 20)).toBe(
      'projectId=p1&from=2026-03-01T00%3A00%3A00%2B08%3A00&limit=20',
    );
  });
});

describe(nextPage.name, () => {
  it('asks for the first page as it is', () => {
    expect(nextPage([], { ...NO_FILTERS, userId: 'u' }, 50)).toEqual({
      filters: { ...NO_FILTERS, userId: 'u' },
      limit: 50,
    });
  });

  it('ends the next page just after the oldest record and asks again for those at its instant', () => {
    const loaded = [
      at('3-0', '2026-03-01T08:00:02.000Z'),
      at('2-1', '2026-03-01T08:00:01.000Z'),
      at('2-0', '2026-03-01T08:00:01.000Z'),
    ];
    expect(nextPage(loaded, { ...NO_FILTERS, from: '2026-03-01T00:00:00+08:00' }, 50)).toEqual({
      filters: { ...NO_FILTERS, from: '2026-03-01T00:00:00+08:00', to: '2026-03-01T08:00:01.001Z' },
      limit: 52,
    });
  });

  it('asks for no more than the server gives', () => {
    const loaded = Array.from({ length: 600 }, (_, i) => at(`1-${i}`, '2026-03-01T08:00:00.000Z'));
    expect(nextPage(loaded, NO_FILTERS, 50).limit).toBe(500);
  });
});

describe(mergePage.name, () => {
  it('drops records already loaded', () => {
    const loaded = [at('3-0', '2026-03-01T08:00:02.000Z'), at('2-1', '2026-03-01T08:00:01.000Z')];
    const page = [at('2-1', '2026-03-01T08:00:01.000Z'), at('2-0', '2026-03-01T08:00:01.000Z')];
    expect(mergePage(loaded, page).map((record) => record.id)).toEqual(['3-0', '2-1', '2-0']);
  });
});
