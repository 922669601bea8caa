import fc from 'fast-check';
import { rankSchema } from './board-values';
import { compareRanked, initialRank, rankAfter, rankBefore, rankBetween, spreadRanks } from './rank';

const isRank = (rank: string) => rankSchema.safeParse(rank).success;

describe(rankBetween.name, () => {
  it('gives the first rank for an empty list', () => {
    expect(rankBetween(null, null)).toBe('i');
    expect(initialRank()).toBe('i');
  });

  it('sorts after the last rank when appending, growing a character every ~35 appends', () => {
    let last = initialRank();
    for (let i = 0; i < 1000; i++) {
      const next = rankAfter(last);
      expect(next > last).toBe(true);
      last = next;
    }
    expect(last.length).toBeLessThanOrEqual(30);
    expect(isRank(last)).toBe(true);
  });

  it('sorts before the first rank when prepending', () => {
    let first = initialRank();
    for (let i = 0; i < 1000; i++) {
      const next = rankBefore(first);
      expect(next < first && next.length > 0).toBe(true);
      first = next;
    }
    expect(isRank(first)).toBe(true);
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

  it('sorts strictly between any two neighbours it made, and never ends in 0', () => {
    fc.assert(
      fc.property(fc.array(fc.nat()), (picks) => {
        const ranks = [initialRank()];
        for (const pick of picks) {
          ranks.sort();
          // Index 0 prepends, index ranks.length appends, any other inserts between neighbours.
          const index = pick % (ranks.length + 1);
          const low = ranks[index - 1] ?? null;
          const high = ranks[index] ?? null;
          const rank = rankBetween(low, high);
          expect(low === null || rank > low).toBe(true);
          expect(high === null || rank < high).toBe(true);
          expect(rank.endsWith('0')).toBe(false);
          ranks.push(rank);
        }
      }),
    );
  });

  it('refuses bounds in the wrong order or equal', () => {
    expect(() => rankBetween('j', 'i')).toThrow(RangeError);
    expect(() => rankBetween('i', 'i')).toThrow(RangeError);
  });

  it('refuses bounds with nothing between them', () => {
    expect(() => rankBetween('x', 'x0')).toThrow(RangeError);
    expect(() => rankBetween(null, '0')).toThrow(RangeError);
  });

  it('works between ranks other code made that end in 0', () => {
    const rank = rankBetween('a0', 'a1');
    expect(rank > 'a0' && rank < 'a1').toBe(true);
  });
});

describe(spreadRanks.name, () => {
  it.each([0, 1, 2, 35, 36, 1000])('gives %i short ascending valid ranks', (count) => {
    const ranks = spreadRanks(count);
    expect(ranks).toHaveLength(count);
    expect([...ranks].sort()).toEqual(ranks);
    expect(new Set(ranks).size).toBe(count);
    expect(ranks.every((rank) => isRank(rank) && !rank.endsWith('0') && rank.length <= 3)).toBe(true);
  });
});

describe(compareRanked.name, () => {
  it('orders by rank, then by id', () => {
    const entries = [
      { id: 'b', rank: 'i' },
      { id: 'c', rank: 'h' },
      { id: 'a', rank: 'i' },
    ];
    expect(entries.sort(compareRanked).map((entry) => entry.id)).toEqual(['c', 'a', 'b']);
  });
});
