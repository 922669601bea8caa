// Summarizes a V8 heap snapshot: self size and count by constructor / type, largest first.
// `node test/bench/tools/heapsnapshot-top.mjs FILE [N]` (s6 --heap-snapshot DIR writes one per server).
import { readFileSync } from 'node:fs';

const [file, topArg] = process.argv.slice(2);
const top = Number(topArg ?? 30);
const snap = JSON.parse(readFileSync(file, 'utf8'));
const meta = snap.snapshot.meta;
const fields = meta.node_fields;
const width = fields.length;
const types = meta.node_types[0];
const iType = fields.indexOf('type');
const iName = fields.indexOf('name');
const iSize = fields.indexOf('self_size');
const groups = new Map();
let total = 0;
for (let i = 0; i < snap.nodes.length; i += width) {
  const type = types[snap.nodes[i + iType]];
  const name = type === 'object' || type === 'closure' ? snap.strings[snap.nodes[i + iName]] : `(${type})`;
  const size = snap.nodes[i + iSize];
  total += size;
  const g = groups.get(name) ?? { size: 0, count: 0 };
  g.size += size;
  g.count += 1;
  groups.set(name, g);
}
console.log(`${file}: ${(total / 1024 / 1024).toFixed(1)} MB in ${snap.nodes.length / width} nodes`);
for (const [name, g] of [...groups].sort((a, b) => b[1].size - a[1].size).slice(0, top)) {
  console.log(
    `${(g.size / 1024 / 1024).toFixed(2).padStart(8)} MB ${String(g.count).padStart(8)}  ${name.slice(0, 100)}`,
  );
}
