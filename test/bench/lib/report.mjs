// Figures → the table every new scenario prints: each figure of ours beside its target and beside
// the reference servers' figures with the ratio ours / theirs.
import { formatTable } from './stats.mjs';

export const COLUMNS = [
  ['gongjian', 'gongjian'],
  ['y-websocket', 'y-websocket'],
  ['hocuspocus', 'Hocuspocus'],
];

export function fmt(v, digits = 2) {
  if (v === undefined || v === null) return '—';
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) return '—';
  if (Math.abs(v) >= 1000) return v.toFixed(0);
  return v.toFixed(digits);
}

function ratio(a, b) {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return '—';
  return `${(a / b).toFixed(2)}×`;
}

/**
 * @param {{name: string, unit?: string, values: Record<string, number|string>, target?: {text: string, ok: (v: number, values: object) => boolean}, digits?: number}[]} figures
 */
export function figureTable(figures) {
  const rows = figures.map((f) => {
    const ours = f.values.gongjian;
    let verdict = '';
    if (f.target) verdict = Number.isFinite(ours) ? (f.target.ok(ours, f.values) ? 'pass' : 'FAIL') : 'FAIL (no value)';
    return [
      f.name + (f.unit ? ` (${f.unit})` : ''),
      fmt(ours, f.digits),
      f.target?.text ?? '',
      verdict,
      fmt(f.values['y-websocket'], f.digits),
      ratio(ours, f.values['y-websocket']),
      fmt(f.values.hocuspocus, f.digits),
      ratio(ours, f.values.hocuspocus),
    ];
  });
  return formatTable(
    ['figure', 'gongjian', 'target', 'result', 'y-websocket', 'ours ÷ y-ws', 'Hocuspocus', 'ours ÷ Hp'],
    rows,
    ['l', 'r', 'l', 'l', 'r', 'r', 'r', 'r'],
  );
}

function median(values) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The figures of several runs, each value the median over the runs. */
export function medianFigures(runs) {
  return runs[0].map((f, i) => {
    const values = {};
    for (const [key] of COLUMNS) {
      const vs = runs.map((r) => r[i]?.values[key]);
      values[key] = vs.every((v) => typeof v === 'string') ? vs[vs.length - 1] : median(vs);
    }
    return { ...f, values };
  });
}

export function failedTargets(figures) {
  return figures.filter(
    (f) => f.target && !(Number.isFinite(f.values.gongjian) && f.target.ok(f.values.gongjian, f.values)),
  );
}
