import { readdirSync, readFileSync } from 'node:fs';
import pino from 'pino';
import * as Y from 'yjs';
import { loadConfig } from '../../server/src/base/config';
import { DocWorkerService, snapshotChecksum } from '../../server/src/modules/sync';
import { fingerprint, prng, randomEdit } from '../support/random-edits';

const logger = pino({ level: 'silent' });

/** A board built by random edits, recorded as the updates it emitted. */
function editedBoard(seed: number, edits: number) {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  const random = prng(seed);
  for (let i = 0; i < edits; i++) randomEdit(doc, random, 'test');
  return { doc, updates };
}

function docOf(...updates: Uint8Array[]): Y.Doc {
  const doc = new Y.Doc();
  for (const update of updates) Y.applyUpdate(doc, update);
  return doc;
}

describe.each([
  { where: 'in the worker thread', minBytes: '0' },
  { where: 'inline (below WORKER_MIN_BYTES)', minBytes: String(64 * 1024 * 1024) },
])('DocWorkerService $where', ({ minBytes }) => {
  let sut: DocWorkerService;
  beforeEach(() => {
    sut = new DocWorkerService(loadConfig({ WORKER_MIN_BYTES: minBytes }), logger);
  });
  afterEach(() => sut.onModuleDestroy());

  it('compacts a snapshot and updates into the state a load would build, with its checksum', async () => {
    const { doc, updates } = editedBoard(1, 300);
    const base = Y.mergeUpdates(updates.slice(0, 100));
    const { state, sha256 } = await sut.compact(base, updates.slice(100));
    expect(fingerprint(docOf(state))).toEqual(fingerprint(doc));
    expect(Y.encodeStateVector(docOf(state))).toEqual(Y.encodeStateVector(doc));
    expect(sha256).toBe(snapshotChecksum(state));
    // Garbage-collected like a document's own encoding: no bigger than encoding the document.
    expect(state.byteLength).toBeLessThanOrEqual(Y.encodeStateAsUpdate(doc).byteLength);
  });

  it('diffs updates against a state vector', async () => {
    const { doc, updates } = editedBoard(2, 200);
    const merged = Y.mergeUpdates(updates);
    const half = docOf(...updates.slice(0, 90));
    const diff = await sut.diff(updates, Y.encodeStateVector(half));
    Y.applyUpdate(half, diff);
    expect(fingerprint(half)).toEqual(fingerprint(doc));
    expect(diff.byteLength).toBeLessThan(merged.byteLength);
  });

  it('rejects a job whose input is malformed, and goes on with the next', async () => {
    await expect(sut.compact(undefined, [new Uint8Array([200, 1, 2, 3, 4, 5, 6, 7])])).rejects.toThrow();
    const { doc, updates } = editedBoard(3, 20);
    expect(fingerprint(docOf((await sut.compact(undefined, updates)).state))).toEqual(fingerprint(doc));
  });

  it.each([11, 12, 13, 14])(
    'slices a board made by concurrent clients into updates that apply in order with nothing pending (seed %i)',
    async (seed) => {
      // Three replicas editing concurrently, merged now and then: interleaved inserts, deletions,
      // nested maps and texts from several clients, and an update the board lacks the base of.
      const random = prng(seed);
      const replicas = [new Y.Doc(), new Y.Doc(), new Y.Doc()];
      for (let round = 0; round < 30; round++) {
        for (const replica of replicas) for (let i = 0; i < 5; i++) randomEdit(replica, random, 'test');
        if (random() < 0.6) {
          const merged = Y.mergeUpdates(replicas.map((replica) => Y.encodeStateAsUpdate(replica)));
          for (const replica of replicas) Y.applyUpdate(replica, merged);
        }
      }
      const updates = replicas.map((replica) => Y.encodeStateAsUpdate(replica));
      const whole = docOf(...updates);
      const slices = await sut.slices(updates, 1 + Math.floor(random() * 40));
      expect(slices.length).toBeGreaterThan(3);
      const doc = new Y.Doc();
      for (const [i, slice] of slices.entries()) {
        Y.applyUpdate(doc, slice);
        // Each slice integrates at once: nothing waits for a later one.
        expect({ i, pending: doc.store.pendingStructs !== null || doc.store.pendingDs !== null }).toEqual({
          i,
          pending: false,
        });
      }
      expect(fingerprint(doc)).toEqual(fingerprint(whole));
      expect(Y.createDeleteSetFromStructStore(doc.store)).toEqual(Y.createDeleteSetFromStructStore(whole.store));
    },
  );

  it('keeps what the stored updates had pending in the last slice', async () => {
    const { doc, updates } = editedBoard(15, 60);
    // Without the first half, the second half waits for its dependencies.
    const slices = await sut.slices(updates.slice(30), 5);
    const loaded = docOf(...slices);
    Y.applyUpdate(loaded, Y.mergeUpdates(updates.slice(0, 30)));
    expect(fingerprint(loaded)).toEqual(fingerprint(doc));
  });

  it('runs jobs given at once in order, each with its own answer', async () => {
    const boards = [4, 5, 6, 7].map((seed) => editedBoard(seed, 50));
    const results = await Promise.all(boards.map((board) => sut.compact(undefined, board.updates)));
    results.forEach(({ state }, i) => expect(fingerprint(docOf(state))).toEqual(fingerprint(boards[i].doc)));
  });
});

describe('DocWorkerService worker thread', () => {
  it('fails the jobs under way when the worker dies, and starts a new one for the next job', async () => {
    const sut = new DocWorkerService(loadConfig({ WORKER_MIN_BYTES: '0' }), logger);
    try {
      const { doc, updates } = editedBoard(8, 400);
      const job = sut.compact(undefined, updates);
      const worker = (sut as unknown as { worker: { terminate(): Promise<number> } }).worker;
      await worker.terminate();
      await expect(job).rejects.toThrow(/exited/);
      expect(fingerprint(docOf((await sut.compact(undefined, updates)).state))).toEqual(fingerprint(doc));
    } finally {
      await sut.onModuleDestroy();
    }
  });

  it("runs below the event loop's priority (Linux: nice 10 on the worker thread only)", async () => {
    const niceOf = (tid: string | number) => {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    };
    const niceOfThreads = () => readdirSync('/proc/self/task').map(niceOf);
    const before = niceOfThreads();
    const mainBefore = niceOf(process.pid);
    const sut = new DocWorkerService(loadConfig({ WORKER_MIN_BYTES: '0' }), logger);
    try {
      await sut.compact(undefined, editedBoard(16, 10).updates);
      const after = niceOfThreads();
      expect(after.filter((nice) => nice === 10).length).toBe(before.filter((nice) => nice === 10).length + 1);
      // The process itself (its main thread, whose id is the pid: the event loop) keeps its priority.
      expect(niceOf(process.pid)).toBe(mainBefore);
    } finally {
      await sut.onModuleDestroy();
    }
  });

  it('keeps the work off the event loop: timers fire on time while a big board is compacted', async () => {
    const sut = new DocWorkerService(loadConfig({ WORKER_MIN_BYTES: '0' }), logger);
    try {
      const { updates } = editedBoard(9, 3000);
      const state = Y.mergeUpdates(updates);
      // Several rounds of the same big job, so that it runs long enough to be measured.
      const jobs = Promise.all([1, 2, 3].map(() => sut.compact(state, updates)));
      let late = 0;
      let last = performance.now();
      const timer = setInterval(() => {
        const now = performance.now();
        late = Math.max(late, now - last - 5);
        last = now;
      }, 5);
      const started = performance.now();
      await jobs;
      clearInterval(timer);
      const took = performance.now() - started;
      const inline = performance.now();
      for (let i = 0; i < 3; i++) {
        const doc = docOf(state, ...updates);
        Y.encodeStateAsUpdate(doc);
        doc.destroy();
      }
      const inlineTook = performance.now() - inline;
      // The same work inline holds the loop for all of it; in the worker no timer waits for it.
      expect(inlineTook).toBeGreaterThan(50);
      expect(late).toBeLessThan(Math.max(40, inlineTook / 3));
      expect(took).toBeGreaterThan(0);
    } finally {
      await sut.onModuleDestroy();
    }
  });
});
