import {
  type AccessChange,
  BOARD_ROLES,
  decodeSyncMessage,
  encodeAwarenessMessage,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeSyncUpdate,
  isErrorCode,
  type BoardRole,
  type ErrorCode,
  type JoinAck,
  type RefusalDetail,
  type SyncMessage,
  SYNC_NAMESPACE,
  SyncEvent,
  type UpdateAck,
} from '@gongjian/shared';
import { ObservableV2 } from 'lib0/observable';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { applyAwarenessUpdate, Awareness, encodeAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { keepIntegrable } from './keep-integrable';

/**
 * - connecting: first connection or join under way
 * - syncing: joined; the initial exchange or some local edits are not yet acknowledged, or the
 *   provider is going back to the server's state after a refusal
 * - saved: everything local is durable on the server
 * - offline: the connection dropped; edits keep going locally and are sent on reconnect
 * - error: the server refused for good (see `lastError`); no more retries
 * - removed: the user no longer has access to the board; no more retries
 */
export type SyncStatus = 'connecting' | 'syncing' | 'saved' | 'offline' | 'error' | 'removed';

/** Refusals of an update that no retry can turn into an acceptance (docs/protocol.md §3). */
export const FINAL_REFUSALS = ['forbidden', 'invalid', 'gate_failed', 'too_large'] as const;
export type FinalRefusalCode = (typeof FINAL_REFUSALS)[number];

/** A change the server would not take: the code, where, why, and whether every unsaved change went with it. */
export interface Refusal extends RefusalDetail {
  code: FinalRefusalCode;
  /**
   * The refused message was the sync step 2 after a (re)connect, which carries every local change
   * the server lacked: all of them are dropped.
   */
  all: boolean;
}

/** Sent once the provider is back on the server's state, on a new document. */
export interface ResetEvent {
  /** The document from now on (also `provider.doc`). */
  doc: Y.Doc;
  /** The one before, no longer synced; read it for what was refused, then let it go. */
  previous: Y.Doc;
  /** Unacknowledged local changes that were kept (they stand without the refused one) and sent again. */
  kept: number;
  /** Unacknowledged local changes dropped besides the refused one(s), because they build on them. */
  dropped: number;
}

/** Local persistence (y-indexeddb in the browser); absent in Node. */
export interface DocPersistence {
  whenSynced: Promise<unknown>;
  destroy(): Promise<void> | void;
  /** Forgets everything stored (used when the local document is replaced by the server's). */
  clearData?(): Promise<void>;
}

export interface BoardSyncOptions {
  /** Server origin, e.g. `http://localhost:3000`; '' for the page's own origin. */
  url: string;
  boardId: string;
  doc?: Y.Doc;
  awareness?: Awareness;
  /** Node only: the `Cookie` header carrying the session (browsers send the cookie themselves). */
  cookie?: string;
  /** Opens local persistence for a doc; it is loaded before the first sync, and opened anew on a reset. */
  persistence?: (doc: Y.Doc, boardId: string) => DocPersistence;
  ackTimeoutMs?: number;
  reconnectDelayMs?: number;
  reconnectDelayMaxMs?: number;
  /** Start connecting at once (default true). */
  connect?: boolean;
  socketOptions?: Partial<ManagerOptions & SocketOptions>;
}

type Events = {
  status: (status: SyncStatus) => void;
  /** The connection or the join failed for good: a code from the error catalogue. */
  error: (code: ErrorCode | 'unauthenticated' | 'timeout', detail?: RefusalDetail) => void;
  /** The role granted on join, a change of it pushed by the server, or null once access is gone. */
  role: (role: BoardRole | null) => void;
  /** A local change was refused for good; the provider is going back to the server's state. */
  refused: (refusal: Refusal) => void;
  /** The provider is back on the server's state, on a new document: rebind to `event.doc`. */
  reset: (event: ResetEvent) => void;
};

/** Errors after which retrying cannot help. */
const FATAL_JOIN_ERRORS = new Set<string>(['not_found', 'forbidden', 'invalid']);
const FINAL = new Set<string>(FINAL_REFUSALS);
const RETRYABLE = new Set<string>(['rate_limited', 'unavailable']);

/** A sent message awaiting its ack. */
interface Pending {
  message: Uint8Array;
  /** The Yjs update it carries (a step 2 or an update). */
  update: Uint8Array;
  step2: boolean;
}

/** Going back to the server's state after a refusal: the new document being filled from the server. */
interface Reset {
  doc: Y.Doc;
  /** Local edits made to the old document meanwhile. */
  local: Uint8Array[];
  /** A step 2 was refused: nothing unacknowledged is kept. */
  dropAll: boolean;
  /** The step 1 whose answer completes the new document. */
  step1Seq: number;
}

/**
 * Keeps a Y.Doc in sync with one board over the `/sync` socket.io namespace (docs/protocol.md).
 * Runs in the browser and in Node. Every local update is sent with an ack; after a reconnect the
 * sync step 2 carries everything the server lacks, so nothing unacknowledged is lost.
 *
 * When the server refuses a change for good (`FINAL_REFUSALS`), the provider drops it and goes
 * back to the server's state: Yjs cannot take a change back, so it fills a new document from the
 * server, keeps the unacknowledged changes that stand without the refused one, clears the local
 * persistence, and emits `refused` (at once) and `reset` (with the new document). `doc` is always
 * the current document; the awareness stays the same object.
 */
export class BoardSyncProvider extends ObservableV2<Events> {
  readonly awareness: Awareness;
  readonly boardId: string;
  readonly socket: Socket;
  private _doc: Y.Doc;
  private _status: SyncStatus = 'connecting';
  private _role: BoardRole | null = null;
  private _lastError: string | null = null;
  private joined = false;
  private serverStateReceived = false;
  private step2Acked = false;
  private everJoined = false;
  private seq = 0;
  /** Counts connections, so that an ack or timeout of an earlier one is ignored. */
  private connection = 0;
  /** Sent, not yet acknowledged: seq → message (in the order sent). */
  private readonly unacked = new Map<number, Pending>();
  /** Our step 1s not yet answered by a step 2, oldest first (the server answers in order). */
  private step1sOpen: number[] = [];
  private reset: Reset | null = null;
  private readonly ackTimeoutMs: number;
  private readonly reconnectDelayMs: number;
  private readonly openPersistence: BoardSyncOptions['persistence'];
  private persistence: DocPersistence | undefined;
  /** Clearing and reopening the persistence, one after the other. */
  private persistenceWork: Promise<void> = Promise.resolve();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private joinAttempt = 0;
  private destroyed = false;
  /** Created here rather than passed in, so destroyed here: its renewal timer would keep it alive. */
  private readonly ownsAwareness: boolean;

  constructor(options: BoardSyncOptions) {
    super();
    this.boardId = options.boardId;
    this._doc = options.doc ?? new Y.Doc();
    this.awareness = options.awareness ?? new Awareness(this._doc);
    this.ownsAwareness = options.awareness === undefined;
    this.ackTimeoutMs = options.ackTimeoutMs ?? 10_000;
    this.reconnectDelayMs = options.reconnectDelayMs ?? 500;
    this.openPersistence = options.persistence;
    this.persistence = options.persistence?.(this._doc, this.boardId);
    this.socket = io(`${options.url}${SYNC_NAMESPACE}`, {
      autoConnect: false,
      transports: ['websocket'],
      withCredentials: true,
      reconnectionDelay: this.reconnectDelayMs,
      reconnectionDelayMax: options.reconnectDelayMaxMs ?? 5_000,
      randomizationFactor: 0.5,
      extraHeaders: options.cookie ? { cookie: options.cookie } : undefined,
      ...options.socketOptions,
    });
    this.socket.on('connect', this.onConnect);
    this.socket.on('disconnect', this.onDisconnect);
    this.socket.on('connect_error', this.onConnectError);
    this.socket.on(SyncEvent.y, this.onMessage);
    this.socket.on(SyncEvent.access, this.onAccess);
    this._doc.on('update', this.onDocUpdate);
    this.awareness.on('update', this.onAwarenessUpdate);
    if (options.connect !== false) this.connect();
  }

  /** The board's document. A refusal replaces it (see the `reset` event); read it here, don't keep it. */
  get doc(): Y.Doc {
    return this._doc;
  }
  get status(): SyncStatus {
    return this._status;
  }
  /** The role on the board: from the join, then as the server changes it; null before joining or once removed. */
  get role(): BoardRole | null {
    return this._role;
  }
  get lastError(): string | null {
    return this._lastError;
  }
  /** Messages sent and not yet acknowledged. */
  get unackedCount(): number {
    return this.unacked.size;
  }

  connect(): void {
    if (this.destroyed || this.stopped) return;
    const start = () => {
      if (!this.destroyed && !this.stopped) this.socket.connect();
    };
    if (this.persistence) void this.persistence.whenSynced.then(start, start);
    else start();
  }

  disconnect(): void {
    this.clearTimers();
    this.socket.disconnect();
  }

  /** Resolves once everything local is acknowledged (status `saved`); rejects on `error`, `removed` or timeout. */
  whenSaved(timeoutMs = 30_000): Promise<void> {
    if (this._status === 'saved') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('status', onStatus);
        reject(new Error(`not saved within ${timeoutMs} ms (status ${this._status})`));
      }, timeoutMs);
      const onStatus = (status: SyncStatus) => {
        if (status === 'syncing' || status === 'offline' || status === 'connecting') return;
        clearTimeout(timer);
        this.off('status', onStatus);
        if (status === 'saved') resolve();
        else reject(new Error(`sync ${status}: ${this._lastError}`));
      };
      this.on('status', onStatus);
    });
  }

  override destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.clearTimers();
    this._doc.off('update', this.onDocUpdate);
    this.awareness.off('update', this.onAwarenessUpdate);
    if (this.joined) removeAwarenessStates(this.awareness, [this.awareness.clientID], 'destroy');
    this.socket.removeAllListeners();
    this.socket.disconnect();
    const persistence = this.persistence;
    this.persistence = undefined;
    this.persistenceWork = this.persistenceWork.then(() => persistence?.destroy());
    this.reset?.doc.destroy();
    this.reset = null;
    if (this.ownsAwareness) this.awareness.destroy();
    super.destroy();
  }

  /** Nothing more will be tried: a fatal error or lost access. */
  private get stopped(): boolean {
    return this._status === 'error' || this._status === 'removed';
  }

  private setStatus(status: SyncStatus): void {
    if (this._status === status) return;
    this._status = status;
    this.emit('status', [status]);
  }

  private updateSavedStatus(): void {
    if (!this.joined || this.stopped) return;
    const saved = this.reset === null && this.serverStateReceived && this.step2Acked && this.unacked.size === 0;
    this.setStatus(saved ? 'saved' : 'syncing');
  }

  private fail(code: string): void {
    this._lastError = code;
    this.setStatus('error');
    this.emit('error', [isErrorCode(code) || code === 'unauthenticated' ? (code as ErrorCode) : 'internal']);
    this.disconnect();
  }

  /**
   * Access to the board is gone: stop for good and forget the local copy. The socket stays up
   * (joined to nothing) so that a revoked session, which the server follows with a disconnect,
   * still ends as `unauthenticated` rather than as a removal.
   */
  private removeAccess(): void {
    this._lastError = 'removed';
    this._role = null;
    this.joined = false;
    this.clearTimers();
    this.unacked.clear();
    this.reset?.doc.destroy();
    this.reset = null;
    this.forgetOthers();
    this.setStatus('removed');
    this.emit('role', [null]);
    this.replacePersistence(null);
  }

  /** Drops everyone else's presence: it is only known while joined. */
  private forgetOthers(): void {
    const others = [...this.awareness.getStates().keys()].filter((id) => id !== this.awareness.clientID);
    removeAwarenessStates(this.awareness, others, this);
  }

  private readonly onConnect = (): void => {
    if (this.stopped) {
      // Only a check that the session still holds (see removeAccess).
      this.socket.disconnect();
      return;
    }
    this.joinAttempt += 1;
    const attempt = this.joinAttempt;
    this.socket
      .timeout(this.ackTimeoutMs)
      .emit(SyncEvent.join, { boardId: this.boardId }, (err: Error | null, ack: JoinAck) => {
        if (attempt !== this.joinAttempt || !this.socket.connected || this.stopped) return;
        if (err) {
          // No answer: start over on a fresh connection.
          this.socket.disconnect().connect();
          return;
        }
        if (!ack.ok) {
          if (FATAL_JOIN_ERRORS.has(ack.error)) return this.fail(ack.error);
          this.later(() => this.socket.connected && this.onConnect(), 500 * 2 ** Math.min(this.joinAttempt, 4));
          return;
        }
        this.joined = true;
        this.everJoined = true;
        if (ack.role !== this._role) {
          this._role = ack.role;
          this.emit('role', [ack.role]);
        }
        this.setStatus('syncing');
        this.requestServerState();
        if (this.awareness.getLocalState() !== null) {
          this.send(encodeAwarenessMessage(encodeAwarenessUpdate(this.awareness, [this.awareness.clientID])));
        }
      });
  };

  private readonly onDisconnect = (reason: Socket.DisconnectReason): void => {
    this.connection += 1;
    this.joined = false;
    this.serverStateReceived = false;
    this.step2Acked = false;
    this.step1sOpen = [];
    // What was in flight is covered by the sync step 2 after the next join, unless the provider is
    // going back to the server's state: then it is what may be kept, decided when that is done.
    if (!this.reset) this.unacked.clear();
    this.forgetOthers();
    // socket.io does not reconnect by itself after the server hung up (e.g. sessions revoked); try
    // once more: either it works, or the handshake says `unauthenticated`.
    const hungUp = reason === 'io server disconnect';
    if (this._status === 'removed' && hungUp) this.later(() => this.socket.connect(), this.reconnectDelayMs);
    if (this.stopped || this.destroyed) return;
    this.setStatus(this.everJoined ? 'offline' : 'connecting');
    if (hungUp) this.later(() => this.connect(), this.reconnectDelayMs);
  };

  private readonly onConnectError = (err: Error): void => {
    if (err.message === 'unauthenticated') this.fail('unauthenticated');
    else if (this.stopped) this.socket.disconnect();
    // The server could not check the session: the handshake is not retried by socket.io.
    else if (err.message === 'unavailable') this.later(() => this.connect(), 2_000);
  };

  private readonly onAccess = (boardId: unknown, change: unknown): void => {
    if (boardId !== this.boardId || this.stopped) return;
    const role = (change as Partial<AccessChange> | null)?.role;
    if (role === null) return this.removeAccess();
    if (!(BOARD_ROLES as readonly unknown[]).includes(role) || role === this._role) return;
    this._role = role as BoardRole;
    this.emit('role', [this._role]);
  };

  private readonly onMessage = (boardId: unknown, data: unknown): void => {
    if (boardId !== this.boardId || !this.joined) return;
    const bytes = data instanceof Uint8Array ? data : data instanceof ArrayBuffer ? new Uint8Array(data) : null;
    if (!bytes) return;
    let message: SyncMessage;
    try {
      message = decodeSyncMessage(bytes);
    } catch {
      return;
    }
    switch (message.kind) {
      case 'step1':
        // While going back to the server's state there is nothing of ours to offer.
        if (!this.reset) this.sendStep2(message.stateVector);
        break;
      case 'update': {
        Y.applyUpdate(this.reset?.doc ?? this._doc, message.update, this);
        if (message.step !== 'step2') break;
        const answered = this.step1sOpen.shift();
        this.serverStateReceived = true;
        if (this.reset && answered === this.reset.step1Seq) this.finishReset();
        break;
      }
      case 'awareness':
        applyAwarenessUpdate(this.awareness, message.update, this);
        break;
    }
    this.updateSavedStatus();
  };

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === this) return;
    if (this.reset) {
      // Sent once the server's state is back, if it stands without what was refused.
      this.reset.local.push(update);
      return;
    }
    if (!this.joined) return;
    this.send(encodeSyncUpdate(update), { update, step2: false });
    this.updateSavedStatus();
  };

  private readonly onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    if (origin === this || !this.joined) return;
    const changed = [...added, ...updated, ...removed].filter((id) => id === this.awareness.clientID);
    if (changed.length > 0) this.send(encodeAwarenessMessage(encodeAwarenessUpdate(this.awareness, changed)));
  };

  /** Asks for what the server has beyond the document being synced (its answer is a step 2). */
  private requestServerState(): void {
    const target = this.reset?.doc ?? this._doc;
    const connection = this.connection;
    const seq = ++this.seq;
    this.step1sOpen.push(seq);
    if (this.reset) this.reset.step1Seq = seq;
    const message = encodeSyncStep1(Y.encodeStateVector(target));
    this.socket
      .timeout(this.ackTimeoutMs)
      .emit(SyncEvent.y, this.boardId, message, (err: Error | null, ack: UpdateAck) => {
        if (connection !== this.connection || err || ack.ok) return;
        // Refused (e.g. rate_limited): no step 2 is coming for it. Ask again in a moment.
        this.step1sOpen = this.step1sOpen.filter((open) => open !== seq);
        this.later(() => connection === this.connection && this.joined && this.requestServerState(), 500);
      });
  }

  private sendStep2(stateVector: Uint8Array): void {
    const update = Y.encodeStateAsUpdate(this._doc, stateVector);
    const seq = this.send(encodeSyncStep2(update), { update, step2: true }, () => {
      // Everything sent before the step 2 is contained in it.
      for (const pending of [...this.unacked.keys()]) if (pending < seq) this.unacked.delete(pending);
      this.step2Acked = true;
    });
  }

  /** Starts going back to the server's state: a new document, filled with a full step 2. */
  private startReset(all: boolean): void {
    if (this.reset) {
      if (all) this.reset.dropAll = true;
      return;
    }
    this.reset = { doc: new Y.Doc({ gc: this._doc.gc }), local: [], dropAll: all, step1Seq: 0 };
    if (this.joined) this.requestServerState();
    this.updateSavedStatus();
  }

  /**
   * The new document holds the server's state: keep the unacknowledged changes that integrate on
   * it without the refused ones, swap documents, send what was kept, start the persistence afresh.
   */
  private finishReset(): void {
    const reset = this.reset;
    if (!reset) return;
    this.reset = null;
    const candidates = reset.dropAll
      ? []
      : [...[...this.unacked.values()].map((pending) => pending.update), ...reset.local];
    const offered = reset.dropAll ? this.unacked.size + reset.local.length : candidates.length;
    this.unacked.clear();
    const { kept } = keepIntegrable(reset.doc, candidates, this);
    const previous = this._doc;
    previous.off('update', this.onDocUpdate);
    this._doc = reset.doc;
    this._doc.on('update', this.onDocUpdate);
    this.awareness.doc = this._doc;
    this.step2Acked = true;
    if (kept.length > 0) {
      const update = Y.mergeUpdates(kept);
      this.send(encodeSyncUpdate(update), { update, step2: false });
    }
    this.replacePersistence(this._doc);
    this.emit('reset', [{ doc: this._doc, previous, kept: kept.length, dropped: offered - kept.length }]);
    this.updateSavedStatus();
  }

  /** Clears the stored copy, then stores `doc` instead (or nothing). */
  private replacePersistence(doc: Y.Doc | null): void {
    const old = this.persistence;
    this.persistence = undefined;
    this.persistenceWork = this.persistenceWork
      .then(async () => {
        if (old?.clearData) await old.clearData();
        else await old?.destroy();
        if (doc && doc === this._doc && !this.destroyed) this.persistence = this.openPersistence?.(doc, this.boardId);
      })
      .catch(() => {
        // Storage refused (private mode, quota): the board still works, only without the local copy.
      });
  }

  /** Runs `fn` after about `ms` (jittered, so many clients don't retry in step). */
  private later(fn: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.destroyed) fn();
    }, jitter(ms));
    this.timers.add(timer);
  }

  private clearTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /**
   * Emits a `y` message. One that carries a document change (`pending`) stays in `unacked` until
   * the server acknowledges it, is sent again while the answer is a timeout or a retryable code, and
   * starts the way back to the server's state when it is refused for good.
   */
  private send(message: Uint8Array, pending?: Omit<Pending, 'message'>, onAcked?: () => void): number {
    const seq = ++this.seq;
    const connection = this.connection;
    if (pending) this.unacked.set(seq, { message, ...pending });
    const emit = (attempt: number) => {
      this.socket
        .timeout(this.ackTimeoutMs)
        .emit(SyncEvent.y, this.boardId, message, (err: Error | null, ack: UpdateAck) => {
          if (!pending || connection !== this.connection || !this.unacked.has(seq) || this.stopped) return;
          if (err || (!ack.ok && RETRYABLE.has(ack.error))) {
            // Re-sending is harmless: applying an update twice changes nothing.
            this.later(
              () => connection === this.connection && this.unacked.has(seq) && emit(attempt + 1),
              200 * 2 ** Math.min(attempt, 5),
            );
            return;
          }
          this.unacked.delete(seq);
          if (ack.ok) onAcked?.();
          else if (FINAL.has(ack.error)) {
            const { path, reason, conditions } = ack;
            // A change that built on one refused before it fails for that reason alone: already told.
            const consequence = this.reset !== null && (reason === 'unresolvable' || reason === 'missing_dependency');
            if (!consequence) {
              this._lastError = ack.error;
              this.emit('refused', [
                { code: ack.error as FinalRefusalCode, path, reason, conditions, all: pending.step2 },
              ]);
            }
            this.startReset(pending.step2);
          } else {
            this._lastError = ack.error;
            this.emit('error', [ack.error]);
          }
          this.updateSavedStatus();
        });
    };
    emit(0);
    return seq;
  }
}

function jitter(ms: number): number {
  return ms / 2 + Math.random() * ms;
}
