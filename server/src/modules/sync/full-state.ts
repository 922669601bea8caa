import * as Y from 'yjs';

/** An update that holds nothing (what `Y.encodeStateAsUpdate` gives for an empty document). */
export const EMPTY_UPDATE = new Uint8Array([0, 0]);

/** How long the tail may grow before it is merged into the base (in the worker, for big boards). */
const REBASE_AFTER_UPDATES = 64;
const REBASE_AFTER_BYTES = 64 * 1024;
/** Failed merges in a row after which the state starts again from the document's own encoding. */
const MAX_REBASE_FAILURES = 3;

/**
 * Merges updates into one; the board store passes the document worker's rebuild (a document built
 * and encoded again, off the event loop for big inputs), which also drops deleted content.
 */
export type MergeUpdates = (updates: Uint8Array[]) => Promise<Uint8Array>;

/**
 * A loaded board's whole state kept encoded, so that a client joining with nothing is answered
 * without encoding the document again (for a 10 MB board, hundreds of milliseconds of event loop
 * per joiner): the stored state the board was loaded from (`base`), then every update the
 * document has emitted since (`tail`). Together they hold exactly what the document holds: the
 * document's state is the union of the updates applied to it, and every change to it, whatever
 * its origin (a client, the log, a repair, a migration), is one `update` event.
 *
 * The tail is merged into the base now and then by `merge` (the document worker, which builds a
 * document and encodes it again, so deleted content does not pile up), so that what a joiner gets
 * stays two messages, and the tail's own merge on the event loop (`Y.mergeUpdates`, at most 64
 * updates or 64 KiB) stays small.
 */
export class FullState {
  private base: Uint8Array;
  private tail: Uint8Array[];
  private tailBytes: number;
  private mergedTail: Uint8Array | null | undefined;
  private rebasing = false;
  private failures = 0;
  private destroyed = false;

  /** Encodes the document itself: the way back to a good state if merging ever fails. */
  encodeDocument: (() => Uint8Array) | undefined;

  constructor(
    stored: Uint8Array[],
    private readonly merge: MergeUpdates,
    private readonly onError: (err: unknown) => void,
  ) {
    this.base = stored[0] ?? EMPTY_UPDATE;
    this.tail = stored.slice(1);
    this.tailBytes = this.tail.reduce((sum, update) => sum + update.byteLength, 0);
  }

  /** An update the document emitted. */
  add(update: Uint8Array): void {
    this.tail.push(update);
    this.tailBytes += update.byteLength;
    this.mergedTail = undefined;
    if (this.tail.length >= REBASE_AFTER_UPDATES || this.tailBytes >= REBASE_AFTER_BYTES) this.rebase();
  }

  /** The whole state as (at most) two updates: the base, and the tail merged (null when empty). */
  parts(): [Uint8Array, Uint8Array | null] {
    if (this.mergedTail === undefined) {
      try {
        this.mergedTail =
          this.tail.length === 0 ? null : this.tail.length === 1 ? this.tail[0] : Y.mergeUpdates(this.tail);
      } catch (err) {
        this.onError(err);
        this.restart();
      }
    }
    return [this.base, this.mergedTail ?? null];
  }

  /** Starts again from the document's own encoding, after a merge failed. */
  private restart(): void {
    if (!this.encodeDocument) throw new Error('FullState: no document to start again from');
    this.base = this.encodeDocument();
    this.tail = [];
    this.tailBytes = 0;
    this.mergedTail = null;
    this.failures = 0;
  }

  /** Every update that makes up the whole state, for a job that merges them itself. */
  all(): Uint8Array[] {
    return [this.base, ...this.tail];
  }

  /** Updates in the tail, not yet merged into the base. */
  get tailLength(): number {
    return this.tail.length;
  }

  /** Encoded size of base and tail. */
  get bytes(): number {
    return this.base.byteLength + this.tailBytes;
  }

  destroy(): void {
    this.destroyed = true;
    this.tail = [];
    this.base = EMPTY_UPDATE;
  }

  private rebase(): void {
    if (this.rebasing || this.destroyed) return;
    this.rebasing = true;
    const count = this.tail.length;
    this.merge([this.base, ...this.tail.slice(0, count)]).then(
      (merged) => {
        this.rebasing = false;
        this.failures = 0;
        if (this.destroyed) return;
        this.base = merged;
        const merging = this.tail.splice(0, count);
        this.tailBytes -= merging.reduce((sum, update) => sum + update.byteLength, 0);
        this.mergedTail = undefined;
        // What came in meanwhile may be due already.
        if (this.tail.length >= REBASE_AFTER_UPDATES || this.tailBytes >= REBASE_AFTER_BYTES) this.rebase();
      },
      (err: unknown) => {
        this.rebasing = false;
        this.onError(err);
        if (this.destroyed) return;
        // Tried again on the next update; the tail meanwhile keeps everything. Failing again and
        // again, it starts over from the document rather than let the tail grow without end.
        if (++this.failures >= MAX_REBASE_FAILURES) this.restart();
      },
    );
  }
}
