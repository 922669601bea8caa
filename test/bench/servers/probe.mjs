// Preloaded (`node --expose-gc --import probe.mjs`) into every server a benchmark starts, ours and
// the reference servers alike, so heap and event-loop delay are measured the same way for all:
// GET http://127.0.0.1:$BENCH_PROBE_PORT/[?gc][&reset] answers process.memoryUsage() and the
// event-loop delay since the last reset (monitorEventLoopDelay with a 10 ms timer; the delay beyond it, ms).
// `gc` runs two full collections first (needs --expose-gc); `reset` starts a new delay window.
// The probe's own cost: one idle HTTP server, answering about once a second.
import http from 'node:http';
import v8 from 'node:v8';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const port = Number(process.env.BENCH_PROBE_PORT);
if (port) {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://probe');
    if (url.searchParams.has('gc') && typeof global.gc === 'function') {
      global.gc();
      global.gc();
    }
    // `snapshot=DIR`: a heap snapshot (v8.writeHeapSnapshot) into DIR, for test/bench/tools/heapsnapshot-top.mjs.
    const snapshotDir = url.searchParams.get('snapshot');
    const snapshot = snapshotDir
      ? v8.writeHeapSnapshot(`${snapshotDir}/heap-${process.pid}-${Date.now()}.heapsnapshot`)
      : undefined;
    const m = process.memoryUsage();
    const body = {
      heapUsed: m.heapUsed,
      heapTotal: m.heapTotal,
      rss: m.rss,
      external: m.external,
      arrayBuffers: m.arrayBuffers,
      // The histogram holds whole timer intervals: the delay is what exceeds the 10 ms resolution.
      eldP50: Math.max(0, delay.percentile(50) / 1e6 - 10),
      eldP99: Math.max(0, delay.percentile(99) / 1e6 - 10),
      eldMax: Math.max(0, delay.max / 1e6 - 10),
      eldCount: delay.count,
      snapshot,
    };
    if (url.searchParams.has('reset')) delay.reset();
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(body));
  });
  server.listen(port, '127.0.0.1');
  server.unref();
}
