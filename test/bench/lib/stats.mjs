// Latency samples and their percentiles (nearest rank on a sorted copy; a run holds ~10^4 samples).

export class Samples {
  constructor() {
    /** @type {number[]} */
    this.values = [];
    this.sorted = null;
  }

  add(ms) {
    this.values.push(ms);
    this.sorted = null;
  }

  get count() {
    return this.values.length;
  }

  /** The p-th percentile (0 < p ≤ 100) by nearest rank, or NaN when empty. */
  percentile(p) {
    if (this.values.length === 0) return NaN;
    if (!this.sorted) this.sorted = Float64Array.from(this.values).sort();
    const rank = Math.max(1, Math.ceil((p / 100) * this.sorted.length));
    return this.sorted[rank - 1];
  }

  get max() {
    return this.percentile(100);
  }

  summary() {
    return {
      count: this.count,
      p50: this.percentile(50),
      p95: this.percentile(95),
      p99: this.percentile(99),
      max: this.max,
    };
  }
}

/** `12.34` style; `—` for NaN. */
export function ms(value, digits = 2) {
  return Number.isFinite(value) ? value.toFixed(digits) : '—';
}

/** A plain-text table; `align` per column: 'l' or 'r'. */
export function formatTable(headers, rows, align = []) {
  const widths = headers.map((h, i) => Math.max(String(h).length, ...rows.map((row) => String(row[i]).length)));
  const pad = (cell, i) => {
    const text = String(cell);
    return align[i] === 'r' ? text.padStart(widths[i]) : text.padEnd(widths[i]);
  };
  const line = (cells) => `| ${cells.map(pad).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (align[i] === 'r' ? `${'-'.repeat(w + 1)}:` : `${'-'.repeat(w + 2)}`)).join('|')}|`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}
