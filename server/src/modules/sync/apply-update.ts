import * as Y from 'yjs';

export type ApplyResult = { ok: true; changed: boolean } | { ok: false; error: unknown };

/**
 * Applies an update from a client and tells whether it changed anything the log must keep:
 * new structs, new deletions, or content waiting for missing dependencies.
 * `Y.decodeUpdate` first rejects malformed bytes before anything touches the document.
 */
export function applyClientUpdate(doc: Y.Doc, update: Uint8Array, origin: unknown): ApplyResult {
  try {
    Y.decodeUpdate(update);
  } catch (error) {
    return { ok: false, error };
  }
  let changed = false;
  const onAfterTransaction = (transaction: Y.Transaction) => {
    changed = transaction.deleteSet.clients.size > 0 || !sameState(transaction.beforeState, transaction.afterState);
  };
  doc.on('afterTransaction', onAfterTransaction);
  try {
    Y.applyUpdate(doc, update, origin);
  } catch (error) {
    return { ok: false, error };
  } finally {
    doc.off('afterTransaction', onAfterTransaction);
  }
  const waiting = doc.store.pendingStructs !== null || doc.store.pendingDs !== null;
  return { ok: true, changed: changed || waiting };
}

function sameState(a: Map<number, number>, b: Map<number, number>): boolean {
  if (a.size !== b.size) return false;
  for (const [client, clock] of a) if (b.get(client) !== clock) return false;
  return true;
}

/**
 * True when applying `update` would change the document: it brings structs the document lacks
 * or deletes something not yet deleted. Decides whether a read-only socket's step 2 is a write.
 * Throws on malformed input.
 */
export function updateWouldChange(doc: Y.Doc, update: Uint8Array): boolean {
  const { structs, ds } = Y.decodeUpdate(Y.diffUpdate(update, Y.encodeStateVector(doc)));
  if (structs.length > 0) return true;
  if (ds.clients.size === 0) return false;
  const deleted = Y.createDeleteSetFromStructStore(doc.store);
  for (const [client, ranges] of ds.clients) {
    const known = deleted.clients.get(client) ?? [];
    for (const range of ranges) {
      if (range.len === 0) continue;
      const covered = known.some((k) => k.clock <= range.clock && range.clock + range.len <= k.clock + k.len);
      if (!covered) return true;
    }
  }
  return false;
}
