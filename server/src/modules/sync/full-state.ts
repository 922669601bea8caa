import { encodeSyncStep2, encodeSyncUpdate } from '@gongjian/shared';
import * as Y from 'yjs';

/** An update that holds nothing (what `Y.encodeStateAsUpdate` gives for an empty document). */
export const EMPTY_UPDATE = new Uint8Array([0, 0]);

/** Failed merges in a row after which the state starts again from the document's own encoding. */
const MAX_REBASE_FAILURES = 3;

/**
 * Merges updates into one; the board store passes the document worker's rebuild (a document built
 * and encoded again, off the event loop for big inputs), which also drops deleted content.
 */
export type MergeUpdates = (updates: Uint8Array[]) => Promise<Uint8Array>;

export interface FullStateOptions {
  /**
   * Below this size the state is not kept at all: the document is encoded when a joiner asks
   * (cached until the next change). The board store passes WORKER_MIN_BYTES.
   */
  directBelowBytes: number;
  /** Updates merged into one chunk of the tail, on the event loop (small: ~0.2 ms for 64). */
  chunkUpdates: number;
  /** The tail is folded into the base once it holds this share of the base's size… */
  foldShare: number;
  /** …but at least this many bytes… */
  foldMinBytes: number;
  /** …and at most this many, or this many chunks. */
  foldMaxBytes: number;
  foldMaxChunks: number;
}

export const DEFAULT_FULL_STATE_OPTIONS: FullStateOptions = {
  directBelowBytes: 0,
  chunkUpdates: 64,
  foldShare: 0.25,
  foldMinBytes: 64 * 1024,
  foldMaxBytes: 1024 * 1024,
  foldMaxChunks: 64,
};

/**
 * A loaded board's whole state, ready for a client joining with nothing, without the document
 * being encoded for every joiner.
 *
 * A small board (below `directBelowBytes`) keeps nothing: its document is encoded when asked,
 * which is as cheap as anything kept could be merged, and the encoding is cached until the next
 * change. That costs nothing per update, which matters on a hot board (hundreds of edits a second).
 *
 * A big board (a 10 MB document takes hundreds of milliseconds of event loop to encode) keeps its
 * state encoded: the stored state it was loaded from, later folds (`base`), then every update the
 * document has emitted since (`tail`). Together they hold exactly what the document holds: the
 * document's state is the union of the updates applied to it, and every change to it, whatever its
 * origin (a client, the log, a repair, a migration), is one `update` event. The tail's updates are
 * merged into chunks of 64 as they come (merging many updates at once costs more than linear
 * time), and the tail is folded into the base by `merge` (the document worker, which builds a
 * document and encodes it again, so deleted content does not pile up) once it holds a quarter of
 * the base's size (at least 64 KiB, at most 1 MiB): the work of folding stays proportional to what
 * changed, and what a joiner gets stays two messages.
 */
export class FullState {
  private readonly options: FullStateOptions;
  private direct: boolean;
  /** Direct mode: the document's encoding since its last change, and its size then plus since. */
  private cached: Uint8Array | undefined;
  /** `cached` framed as a step 2 (`cached` is then a view into it). */
  private cachedMessage: Uint8Array | undefined;
  private estimate: number;
  /** Kept mode. */
  private base: Uint8Array = EMPTY_UPDATE;
  /**
   * `base` framed as a step 2, made once per base: every joiner of a big board gets the same
   * buffer (framing it per joiner copied 10 MB each time), and `base` is then a view into it.
   */
  private baseMessage: Uint8Array | undefined;
  /** Chunks being folded into the base right now (still part of the state until that is done). */
  private folding: Uint8Array[] = [];
  private foldingCount = 0;
  private foldingBytes = 0;
  private chunks: Uint8Array[] = [];
  private pending: Uint8Array[] = [];
  private tailUpdates = 0;
  private tailBytes = 0;
  private mergedTail: Uint8Array | null | undefined;
  private failures = 0;
  private destroyed = false;

  /** Encodes the document itself: direct mode's state, and the way back to a good one if merging fails. */
  encodeDocument: (() => Uint8Array) | undefined;

  constructor(
    stored: Uint8Array[],
    private readonly merge: MergeUpdates,
    private readonly onError: (err: unknown) => void,
    options: Partial<FullStateOptions> = {},
  ) {
    this.options = { ...DEFAULT_FULL_STATE_OPTIONS, ...options };
    const bytes = stored.reduce((sum, update) => sum + update.byteLength, 0);
    this.estimate = bytes;
    this.direct = bytes < this.options.directBelowBytes;
    if (!this.direct) {
      this.setBase(stored[0] ?? EMPTY_UPDATE);
      for (const update of stored.slice(1)) this.addToTail(update);
    }
  }

  /** An update the document emitted. */
  add(update: Uint8Array): void {
    if (this.destroyed) return;
    if (this.direct) {
      this.cached = undefined;
      this.cachedMessage = undefined;
      this.estimate += update.byteLength;
      return;
    }
    this.addToTail(update);
  }

  /** The whole state as (at most) two updates: the base, and the tail merged (null when empty). */
  parts(): [Uint8Array, Uint8Array | null] {
    if (this.direct) return [this.encoded(), null];
    if (this.mergedTail === undefined) {
      try {
        const tail = [...this.folding, ...this.chunks, ...this.pending];
        this.mergedTail = tail.length === 0 ? null : tail.length === 1 ? tail[0] : Y.mergeUpdates(tail);
      } catch (err) {
        this.onError(err);
        this.restart();
      }
    }
    return [this.base, this.mergedTail ?? null];
  }

  /**
   * What a client joining with nothing is sent (docs/protocol.md): one step 2, or on a big board
   * with a tail, the tail as an update first and then the base as step 2 (merging the tail into a
   * big base would take the event loop; the tail waits in the client's Yjs until step 2 brings the
   * base, so the client is whole the moment it has step 2).
   */
  joinMessages(): Uint8Array[] {
    if (this.direct) {
      const encoded = this.encoded();
      // Encoding may have found the board grown past the threshold and switched to kept mode.
      if (this.direct) {
        if (!this.cachedMessage) {
          this.cachedMessage = encodeSyncStep2(encoded);
          this.cached = this.cachedMessage.subarray(this.cachedMessage.byteLength - encoded.byteLength);
        }
        return [this.cachedMessage];
      }
    }
    const [base, tail] = this.parts();
    if (!tail) return [this.baseStep2()];
    // A kept state with a small base (a board that shrank, or tests at WORKER_MIN_BYTES=0).
    if (base.byteLength < this.options.directBelowBytes) return [encodeSyncStep2(Y.mergeUpdates([base, tail]))];
    return [encodeSyncUpdate(tail), this.baseStep2()];
  }

  /** Every update that makes up the whole state, for a job that merges them itself. */
  all(): Uint8Array[] {
    if (this.direct) return [this.encoded()];
    return [this.base, ...this.folding, ...this.chunks, ...this.pending];
  }

  /** Whether the state is kept encoded (a big board) rather than encoded when asked. */
  get kept(): boolean {
    return !this.direct;
  }

  /** Updates in the tail, not yet folded into the base. */
  get tailLength(): number {
    return this.direct ? 0 : this.foldingCount + this.tailUpdates;
  }

  /** Encoded size (approximate in direct mode: the last encoding plus every update since). */
  get bytes(): number {
    return this.direct ? this.estimate : this.base.byteLength + this.foldingBytes + this.tailBytes;
  }

  destroy(): void {
    this.destroyed = true;
    this.cached = undefined;
    this.cachedMessage = undefined;
    this.setBase(EMPTY_UPDATE);
    this.folding = [];
    this.chunks = [];
    this.pending = [];
  }

  private baseStep2(): Uint8Array {
    if (!this.baseMessage) {
      const message = encodeSyncStep2(this.base);
      this.base = message.subarray(message.byteLength - this.base.byteLength);
      this.baseMessage = message;
    }
    return this.baseMessage;
  }

  private setBase(update: Uint8Array): void {
    this.base = update;
    this.baseMessage = undefined;
  }

  /** Direct mode: the document encoded; a board grown past the threshold keeps it from now on. */
  private encoded(): Uint8Array {
    if (this.cached) return this.cached;
    const encoded = this.document();
    this.estimate = encoded.byteLength;
    if (encoded.byteLength >= this.options.directBelowBytes) {
      this.direct = false;
      this.setBase(encoded);
      this.mergedTail = null;
      return encoded;
    }
    this.cached = encoded;
    return encoded;
  }

  private document(): Uint8Array {
    if (!this.encodeDocument) throw new Error('FullState: no document to encode');
    return this.encodeDocument();
  }

  private addToTail(update: Uint8Array): void {
    this.pending.push(update);
    this.tailUpdates += 1;
    this.tailBytes += update.byteLength;
    this.mergedTail = undefined;
    if (this.pending.length >= this.options.chunkUpdates) {
      try {
        this.chunks.push(Y.mergeUpdates(this.pending));
        this.pending = [];
      } catch (err) {
        this.onError(err);
        this.restart();
        return;
      }
    }
    if (this.foldDue()) this.fold();
  }

  private foldDue(): boolean {
    const { foldShare, foldMinBytes, foldMaxBytes, foldMaxChunks } = this.options;
    const threshold = Math.min(Math.max(this.base.byteLength * foldShare, foldMinBytes), foldMaxBytes);
    return this.tailBytes >= threshold || this.chunks.length >= foldMaxChunks;
  }

  /** Starts again from the document's own encoding, after a merge failed. */
  private restart(): void {
    this.setBase(this.document());
    this.endFold();
    this.clearTail();
    this.mergedTail = null;
    this.failures = 0;
    this.estimate = this.base.byteLength;
  }

  private fold(): void {
    if (this.folding.length > 0 || this.destroyed) return;
    const folding = [...this.chunks, ...this.pending];
    if (folding.length === 0) return;
    this.folding = folding;
    const foldingCount = (this.foldingCount = this.tailUpdates);
    const foldingBytes = (this.foldingBytes = this.tailBytes);
    this.clearTail();
    this.merge([this.base, ...folding]).then(
      (merged) => {
        if (this.destroyed || this.folding !== folding) return;
        this.endFold();
        this.failures = 0;
        this.setBase(merged);
        this.mergedTail = undefined;
        if (merged.byteLength < this.options.directBelowBytes / 2) {
          // Shrunk (deleted content dropped): encoded when asked again, as small boards are.
          this.direct = true;
          this.cached = this.tailUpdates === 0 ? merged : undefined;
          this.cachedMessage = undefined;
          this.estimate = merged.byteLength + this.tailBytes;
          this.setBase(EMPTY_UPDATE);
          this.clearTail();
          return;
        }
        // What came in meanwhile may be due already.
        if (this.foldDue()) this.fold();
      },
      (err: unknown) => {
        this.onError(err);
        if (this.destroyed || this.folding !== folding) return;
        this.endFold();
        // Back into the tail, which keeps everything; tried again on a later update. Failing
        // again and again, it starts over from the document rather than let the tail grow.
        this.chunks = [...folding, ...this.chunks];
        this.tailUpdates += foldingCount;
        this.tailBytes += foldingBytes;
        if (++this.failures >= MAX_REBASE_FAILURES) this.restart();
      },
    );
  }

  private endFold(): void {
    this.folding = [];
    this.foldingCount = 0;
    this.foldingBytes = 0;
  }

  private clearTail(): void {
    this.chunks = [];
    this.pending = [];
    this.tailUpdates = 0;
    this.tailBytes = 0;
  }
}
