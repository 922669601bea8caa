import * as Y from 'yjs';

export interface KeptUpdates {
  /** The updates that integrated, in the order given; already applied to the doc. */
  kept: Uint8Array[];
  /** How many were left out. */
  dropped: number;
}

/**
 * Applies to `doc` each of `updates`, in order, that integrates cleanly on what `doc` holds by
 * then: nothing it refers to is missing (no pending structs, no pending deletions). An update that
 * needs something `doc` lacks (typically a change made after a refused one by the same client,
 * whose clock runs through the refused change) is dropped, and so is anything that needs it.
 * What `doc` itself holds pending is left out of the test: it is not what an update may build on.
 */
export function keepIntegrable(doc: Y.Doc, updates: readonly Uint8Array[], origin: unknown): KeptUpdates {
  const kept: Uint8Array[] = [];
  let scratch = copyOf(doc);
  for (const update of updates) {
    Y.applyUpdate(scratch, update);
    if (scratch.store.pendingStructs === null && scratch.store.pendingDs === null) {
      Y.applyUpdate(doc, update, origin);
      kept.push(update);
    } else {
      // What the failed update left pending would let a later one look complete: start over.
      scratch.destroy();
      scratch = copyOf(doc);
    }
  }
  scratch.destroy();
  return { kept, dropped: updates.length - kept.length };
}

function copyOf(doc: Y.Doc): Y.Doc {
  const copy = new Y.Doc({ gc: doc.gc });
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  copy.store.pendingStructs = null;
  copy.store.pendingDs = null;
  return copy;
}
