/**
 * Fractional-index ranks: base-36 strings (`rankSchema`) that order a collection by plain string
 * comparison, so that moving an entry rewrites its own rank and nothing else. Ranks made here
 * never end in '0', so there is always room between two of them. Equal ranks (two replicas
 * inserting at the same place at once) are ordered by id everywhere (`compareRanked`).
 */

const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz';
const BASE = DIGITS.length;

/** The longest rank `rankSchema` accepts; commands re-spread a collection rather than exceed it. */
export const RANK_MAX_LENGTH = 64;

const digit = (char: string): number => DIGITS.indexOf(char);

/** The rank of the first entry of an empty collection. */
export function initialRank(): string {
  return 'i';
}

/**
 * A rank that sorts strictly between `before` and `after`; `null` is the start or the end of the
 * collection. Throws a RangeError when the bounds are out of order or have no string between them
 * (`'x'` and `'x0'`), which ranks made here never are.
 */
export function rankBetween(before: string | null, after: string | null): string {
  if (before !== null && after !== null) {
    if (before >= after) throw new RangeError(`rankBetween: ${before} is not before ${after}`);
    return midpoint(before, after);
  }
  if (before !== null) return increment(before);
  if (after !== null) return decrement(after);
  return initialRank();
}

/** A rank after `rank` (or the first rank, when null): short, growing by a character every ~35 appends. */
export function rankAfter(rank: string | null): string {
  return rankBetween(rank, null);
}

/** A rank before `rank` (or the first rank, when null). */
export function rankBefore(rank: string | null): string {
  return rankBetween(null, rank);
}

/** `count` ranks in ascending order, evenly spread and short: for re-ranking a whole collection. */
export function spreadRanks(count: number): string[] {
  let width = 1;
  while (BASE ** width < (count + 1) * BASE) width++;
  const span = BASE ** width;
  const ranks: string[] = [];
  for (let index = 0; index < count; index++) {
    const value = Math.floor(((index + 1) * span) / (count + 1));
    // Trailing zeros dropped: without them, string order is the order of the fractions.
    ranks.push(value.toString(BASE).padStart(width, '0').replace(/0+$/, ''));
  }
  return ranks;
}

/** Orders ranked entries by rank, then by id, so that equal ranks order the same on every replica. */
export function compareRanked(a: { rank: string; id: string }, b: { rank: string; id: string }): number {
  return compareStrings(a.rank, b.rank) || compareStrings(a.id, b.id);
}

/** Plain code-unit order (not locale order), the same everywhere. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The shortest string after `rank`: its first digit that is not 'z', plus one. */
function increment(rank: string): string {
  for (let index = 0; index < rank.length; index++) {
    const value = digit(rank[index]);
    if (value < BASE - 1) return rank.slice(0, index) + DIGITS[value + 1];
  }
  return rank + '1';
}

/** A short string before `rank` and after '', not ending in '0'. */
function decrement(rank: string): string {
  for (let index = 0; index < rank.length; index++) {
    const value = digit(rank[index]);
    if (value >= 2) return rank.slice(0, index) + DIGITS[value - 1];
    if (value === 1) {
      // '…1' followed by more is itself a shorter rank before it; a final '1' needs '…0z'.
      return index < rank.length - 1 ? rank.slice(0, index + 1) : rank.slice(0, index) + '0' + DIGITS[BASE - 1];
    }
  }
  throw new RangeError(`rankBetween: nothing sorts before ${rank}`);
}

/** The midpoint of `a` and `b` (`a` < `b`, `a` may be '' and `b` null for the open end). */
function midpoint(a: string, b: string | null): string {
  if (b !== null) {
    let shared = 0;
    while (shared < b.length && (a[shared] ?? '0') === b[shared]) shared++;
    if (shared === b.length) throw new RangeError(`rankBetween: nothing sorts between ${a} and ${b}`);
    if (shared > 0) return b.slice(0, shared) + midpoint(a.slice(shared), b.slice(shared));
  }
  const low = a ? digit(a[0]) : 0;
  const high = b !== null ? digit(b[0]) : BASE;
  if (high - low > 1) return DIGITS[Math.round((low + high) / 2)];
  if (b !== null && b.length > 1) return b[0];
  return DIGITS[low] + midpoint(a.slice(1), null);
}
