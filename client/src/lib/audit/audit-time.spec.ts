import { describe, expect, it } from '@jest/globals';
import { addDays, dayHeading, groupByDay, rangeOf, timeOfDay } from './audit-time';

/** 2026-03-01 00:30 in Shanghai: still 2026-02-28 in UTC. */
const NOW = new Date('2026-02-28T16:30:00.000Z');

describe(rangeOf.name, () => {
  it('starts today at midnight in Shanghai', () => {
    expect(rangeOf('today', NOW)).toEqual({ from: '2026-03-01T00:00:00+08:00', to: null });
  });

  it('takes the last 7 days with today', () => {
    expect(rangeOf('week', NOW)).toEqual({ from: '2026-02-23T00:00:00+08:00', to: null });
  });

  it('takes the last 30 days with today', () => {
    expect(rangeOf('month', NOW)).toEqual({ from: '2026-01-31T00:00:00+08:00', to: null });
  });

  it('has no bounds for all time', () => {
    expect(rangeOf('all', NOW)).toEqual({ from: null, to: null });
  });

  it('includes both custom dates, ending at the next midnight', () => {
    expect(rangeOf('custom', NOW, { from: '2026-02-01', to: '2026-02-28' })).toEqual({
      from: '2026-02-01T00:00:00+08:00',
      to: '2026-03-01T00:00:00+08:00',
    });
  });

  it('swaps custom dates given the wrong way round and leaves an empty one open', () => {
    expect(rangeOf('custom', NOW, { from: '2026-02-10', to: '2026-02-01' })).toEqual({
      from: '2026-02-01T00:00:00+08:00',
      to: '2026-02-11T00:00:00+08:00',
    });
    expect(rangeOf('custom', NOW, { from: '', to: '2026-02-01' })).toEqual({
      from: null,
      to: '2026-02-02T00:00:00+08:00',
    });
  });
});

describe(addDays.name, () => {
  it('crosses month and year ends', () => {
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
  });
});

describe(groupByDay.name, () => {
  it('groups by the day in Shanghai, not in UTC', () => {
    const records = [
      { id: 'a', at: '2026-02-28T16:10:00.000Z' },
      { id: 'b', at: '2026-02-28T15:50:00.000Z' },
      { id: 'c', at: '2026-02-28T02:00:00.000Z' },
    ];
    expect(groupByDay(records).map((day) => [day.day, day.records.map((r) => r.id)])).toEqual([
      ['2026-03-01', ['a']],
      ['2026-02-28', ['b', 'c']],
    ]);
  });
});

describe(timeOfDay.name, () => {
  it('shows the wall-clock time in Shanghai', () => {
    expect(timeOfDay('2026-02-28T16:05:00.000Z')).toBe('00:05');
  });
});

describe(dayHeading.name, () => {
  const words = { today: '今天', yesterday: '昨天' };

  it('calls today and yesterday by name', () => {
    expect(dayHeading('2026-03-01', NOW, 'zh-CN', words)).toBe('今天');
    expect(dayHeading('2026-02-28', NOW, 'zh-CN', words)).toBe('昨天');
  });

  it('shows an earlier day of this year without its year, and one of another year with it', () => {
    expect(dayHeading('2026-02-20', NOW, 'en', words)).toBe('Fri, February 20');
    expect(dayHeading('2025-12-31', NOW, 'zh-CN', words)).toBe('2025年12月31日周三');
  });
});
