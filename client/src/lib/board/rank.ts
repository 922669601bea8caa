const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * A rank (fractional index) that sorts strictly between `before` and `after` by plain string
 * comparison; `null` means the start or the end of the list. Ranks never end in '0', so there is
 * always room between two of them.
 */
export function rankBetween(before: string | null, after: string | null): string {
  if (before !== null && after !== null && before >= after) {
    throw new Error(`rankBetween: ${before} is not before ${after}`);
  }
  return midpoint(before ?? '', after);
}

function midpoint(a: string, b: string | null): string {
  if (b !== null) {
    let shared = 0;
    while ((a[shared] ?? '0') === b[shared]) shared++;
    if (shared > 0) return b.slice(0, shared) + midpoint(a.slice(shared), b.slice(shared));
  }
  const low = a ? DIGITS.indexOf(a[0]) : 0;
  const high = b !== null ? DIGITS.indexOf(b[0]) : DIGITS.length;
  if (high - low > 1) return DIGITS[Math.round((low + high) / 2)];
  if (b !== null && b.length > 1) return b.slice(0, 1);
  return DIGITS[low] + midpoint(a.slice(1), null);
}
