import { describe, expect, it } from '@jest/globals';
import { rankBetween } from './rank';

describe(rankBetween.name, () => {
  it('gives a first rank for an empty list', () => {
    expect(rankBetween(null, null)).toBe('i');
  });

  it('sorts after the last rank when appending', () => {
    let last: string | null = null;
    for (let i = 0; i < 200; i++) {
      const next = rankBetween(last, null);
      if (last !== null) expect(next > last).toBe(true);
      last = next;
    }
  });

  it('sorts before the first rank when prepending', () => {
    let first: string | null = null;
    for (let i = 0; i < 200; i++) {
      const next = rankBetween(null, first);
      if (first !== null) expect(next < first).toBe(true);
      first = next;
    }
  });

  it('sorts strictly between two neighbouring ranks', () => {
    let low = 'i';
    const high = 'j';
    for (let i = 0; i < 50; i++) {
      const mid = rankBetween(low, high);
      expect(mid > low && mid < high).toBe(true);
      low = mid;
    }
  });

  it('refuses bounds in the wrong order', () => {
    expect(() => rankBetween('j', 'i')).toThrow();
  });
});
