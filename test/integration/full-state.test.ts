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
        new FullState(parts, rebuild, (e) => errors.push(e)),
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

  it('folds its tail into the base in the worker once it grows', async () => {
    const doc = new Y.Doc();
    const board = new LoadedBoard('b', doc, { ms: 1, seq: 0 }, 0, 0, new FullState([], rebuild, () => {}));
    const random = prng(9);
    for (let i = 0; i < 200; i++) randomEdit(doc, random, 'local');
    expect(board.fullState.tailLength).toBeGreaterThanOrEqual(64);
    for (let waited = 0; board.fullState.tailLength >= 64 && waited < 10_000; waited += 5) await settle();
    expect(board.fullState.tailLength).toBeLessThan(64);
    const [base, tail] = board.fullState.parts();
    expect(base.byteLength).toBeGreaterThan(2);
    expect(fingerprint(docOf([base, tail]))).toEqual(fingerprint(doc));
    board.destroy();
  });

  it('starts again from the document when what it holds cannot be merged', async () => {
    const errors: unknown[] = [];
    const doc = new Y.Doc();
    const board = new LoadedBoard('b', doc, { ms: 1, seq: 0 }, 0, 0, new FullState([], rebuild, (e) => errors.push(e)));
    const random = prng(11);
    for (let i = 0; i < 10; i++) randomEdit(doc, random, 'local');
    // An update no decoder accepts (a clock past 2^53), as a document could once emit.
    const bad = Buffer.from('0101ecf290c50dde808080808080010080808080808080ff7f00', 'hex');
    board.fullState.add(bad);
    expect(fingerprint(docOf(board.fullState.parts()))).toEqual(fingerprint(doc));
    expect(errors.length).toBe(1);
    randomEdit(doc, random, 'local');
    expect(fingerprint(docOf(board.fullState.parts()))).toEqual(fingerprint(doc));
    // Merges in the worker that keep failing end the same way: after three in a row.
    for (let round = 0; round < 3; round++) {
      const failed = errors.length;
      for (let i = 0; i < 64; i++) board.fullState.add(bad);
      for (let waited = 0; errors.length === failed && waited < 10_000; waited += 5) await settle();
    }
    expect(board.fullState.tailLength).toBe(0);
    expect(fingerprint(docOf(board.fullState.parts()))).toEqual(fingerprint(doc));
    board.destroy();
  });

  it('keeps everything in its tail when merging fails, and merges on a later update', async () => {
    let fail = true;
    const errors: unknown[] = [];
    const doc = new Y.Doc();
    const merge = (updates: Uint8Array[]) => (fail ? Promise.reject(new Error('worker down')) : rebuild(updates));
    const board = new LoadedBoard('b', doc, { ms: 1, seq: 0 }, 0, 0, new FullState([], merge, (e) => errors.push(e)));
    const random = prng(10);
    for (let i = 0; i < 100; i++) randomEdit(doc, random, 'local');
    await settle();
    expect(errors.length).toBeGreaterThan(0);
    expect(fingerprint(docOf(board.fullState.parts()))).toEqual(fingerprint(doc));
    fail = false;
    for (let i = 0; i < 70; i++) randomEdit(doc, random, 'local');
    await settle();
    expect(fingerprint(docOf(board.fullState.parts()))).toEqual(fingerprint(doc));
    board.destroy();
  });
});
