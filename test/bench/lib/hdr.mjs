// Latency histograms (HdrHistogram, `hdr-histogram-js`), microsecond resolution, 3 significant
// digits, up to one hour. `record(ms, expectedIntervalMs)` corrects for coordinated omission
// (recordValueWithExpectedInterval: a sample longer than the interval at which the load
// generator meant to send adds the samples the stalled sender would have produced).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const hdr = require('hdr-histogram-js');

export class Latency {
  constructor() {
    this.h = hdr.build({
      bitBucketSize: 64,
      autoResize: true,
      lowestDiscernibleValue: 1,
      highestTrackableValue: 3_600_000_000,
      numberOfSignificantValueDigits: 3,
      useWebAssembly: false,
    });
    /** Samples actually observed (without the coordinated-omission fill-in). */
    this.observed = 0;
  }

  /** A latency in ms; with `expectedIntervalMs`, corrected for coordinated omission. */
  record(ms, expectedIntervalMs) {
    const us = Math.max(1, Math.round(ms * 1000));
    this.observed += 1;
    if (expectedIntervalMs) this.h.recordValueWithExpectedInterval(us, Math.round(expectedIntervalMs * 1000));
    else this.h.recordValue(us);
  }

  add(other) {
    this.h.add(other.h);
    this.observed += other.observed;
  }

  get count() {
    return this.h.totalCount;
  }

  /** Percentile in ms (NaN when empty). */
  percentile(p) {
    return this.h.totalCount === 0 ? NaN : this.h.getValueAtPercentile(p) / 1000;
  }

  summary() {
    const empty = this.h.totalCount === 0;
    const at = (p) => (empty ? NaN : this.h.getValueAtPercentile(p) / 1000);
    return {
      count: this.h.totalCount,
      observed: this.observed,
      p50: at(50),
      p95: at(95),
      p99: at(99),
      p999: at(99.9),
      max: empty ? NaN : this.h.maxValue / 1000,
    };
  }
}
