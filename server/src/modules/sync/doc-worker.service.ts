import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { Worker } from 'node:worker_threads';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { APP_CONFIG, AppConfig } from '../../base/config';
import { ROOT_LOGGER } from '../../base/logging';
import { snapshotChecksum } from './snapshot-checksum';

/** A merged board state and its SHA-256 (hex). */
export interface MergedState {
  state: Uint8Array;
  sha256: string;
}

/** What the worker is asked to do; see `docJobs`. */
type Job =
  | { kind: 'compact'; base: Uint8Array | undefined; updates: Uint8Array[] }
  | { kind: 'diff'; updates: Uint8Array[]; stateVector: Uint8Array }
  | { kind: 'slices'; updates: Uint8Array[]; structsPerSlice: number };

type JobResult = MergedState | Uint8Array | Uint8Array[];

interface Pending {
  resolve: (result: JobResult) => void;
  reject: (err: Error) => void;
}

/**
 * The whole-document jobs, written once for both places they run: in the worker thread, and
 * inline for inputs below WORKER_MIN_BYTES (where a round trip to the worker costs more than the
 * job). Self-contained on purpose: the worker runs this function's source text.
 *
 * - compact: the snapshot and log entries applied to a fresh document and encoded again (what a
 *   load would build, garbage-collected), with its checksum;
 * - diff: what the merged updates hold beyond a state vector;
 * - slices: the document as updates to apply in order, a few hundred structs each (`slice`).
 */
function docJobs(
  y: typeof Y,
  sha256: (state: Uint8Array) => string,
  writeVarUint: (encoder: unknown, n: number) => void,
) {
  /**
   * The document as updates that, applied in order, never leave a struct waiting for another:
   * each struct comes after what it was inserted next to (origin, right origin) and its parent.
   * Each holds about `perSlice` structs and no deletions; the last holds the delete set (and
   * anything the document itself still had pending).
   */
  const slice = (doc: Y.Doc, perSlice: number): Uint8Array[] => {
    const clients = doc.store.clients;
    const next = new Map<number, number>();
    let remaining = 0;
    for (const [client, structs] of clients) {
      next.set(client, 0);
      remaining += structs.length;
    }
    const nextClock = (client: number): number => {
      const structs = clients.get(client);
      if (!structs) return 0;
      const index = next.get(client) ?? 0;
      if (index < structs.length) return structs[index].id.clock;
      const last = structs[structs.length - 1];
      return last.id.clock + last.length;
    };
    const covered = (id: Y.ID | null): boolean => id === null || id.clock < nextClock(id.client);
    const ready = (struct: Y.AbstractStruct): boolean => {
      if (!(struct instanceof y.Item)) return true;
      const parentItem = (struct.parent as { _item?: Y.Item | null } | null)?._item;
      return covered(struct.origin) && covered(struct.rightOrigin) && (!parentItem || covered(parentItem.id));
    };
    const slices: Uint8Array[] = [];
    let start = new Map(next);
    let count = 0;
    const flush = () => {
      const parts: [number, number, number][] = [];
      for (const [client, from] of start) {
        const to = next.get(client) ?? from;
        if (to > from) parts.push([client, from, to]);
      }
      start = new Map(next);
      count = 0;
      if (parts.length === 0) return;
      const encoder = new y.UpdateEncoderV1();
      writeVarUint(encoder.restEncoder, parts.length);
      for (const [client, from, to] of parts) {
        // Item and GC write themselves with (encoder, offset).
        const structs = clients.get(client) as unknown as { id: Y.ID; write(encoder: unknown, offset: number): void }[];
        writeVarUint(encoder.restEncoder, to - from);
        encoder.writeClient(client);
        writeVarUint(encoder.restEncoder, structs[from].id.clock);
        for (let i = from; i < to; i++) structs[i].write(encoder, 0);
      }
      writeVarUint(encoder.restEncoder, 0); // no deletions
      slices.push(encoder.toUint8Array());
    };
    while (remaining > 0) {
      let progressed = false;
      for (const [client, structs] of clients) {
        let index = next.get(client) ?? 0;
        while (index < structs.length && ready(structs[index])) {
          next.set(client, ++index);
          remaining--;
          progressed = true;
          if (++count >= perSlice) flush();
        }
      }
      if (!progressed) break; // cannot happen in a consistent document; the last slice takes the rest
    }
    flush();
    const reached = new Map<number, number>();
    for (const client of clients.keys()) reached.set(client, nextClock(client));
    slices.push(y.encodeStateAsUpdate(doc, y.encodeStateVector(reached)));
    return slices;
  };
  return (job: Job): JobResult => {
    switch (job.kind) {
      case 'compact': {
        const doc = new y.Doc();
        try {
          doc.transact(() => {
            if (job.base) y.applyUpdate(doc, job.base);
            for (const update of job.updates) y.applyUpdate(doc, update);
          });
          const state = y.encodeStateAsUpdate(doc);
          return { state, sha256: sha256(state) };
        } finally {
          doc.destroy();
        }
      }
      case 'diff': {
        const merged = job.updates.length === 1 ? job.updates[0] : y.mergeUpdates(job.updates);
        return y.diffUpdate(merged, job.stateVector);
      }
      case 'slices': {
        const doc = new y.Doc();
        try {
          doc.transact(() => {
            for (const update of job.updates) y.applyUpdate(doc, update);
          });
          return slice(doc, job.structsPerSlice);
        } finally {
          doc.destroy();
        }
      }
    }
  };
}

/** Nice value of the worker thread (19 lowest priority); the event loop keeps the process' own. */
const WORKER_NICE = 10;

/** The worker's script: `docJobs` over messages `{ id, job }`, answering `{ id, result }` or `{ id, error }`. */
function workerSource(): string {
  return `
const { parentPort } = require('node:worker_threads');
// Below the event loop's priority: on a busy CPU the sync messages come first, the merges after.
// (Linux: a thread's id from /proc/thread-self, and setpriority on it; elsewhere it runs as is.)
try {
  const tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
  if (tid > 0) require('node:os').setPriority(tid, ${WORKER_NICE});
} catch {}
const { createHash } = require('node:crypto');
const Y = require(${JSON.stringify(require.resolve('yjs'))});
const { writeVarUint } = require(${JSON.stringify(require.resolve('lib0/encoding'))});
const run = (${docJobs.toString()})(Y, (state) => createHash('sha256').update(state).digest('hex'), writeVarUint);
parentPort.on('message', ({ id, job }) => {
  let result;
  try {
    result = run(job);
  } catch (err) {
    parentPort.postMessage({ id, error: String((err && err.stack) || err) });
    return;
  }
  const buffers = Array.isArray(result) ? result : [result instanceof Uint8Array ? result : result.state];
  const transfer = buffers
    .filter((buffer) => buffer.byteOffset === 0 && buffer.byteLength === buffer.buffer.byteLength)
    .map((buffer) => buffer.buffer);
  parentPort.postMessage({ id, result }, transfer);
});
`;
}

const runInline = docJobs(Y, snapshotChecksum, encoding.writeVarUint as (encoder: unknown, n: number) => void);

/**
 * Whole-document work kept off the event loop: compacting a board (build the document from its
 * snapshot and log, encode it again), merging a board's stored state for joiners, and answering
 * a joiner's state vector on a big board. Decoding and encoding a 10 MB board takes the event
 * loop for seconds; in the worker, sync messages for every other board go on meanwhile.
 *
 * One worker thread, started on first use and again after it dies (its jobs then fail; callers
 * retry as they would after a storage error); jobs run one at a time in the order given. Inputs
 * smaller than WORKER_MIN_BYTES run inline.
 */
@Injectable()
export class DocWorkerService implements OnModuleDestroy {
  private readonly logger: Logger;
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) root: Logger,
  ) {
    this.logger = root.child({ context: DocWorkerService.name });
  }

  /** The snapshot with the log entries applied, garbage-collected and encoded, and its checksum. */
  compact(base: Uint8Array | undefined, updates: Uint8Array[]): Promise<MergedState> {
    return this.run({ kind: 'compact', base, updates }) as Promise<MergedState>;
  }

  /**
   * The board the updates make, as updates to apply in order, each about `structsPerSlice`
   * structs, none waiting for a later one (see `slice`): a big board can then be loaded a slice
   * at a time, with the event loop free in between.
   */
  slices(updates: Uint8Array[], structsPerSlice: number): Promise<Uint8Array[]> {
    return this.run({ kind: 'slices', updates, structsPerSlice }) as Promise<Uint8Array[]>;
  }

  /** What the merged updates hold beyond `stateVector`. */
  diff(updates: Uint8Array[], stateVector: Uint8Array): Promise<Uint8Array> {
    return this.run({ kind: 'diff', updates, stateVector }) as Promise<Uint8Array>;
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  private run(job: Job): Promise<JobResult> {
    if (bytesOf(job) < this.config.WORKER_MIN_BYTES || this.closed) {
      try {
        return Promise.resolve(runInline(job));
      } catch (err) {
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
    }
    const worker = this.started();
    const id = this.nextId++;
    return new Promise<JobResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Keeps the process alive while a job is under way, and only then.
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ id, job });
    });
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(workerSource(), { eval: true, name: 'gongjian-doc-worker' });
    worker.unref();
    worker.on('message', (message: { id: number; result?: JobResult; error?: string }) => {
      const pending = this.pending.get(message.id);
      if (!pending) return;
      this.pending.delete(message.id);
      if (this.pending.size === 0) worker.unref();
      if (message.error !== undefined) pending.reject(new Error(`document worker: ${message.error}`));
      else pending.resolve(message.result as JobResult);
    });
    const fail = (err: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const pending of this.pending.values()) pending.reject(err);
      this.pending.clear();
    };
    worker.on('error', (err) => {
      this.logger.error({ err }, 'document worker failed; it is started again for the next job');
      fail(err);
    });
    worker.on('exit', (code) => fail(new Error(`document worker exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }
}

function bytesOf(job: Job): number {
  let bytes = job.kind === 'compact' ? (job.base?.byteLength ?? 0) : 0;
  for (const update of job.updates) bytes += update.byteLength;
  return bytes;
}
