// The open-loop edit load every latency scenario uses, on any system (systems.mjs).
//
// Clients: each spec is {board, instance, writer, reader, cursor}. A writer first creates a project
// of its own on its board (schema-valid, as sync-smoke does), then, on a fixed schedule (`rate`
// edits/s, random phase; whatever the replies do), sets `funding["e<k>"]` of that project to the
// time it meant to make edit k (µs since the run's base): the stamp travels in the document. A
// reader (a probe: it applies every update) records, for each edit of every other writer on its
// board, now − stamp, corrected for coordinated omission (hdr.mjs), split into cross-instance and
// same-instance; and now − the actual send time ("raw"). Clients that are not readers only count
// the updates delivered to them: offered deliveries (edits × other clients on the board) against
// achieved, in the measured window and after a drain. Cursor clients also send an awareness
// update (a cursor position) at `cursorHz`.
//
// At the end: every reader must hold every edit of every writer of its board with its stamp and
// nothing else (lost / duplicate edits), every client must have been delivered each update once
// (count), and fresh verifier clients joining each instance must see the same.
import { randomBytes } from 'node:crypto';
import { Y } from './cjs.mjs';
import { now } from './bench-clients.mjs';
import { Latency } from './hdr.mjs';
import { sleep } from './infra.mjs';
import { REMOTE } from './raw-clients.mjs';
import { ResourceWindow } from './resources.mjs';

const LEAD_ORG = 'liangxi-union';

/** Connects `clients` at most `concurrency` at a time. */
export async function connectAll(clients, concurrency = 50, timeoutMs = 60_000) {
  let next = 0;
  const worker = async () => {
    while (next < clients.length) {
      const c = clients[next++];
      await c.connect(timeoutMs);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, clients.length) }, worker));
}

/**
 * @param {object} system from systems.mjs
 * @param {{board: string, instance: number, writer?: boolean, reader?: boolean, cursor?: boolean}[]} specs
 * @param {{rate: number, warmup: number, duration: number, cursorHz?: number, log: Function, tag?: string,
 *   drainMs?: number, verifyBoards?: string[], connectConcurrency?: number,
 *   onStart?: Function, beforeClose?: Function}} o
 * `onStart({start, measureFrom, end})` may start background work and return {stop(), result()};
 * `beforeClose(clients)` runs after the checks, with every client still connected.
 */
export async function runEditLoad(system, specs, o) {
  const log = o.log;
  const tag = o.tag ?? system.kind;
  const runId = randomBytes(3).toString('hex');
  const ack = new Latency();
  const clients = specs.map((spec, i) => {
    const client = system.client({
      board: spec.board,
      instance: spec.instance,
      name: `c${i}`,
      apply: Boolean(spec.reader),
      onAck: (sentAt, ackedAt) => ack.record(ackedAt - sentAt),
    });
    return {
      ...spec,
      index: i,
      client,
      projectId: `b${runId}-${i}`,
      stamps: [],
      sendTimes: [],
      lastK: -1,
      measuredFrom: Infinity,
      timer: undefined,
      done: !spec.writer,
    };
  });
  const boards = new Map();
  for (const c of clients) {
    if (!boards.has(c.board)) boards.set(c.board, []);
    boards.get(c.board).push(c);
  }
  const errors = [];
  const firstError = () => clients.find((c) => c.client.errors.length > 0)?.client.errors.join('; ');
  try {
    const t0 = now();
    await connectAll(
      clients.map((c) => c.client),
      o.connectConcurrency ?? 50,
    );
    log(`${tag}: ${clients.length} clients connected in ${((now() - t0) / 1000).toFixed(1)} s`);
    for (const c of clients) if (c.writer) c.client.edit(() => createBenchProject(c.client.doc, c.projectId, c.index));
    await waitFor('every reader to see every writer’s project', 60_000, () => {
      const e = firstError();
      if (e) throw new Error(e);
      return clients.every(
        (c) =>
          c.client.unacked === 0 &&
          (!c.reader || boards.get(c.board).every((w) => !w.writer || fundingOf(c.client.doc, w.projectId))),
      );
    });
    const writersByProject = new Map(clients.filter((c) => c.writer).map((c) => [c.projectId, c]));
    const all = new Latency();
    const cross = new Latency();
    const same = new Latency();
    const raw = new Latency();
    let dupSeen = 0;
    // Edits seen by the probes (each once), overall and within the measured window.
    let probeSeen = 0;
    let probeSeenWindow = 0;
    let probeOfferedWindow = 0;
    const interval = 1000 / o.rate;
    const start = now() + 500;
    const base = Math.floor(start) - 1000;
    for (const reader of clients.filter((c) => c.reader)) {
      reader.seen = new Map();
      reader.client.doc.getMap('projects').observeDeep((events, transaction) => {
        if (transaction.origin !== REMOTE) return;
        const at = now();
        for (const event of events) {
          if (event.path.length !== 2 || event.path[1] !== 'funding') continue;
          const writer = writersByProject.get(event.path[0]);
          if (!writer || writer === reader) continue;
          for (const key of event.keysChanged) {
            if (key[0] !== 'e') continue;
            const k = Number(key.slice(1));
            let seen = reader.seen.get(writer);
            if (!seen) reader.seen.set(writer, (seen = new Set()));
            if (seen.has(k)) dupSeen += 1;
            else {
              probeSeen += 1;
              if (windowOpen) probeSeenWindow += 1;
            }
            seen.add(k);
            if (k < writer.measuredFrom) continue;
            const stamp = event.target.get(key);
            const latency = at - (base + stamp / 1000);
            all.record(latency, interval);
            (writer.instance === reader.instance ? same : cross).record(latency, interval);
            raw.record(at - writer.sendTimes[k]);
          }
        }
      });
    }
    const updatesBefore = clients.map((c) => c.client.updatesIn);
    const measureFrom = start + o.warmup * 1000;
    const end = measureFrom + o.duration * 1000;
    const lateness = new Latency();
    let sent = 0;
    let sentMeasured = 0;
    // Deliveries offered in the measured window: edits sent in it × the other clients of the board.
    let windowOpen = false;
    let offeredWindow = 0;
    const schedule = (c, k, phase) => {
      const due = start + phase + k * interval;
      if (due >= end) {
        c.done = true;
        return;
      }
      c.timer = setTimeout(
        () => {
          const t = now();
          const measured = due >= measureFrom;
          if (measured && c.measuredFrom === Infinity) c.measuredFrom = k;
          c.sendTimes[k] = t;
          c.stamps[k] = Math.round((due - base) * 1000);
          c.lastK = k;
          c.client.edit(() => fundingOf(c.client.doc, c.projectId).set(`e${k}`, c.stamps[k]), measured ? t : undefined);
          sent += 1;
          if (windowOpen) {
            offeredWindow += boardSize(c) - 1;
            probeOfferedWindow += probesOf(c);
          }
          if (measured) {
            sentMeasured += 1;
            lateness.record(t - due);
          }
          schedule(c, k + 1, phase);
        },
        Math.max(0, due - now()),
      );
    };
    for (const c of clients) if (c.writer) schedule(c, 0, Math.random() * interval);
    const background = o.onStart ? await o.onStart({ start, measureFrom, end }) : undefined;
    const cursorTimers = [];
    if (o.cursorHz) {
      const cursorInterval = 1000 / o.cursorHz;
      for (const c of clients.filter((x) => x.cursor)) {
        const phase = Math.random() * cursorInterval;
        let j = 0;
        const tick = () => {
          const due = start + phase + j * cursorInterval;
          if (due >= end) return;
          c.cursorTimer = setTimeout(
            () => {
              c.client.moveCursor(Math.round(Math.random() * 2000), Math.round(Math.random() * 1000));
              j += 1;
              tick();
            },
            Math.max(0, due - now()),
          );
        };
        tick();
        cursorTimers.push(c);
      }
    }
    // Deliveries: each edit goes to every other client of its board.
    const boardSize = (c) => boards.get(c.board).length;
    /** Probes (readers) on the writer's board, other than itself. */
    const probesOf = (c) => boards.get(c.board).filter((x) => x.reader && x !== c).length;
    const probeOffered = () => clients.reduce((n, c) => n + (c.writer ? (c.lastK + 1) * probesOf(c) : 0), 0);
    const offeredFor = (countOf) => clients.reduce((n, c) => n + (c.writer ? countOf(c) * (boardSize(c) - 1) : 0), 0);
    // The reference servers echo each update to its sender too: those are not deliveries.
    const echoes = (c) => (system.echo && c.writer ? c.lastK + 1 : 0);
    const received = () => clients.reduce((n, c, i) => n + c.client.updatesIn - updatesBefore[i] - echoes(c), 0);
    let windowAtStart;
    const resources = new ResourceWindow(system.servers);
    const windowTimer = setTimeout(
      () => {
        windowAtStart = received();
        windowOpen = true;
        void resources.start();
      },
      Math.max(0, measureFrom - now()),
    );
    const progress = setInterval(() => {
      const t = now();
      if (t < measureFrom) return log(`${tag}: warming up (${sent} edits sent)`);
      const offered = offeredFor((c) => c.lastK + 1);
      log(
        `${tag}: ${((t - measureFrom) / 1000).toFixed(0).padStart(3)} s  edits ${String(sent).padStart(6)}  ` +
          `deliveries ${received()} / ${offered} offered  probe p99 ${all.percentile(99).toFixed(2)} ms`,
      );
    }, 5_000);
    let windowStats;
    let resourceStats;
    try {
      while (clients.some((c) => !c.done) || now() < end) {
        const e = firstError();
        if (e) throw new Error(e);
        await sleep(50);
      }
      windowOpen = false;
      const windowReceived = received() - (windowAtStart ?? 0);
      resourceStats = await resources.stop();
      if (background?.stop) await background.stop();
      windowStats = { received: windowReceived };
      const drainUntil = now() + (o.drainMs ?? 10_000);
      const offeredTotal = () => offeredFor((c) => c.lastK + 1);
      // Until every probe has every edit and every edit is acked, then up to 2 s more for the
      // load clients' message counts (the references may merge several edits into one message).
      let probesDoneAt = Infinity;
      while (
        now() < Math.min(drainUntil, probesDoneAt + 2000) &&
        (received() < offeredTotal() || clients.some((c) => c.client.unacked > 0))
      ) {
        if (probesDoneAt === Infinity && probeSeen >= probeOffered() && !clients.some((c) => c.client.unacked > 0))
          probesDoneAt = now();
        await sleep(50);
      }
    } finally {
      clearInterval(progress);
      clearTimeout(windowTimer);
      for (const c of cursorTimers) clearTimeout(c.cursorTimer);
    }
    const offeredTotal = offeredFor((c) => c.lastK + 1);
    const receivedTotal = received();
    // Per client: each update once.
    let dupDeliveries = 0;
    for (const [i, c] of clients.entries()) {
      const expected = boards.get(c.board).reduce((n, w) => n + (w.writer && w !== c ? w.lastK + 1 : 0), 0);
      dupDeliveries += Math.max(0, c.client.updatesIn - updatesBefore[i] - echoes(c) - expected);
    }
    // Convergence: every reader holds every edit of every other writer, with its stamp, and no other.
    let lost = 0;
    let extra = 0;
    for (const reader of clients.filter((c) => c.reader)) {
      for (const w of boards.get(reader.board)) {
        if (!w.writer || w === reader) continue;
        const check = checkEdits(reader.client.doc, w);
        lost += check.lost;
        extra += check.extra;
      }
    }
    // Fresh verifiers on every instance for the boards asked for.
    let verified = 0;
    for (const board of o.verifyBoards ?? []) {
      for (let instance = 0; instance < system.servers.length; instance++) {
        const v = system.client({ board, instance, name: `verifier ${instance + 1}`, apply: true });
        try {
          await v.connect(60_000);
          for (const w of boards.get(board) ?? []) {
            if (!w.writer) continue;
            const check = checkEdits(v.doc, w);
            lost += check.lost;
            extra += check.extra;
          }
          verified += 1;
        } finally {
          v.close();
        }
      }
    }
    const extra2 = o.beforeClose ? await o.beforeClose(clients) : undefined;
    for (const c of clients) errors.push(...c.client.errors);
    // Our servers' error lines fail the run; the references' are reported only.
    const serverLog = system.problems();
    if (system.kind === 'gongjian') errors.push(...serverLog);
    return {
      system: system.kind,
      label: system.label,
      clients: clients.length,
      writers: clients.filter((c) => c.writer).length,
      readers: clients.filter((c) => c.reader).length,
      boards: boards.size,
      sent,
      sentMeasured,
      probe: all.summary(),
      cross: cross.summary(),
      same: same.summary(),
      raw: raw.summary(),
      ack: ack.summary(),
      timerLateness: lateness.summary(),
      offeredWindow,
      receivedWindow: windowStats.received,
      // Message counts at every client (the references echo to the sender, subtracted, and may merge).
      messageRatioWindow: offeredWindow ? windowStats.received / offeredWindow : NaN,
      // Edits the probes saw within the window ÷ edits sent in it × probes: the server kept up.
      achievedRatio: probeOfferedWindow ? probeSeenWindow / probeOfferedWindow : NaN,
      probeOfferedWindow,
      probeSeenWindow,
      probeDelivered: probeOffered() ? probeSeen / probeOffered() : NaN,
      offeredTotal,
      receivedTotal,
      messageRatio: offeredTotal ? receivedTotal / offeredTotal : NaN,
      lost,
      // Edit-level: a key seen twice by a probe, or a key in a replica that was never sent.
      duplicates: extra + dupSeen,
      // Message-level: update messages a client got beyond one per edit of the others.
      extraMessages: dupDeliveries,
      verified,
      resources: resourceStats,
      background: background?.result?.(),
      extra: extra2,
      serverLog,
      errors: errors.slice(0, 20),
    };
  } finally {
    for (const c of clients) {
      clearTimeout(c.timer);
      clearTimeout(c.cursorTimer);
    }
    for (const c of clients) c.client.close();
  }
}

/** Edits of writer `w` missing from `doc` (or with another stamp), and keys it never sent. */
function checkEdits(doc, w) {
  const funding = fundingOf(doc, w.projectId);
  if (!funding) return { lost: w.lastK + 1, extra: 0 };
  let lost = 0;
  for (let k = 0; k <= w.lastK; k++) if (funding.get(`e${k}`) !== w.stamps[k]) lost += 1;
  let keys = 0;
  for (const key of funding.keys()) if (key[0] === 'e') keys += 1;
  return { lost, extra: Math.max(0, keys - (w.lastK + 1 - lost)) };
}

/** A schema-valid project (shared/src/board/board-schema.ts) with an empty funding record. */
export function createBenchProject(doc, projectId, index) {
  const project = new Y.Map();
  project.set('id', projectId);
  project.set('category', 'training');
  project.set('stage', 'planning');
  project.set('rank', `zz${index.toString(36)}`);
  project.set('leadOrgId', LEAD_ORG);
  project.set('createdBy', 'bench');
  project.set('createdAt', new Date().toISOString());
  project.set('title', new Y.Text(`benchmark client ${index}`));
  project.set('funding', new Y.Map());
  doc.getMap('projects').set(projectId, project);
}

export function fundingOf(doc, projectId) {
  const project = doc.getMap('projects').get(projectId);
  const funding = project instanceof Y.Map ? project.get('funding') : undefined;
  return funding instanceof Y.Map ? funding : null;
}

export async function waitFor(what, timeoutMs, check) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}
