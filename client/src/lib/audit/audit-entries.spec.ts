import { describe, expect, it } from '@jest/globals';
import type { AuditRecord } from '@gongjian/shared';
import { collapseTyping } from './audit-entries';

function typed(id: string, at: string, userId = 'u1', path = 'projects/p1/title'): AuditRecord {
  return {
    id,
    at,
    userId,
    userName: null,
    orgId: null,
    projectIds: ['p1'],
    summary: '',
    changes: [{ path, kind: 'text' }],
  };
}

const shape = (records: AuditRecord[]) => collapseTyping(records).map((entry) => [entry.record.id, entry.count]);

describe(collapseTyping.name, () => {
  it('makes one entry of one person’s typing in one text, shown as the newest record', () => {
    expect(
      shape([
        typed('3', '2026-03-01T08:02:00.000Z'),
        typed('2', '2026-03-01T08:01:00.000Z'),
        typed('1', '2026-03-01T08:00:00.000Z'),
      ]),
    ).toEqual([['3', 3]]);
  });

  it('keeps apart typing by other people, in other texts, or long apart', () => {
    expect(
      shape([
        typed('4', '2026-03-01T09:00:00.000Z'),
        typed('3', '2026-03-01T08:02:00.000Z'),
        typed('2', '2026-03-01T08:01:00.000Z', 'u2'),
        typed('1', '2026-03-01T08:00:00.000Z', 'u2', 'projects/p1/description'),
      ]),
    ).toEqual([
      ['4', 1],
      ['3', 1],
      ['2', 1],
      ['1', 1],
    ]);
  });

  it('keeps apart a record that changes anything besides text', () => {
    const stage = { ...typed('2', '2026-03-01T08:01:00.000Z') };
    stage.changes = [...stage.changes, { path: 'projects/p1/stage', kind: 'set', old: 'planning', new: 'approved' }];
    expect(shape([typed('3', '2026-03-01T08:02:00.000Z'), stage, typed('1', '2026-03-01T08:00:00.000Z')])).toEqual([
      ['3', 1],
      ['2', 1],
      ['1', 1],
    ]);
  });

  it('does not join typing across midnight in Shanghai', () => {
    expect(shape([typed('2', '2026-02-28T16:01:00.000Z'), typed('1', '2026-02-28T15:59:00.000Z')])).toEqual([
      ['2', 1],
      ['1', 1],
    ]);
  });
});
