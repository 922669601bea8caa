import { Awareness } from 'y-protocols/awareness';

/** Owner of awareness client ids announced through another instance. */
export const REMOTE_OWNER = 'remote';
import * as Y from 'yjs';
import { compareLogIds, LogId, Subscription } from '../../base/storage';
import { FullState } from './full-state';

/** A board's document in memory, with what the instance tracks about it. */
export class LoadedBoard {
  readonly awareness: Awareness;
  /** Sockets on this instance that joined the board. */
  readonly sockets = new Set<string>();
  /**
   * Which socket announced each awareness client id (a socket may only update its own), or
   * REMOTE_OWNER for client ids announced through another instance, until their state is removed
   * or times out there.
   */
  readonly awarenessOwners = new Map<number, string>();
  /** Id of the newest log entry this instance has applied. */
  lastLogId: LogId;
  /** Approximate encoded size: snapshot plus every update applied since. */
  bytes: number;
  /** Log entries applied since the snapshot this instance loaded or last wrote. */
  entriesSinceSnapshot: number;
  subscription: Subscription | undefined;
  unsubscribeAwareness: (() => void) | undefined;
  idleTimer: NodeJS.Timeout | undefined;
  private readonly onDocUpdate = (update: Uint8Array) => this.fullState.add(update);

  /**
   * `fullState` starts as what `doc` was built from (by default, `doc` encoded now); from here on
   * it records every update the document emits, so that it always holds what the document holds.
   */
  constructor(
    readonly id: string,
    readonly doc: Y.Doc,
    lastLogId: LogId,
    bytes: number,
    entriesSinceSnapshot: number,
    readonly fullState: FullState = new FullState(
      [Y.encodeStateAsUpdate(doc)],
      (updates) => Promise.resolve(Y.mergeUpdates(updates)),
      () => {},
    ),
  ) {
    fullState.encodeDocument = () => Y.encodeStateAsUpdate(doc);
    doc.on('update', this.onDocUpdate);
    this.lastLogId = lastLogId;
    this.bytes = bytes;
    this.entriesSinceSnapshot = entriesSinceSnapshot;
    this.awareness = new Awareness(doc);
    // The server has no presence of its own.
    this.awareness.setLocalState(null);
    // A state removed (null relayed, or outdated after 30 s without renewal) frees a remote client id.
    this.awareness.on('update', ({ removed }: { removed: number[] }) => {
      for (const clientId of removed)
        if (this.awarenessOwners.get(clientId) === REMOTE_OWNER) this.awarenessOwners.delete(clientId);
    });
  }

  noteLogged(id: LogId, size: number): void {
    if (compareLogIds(id, this.lastLogId) > 0) this.lastLogId = id;
    this.bytes += size;
    this.entriesSinceSnapshot += 1;
  }

  destroy(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.subscription?.close();
    this.unsubscribeAwareness?.();
    this.awareness.destroy();
    this.doc.off('update', this.onDocUpdate);
    this.fullState.destroy();
    this.doc.destroy();
  }
}
