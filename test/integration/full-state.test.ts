import { decodeSyncMessage } from '@gongjian/shared';
import pino from 'pino';
import * as Y from 'yjs';
import { loadConfig } from '../../server/src/base/config';
import { DocWorkerService, LoadedBoard } from '../../server/src/modules/sync';
import { FullState } from '../../server/src/modules/sync/full-state';
import { fingerprint, prng, randomEdit } from '../support/random-edits';

const logger = pino({ level: 'silent' });

function docOf(updates: (Uint8Array | null)[]): Y.Doc {
  const doc = new Y.Doc();
  for (const update of updates) if (update) Y.applyUpdate(doc, update);
  return doc;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('FullState: the whole state kept encoded for joiners', () => {
  let worker: DocWorkerService;
  /** What the board store folds FullState with: a document rebuilt in the worker. */
  const rebuild = async (updates: Uint8Array[]) => (await worker.compact(undefined, updates)).state;
  /** Thresholds small enough for a few hundred random edits to chunk and fold. */
  const small = { chunkUpdates: 8, foldMinBytes: 2048, foldMaxBytes: 4096, foldMaxChunks: 8 };

  beforeAll(() => {
    worker = new DocWorkerService(loadConfig({ WORKER_MIN_BYTES: '0' }), logger);
  });
  afterAll(() => worker.onModuleDestroy());

  it.each([1, 2, 3, 4, 5])(
    'always holds what the document holds, through merges in the worker (seed %i)',
    async (seed) => {
      const random = prng(seed);
      // Stored state: a snapshot and log entries, as a load reads them.
      const source = new Y.Doc();
      const stored: Uint8Array[] = [];
      source.on('update', (update: Uint8Array) => stored.push(update));
      for (let i = 0; i < 40; i++) randomEdit(source, random, 'test');
      const snapshot = Y.mergeUpdates(stored.splice(0, 30));
      const parts = [snapshot, ...stored];
      const doc = docOf(parts);
      const errors: unknown[] = [];
      const board = new LoadedBoard(
        'b',
        doc,
        { ms: 1, seq: 0 },
        0,
        0,
        new FullState(parts, rebuild, (e) => errors.push(e), small),
      );
      expect(fingerprint(docOf(board.fullState.parts()))).toEqual(fingerprint(doc));
      // Edits from every side, checked now and then, while merges run (and finish) in between.
      for (let round = 0; round < 12; round++) {
        const edits = Math.floor(random() * 60);
        for (let i = 0; i < edits; i++) {
          if (random() < 0.5) randomEdit(doc, random, 'local');
          else {
            const other = docOf([Y.encodeStateAsUpdate(doc)]);
            const before = Y.encodeStateVector(other);
            randomEdit(other, random, 'remote');
            Y.applyUpdate(doc, Y.encodeStateAsUpdate(other, before), 'log');
          }
        }
        expect(fingerprint(docOf(board.fullState.parts()))).toEqual(fingerprint(doc));
        if (random() < 0.5) await settle();
      }
      await settle();
      expect(fingerprint(docOf(board.fullState.parts()))).toEqual(fingerprint(doc));
      // Merged: the tail was folded into the base at least once.
      expect(errors).toEqual([]);
      board.destroy();
    },
  );

  it('merges its tail into chunks and folds it into the base in the worker once it grows', async () => {
    const doc = new Y.Doc();
    // Folds counted where they land (the worker's answer), not inferred from the tail's length:
    // when a fold lands depends on the worker's speed, and so does what the tail holds then.
    let folds = 0;
    const counted = async (updates: Uint8Array[]) => {
      const state = await rebuild(updates);
      folds += 1;
      return state;
    };
    const fullState = new FullState([], counted, () => {}, small);
    const board = new LoadedBoard('b', doc, { ms: 1, seq: 0 }, 0, 0, fullState);
    const random = prng(9);
    const edits = 400;
    for (let i = 0; i < edits; i++) {
      randomEdit(doc, random, 'local');
      if (i % 50 === 0) await settle();
      expect(fingerprint(docOf(fullState.parts()))).toEqual(fingerprint(doc));
    }
    for (let waited = 0; folds === 0 && waited < 10_000; waited += 5) await settle();
    expect(folds).toBeGreaterThan(0);
    await settle();
    // Folded: the base holds what the folds brought, the tail only what came after the last one.
    expect(fullState.tailLength).toBeLessThan(edits);
    const [base, tail] = fullState.parts();
    expect(base.byteLength).toBeGreaterThan(2);
    expect(fingerprint(docOf([base, tail]))).toEqual(fingerprint(doc));
    board.destroy();
  });

  it('keeps nothing for a small board: encodes the document when asked, once per change', () => {
    const doc = new Y.Doc();
    let encodings = 0;
    const fullState = new FullState([Y.encodeStateAsUpdate(doc)], rebuild, () => {}, { directBelowBytes: 16 * 1024 });
    const board = new LoadedBoard('b', doc, { ms: 1, seq: 0 }, 0, 0, fullState);
    const encode = fullState.encodeDocument!;
    fullState.encodeDocument = () => {
      encodings += 1;
      return encode();
    };
    const random = prng(12);
    for (let i = 0; i < 5; i++) randomEdit(doc, random, 'local');
    expect(fullState.kept).toBe(false);
    expect(encodings).toBe(0);
    const [first, none] = fullState.parts();
    expect(none).toBeNull();
    expect(fullState.parts()[0]).toBe(first);
    expect(encodings).toBe(1);
    expect(fingerprint(docOf([first]))).toEqual(fingerprint(doc));
    randomEdit(doc, random, 'local');
    expect(fingerprint(docOf(fullState.parts()))).toEqual(fingerprint(doc));
    expect(encodings).toBe(2);
    // Grown past the threshold, it keeps its state from then on (no more encodings per join).
    const projects = doc.getMap('grow');
    for (let i = 0; i < 40; i++) projects.set(`k${i}`, 'x'.repeat(1024));
    expect(fingerprint(docOf(fullState.parts()))).toEqual(fingerprint(doc));
    expect(fullState.kept).toBe(true);
    const encoded = encodings;
    for (let i = 0; i < 20; i++) randomEdit(doc, random, 'local');
    expect(fingerprint(docOf(fullState.parts()))).toEqual(fingerprint(doc));
    expect(encodings).toBe(encoded);
    board.destroy();
  });

  it('goes back to encoding when asked once a fold shrinks a kept state by half', async () => {
    const doc = new Y.Doc();
    const projects = doc.getMap('grow');
    for (let i = 0; i < 40; i++) projects.set(`k${i}`, 'x'.repeat(1024));
    const fullState = new FullState([Y.encodeStateAsUpdate(doc)], rebuild, () => {}, {
      ...small,
      directBelowBytes: 16 * 1024,
    });
    const board = new LoadedBoard('b', doc, { ms: 1, seq: 0 }, 0, 0, fullState);
    expect(fullState.kept).toBe(true);
    // Deleting the big values: the rebuilt document drops them.
    for (let i = 0; i < 40; i++) projects.delete(`k${i}`);
    for (let i = 0; i < 40; i++) projects.set(`s${i}`, i);
    for (let waited = 0; fullState.kept && waited < 10_000; waited += 5) await settle();
    expect(fullState.kept).toBe(false);
    expect(fingerprint(docOf(fullState.parts()))).toEqual(fingerprint(doc));
    projects.set('after', 1);
    expect(fingerprint(docOf(fullState.parts()))).toEqual(fingerprint(doc));
    board.destroy();
  });

  /** The updates in what a joiner is sent, in order, and which of them came as step 2. */
  const joined = (messages: Uint8Array[]) =>
    messages.map((message) => {
      const decoded = decodeSyncMessage(message);
      if (decoded.kind !== 'update') throw new Error(`unexpected ${decoded.kind}`);
      return decoded;
    });

  it('frames what a joiner gets once per state: every joiner gets the same buffers until something changes', async () => {
    const doc = new Y.Doc();
    const fullState = new FullState([Y.encodeStateAsUpdate(doc)], rebuild, () => {}, {
      ...small,
      directBelowBytes: 16 * 1024,
    });
    const board = new LoadedBoard('b', doc, { ms: 1, seq: 0 }, 0, 0, fullState);
    const random = prng(13);
    for (let i = 0; i < 5; i++) randomEdit(doc, random, 'local');
    // Small: one step 2, the document encoded once.
    const first = fullState.joinMessages();
    expect(first).toHaveLength(1);
    expect(fullState.joinMessages()[0]).toBe(first[0]);
    expect(joined(first).map((m) => m.step)).toEqual(['step2']);
    expect(fingerprint(docOf(joined(first).map((m) => m.update)))).toEqual(fingerprint(doc));
    randomEdit(doc, random, 'local');
    expect(fullState.joinMessages()[0]).not.toBe(first[0]);
    // Big: the base framed once, shared by every joiner, with the tail (if any) as an update first.
    const grow = doc.getMap('grow');
    for (let i = 0; i < 40; i++) grow.set(`k${i}`, 'x'.repeat(1024));
    const big = fullState.joinMessages();
    expect(fullState.kept).toBe(true);
    expect(fullState.joinMessages()[0]).toBe(big[0]);
    randomEdit(doc, random, 'local');
    const withTail = fullState.joinMessages();
    expect(joined(withTail).map((m) => m.step)).toEqual(['update', 'step2']);
    expect(withTail[1]).toBe(big[0]);
    expect(fingerprint(docOf(joined(withTail).map((m) => m.update)))).toEqual(fingerprint(doc));
    expect(fingerprint(docOf(fullState.parts()))).toEqual(fingerprint(doc));
    board.destroy();
  });

  it('starts again from the document when what it holds cannot be merged', async () => {
    const errors: unknown[] = [];
    const doc = new Y.Doc();
    const board = new LoadedBoard(
      'b',
      doc,
      { ms: 1, seq: 0 },
      0,
      0,
      new FullState([], rebuild, (e) => errors.push(e), small),
    );
    const random = prng(11);
    for (let i = 0; i < 10; i++) randomEdit(doc, random, 'local');
    // An update no decoder accepts (a clock past 2^53), as a document could once emit.
    const bad = Buffer.from('0101ecf290c50dde808080808080010080808080808080ff7f00', 'hex');
    board.fullState.add(bad);
    expect(fingerprint(docOf(board.fullState.parts()))).toEqual(fingerprint(doc));
    expect(errors.length).toBe(1);
    randomEdit(doc, random, 'local');
    expect(fingerprint(docOf(board.fullState.parts()))).toEqual(fingerprint(doc));
    // Chunks that cannot be merged end the same way.
    for (let round = 0; round < 3; round++) {
      const failed = errors.length;
      for (let i = 0; errors.length === failed && i < 100; i++) board.fullState.add(bad);
      expect(errors.length).toBe(failed + 1);
      expect(fingerprint(docOf(board.fullState.parts()))).toEqual(fingerprint(doc));
    }
    expect(errors.length).toBeGreaterThanOrEqual(4);
    expect(fingerprint(docOf(board.fullState.parts()))).toEqual(fingerprint(doc));
    expect(board.fullState.tailLength).toBe(0);
    board.destroy();
  });

  it('keeps everything in its tail when merging fails, and merges on a later update', async () => {
    let fail = true;
    const errors: unknown[] = [];
    const doc = new Y.Doc();
    const merge = (updates: Uint8Array[]) => (fail ? Promise.reject(new Error('worker down')) : rebuild(updates));
    const board = new LoadedBoard(
      'b',
      doc,
      { ms: 1, seq: 0 },
      0,
      0,
      new FullState([], merge, (e) => errors.push(e), small),
    );
    const random = prng(10);
    for (let i = 0; i < 300; i++) randomEdit(doc, random, 'local');
    await settle();
    expect(errors.length).toBeGreaterThan(0);
    expect(fingerprint(docOf(board.fullState.parts()))).toEqual(fingerprint(doc));
    fail = false;
    const tail = board.fullState.tailLength;
    for (let i = 0; i < 300; i++) randomEdit(doc, random, 'local');
    await settle();
    expect(fingerprint(docOf(board.fullState.parts()))).toEqual(fingerprint(doc));
    for (let waited = 0; board.fullState.tailLength >= tail && waited < 10_000; waited += 5) await settle();
    expect(board.fullState.tailLength).toBeLessThan(tail);
    board.destroy();
  });
});
