import {
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
  SYNC_NAMESPACE,
  SyncEvent,
  type UpdateAck,
} from '@gongjian/shared';
import { ObservableV2 } from 'lib0/observable';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { applyAwarenessUpdate, Awareness, encodeAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness';
import * as Y from 'yjs';

/**
 * - connecting: first connection or join under way
 * - syncing: joined; the initial exchange or some local edits are not yet acknowledged
 * - saved: everything local is durable on the server
 * - offline: the connection dropped; edits keep going locally and are sent on reconnect
 * - error: the server refused for good (see `lastError`); no more retries
 */
export type SyncStatus = 'connecting' | 'syncing' | 'saved' | 'offline' | 'error';

/** Local persistence (y-indexeddb in the browser); absent in Node. */
export interface DocPersistence {
  whenSynced: Promise<unknown>;
  destroy(): Promise<void> | void;
}

export interface BoardSyncOptions {
  /** Server origin, e.g. `http://localhost:3000`; '' for the page's own origin. */
  url: string;
  boardId: string;
  doc?: Y.Doc;
  awareness?: Awareness;
  /** Node only: the `Cookie` header carrying the session (browsers send the cookie themselves). */
  cookie?: string;
  /** Opens local persistence for the doc; it is loaded before the first sync. */
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
  /** A refusal from the server: a code from the error catalogue. */
  error: (code: ErrorCode | 'unauthenticated' | 'timeout', detail?: RefusalDetail) => void;
  role: (role: BoardRole) => void;
};

/** Errors after which retrying cannot help. */
const FATAL_JOIN_ERRORS = new Set<string>(['not_found', 'forbidden', 'invalid']);

/**
 * Keeps a Y.Doc in sync with one board over the `/sync` socket.io namespace (docs/protocol.md).
 * Runs in the browser and in Node. Every local update is sent with an ack; after a reconnect the
 * sync step 2 carries everything the server lacks, so nothing unacknowledged is lost.
 */
export class BoardSyncProvider extends ObservableV2<Events> {
  readonly doc: Y.Doc;
  readonly awareness: Awareness;
  readonly boardId: string;
  readonly socket: Socket;
  private _status: SyncStatus = 'connecting';
  private _role: BoardRole | null = null;
  private _lastError: string | null = null;
  private joined = false;
  private serverStateReceived = false;
  private step2Acked = false;
  private everJoined = false;
  private seq = 0;
  /** Sent, not yet acknowledged: seq → encoded message. */
  private readonly unacked = new Map<number, Uint8Array>();
  private readonly ackTimeoutMs: number;
  private readonly persistence: DocPersistence | undefined;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private joinAttempt = 0;
  private destroyed = false;
  /** Created here rather than passed in, so destroyed here: its renewal timer would keep it alive. */
  private readonly ownsAwareness: boolean;

  constructor(options: BoardSyncOptions) {
    super();
    this.boardId = options.boardId;
    this.doc = options.doc ?? new Y.Doc();
    this.awareness = options.awareness ?? new Awareness(this.doc);
    this.ownsAwareness = options.awareness === undefined;
    this.ackTimeoutMs = options.ackTimeoutMs ?? 10_000;
    this.persistence = options.persistence?.(this.doc, this.boardId);
    this.socket = io(`${options.url}${SYNC_NAMESPACE}`, {
      autoConnect: false,
      transports: ['websocket'],
      withCredentials: true,
      reconnectionDelay: options.reconnectDelayMs ?? 500,
      reconnectionDelayMax: options.reconnectDelayMaxMs ?? 5_000,
      randomizationFactor: 0.5,
      extraHeaders: options.cookie ? { cookie: options.cookie } : undefined,
      ...options.socketOptions,
    });
    this.socket.on('connect', this.onConnect);
    this.socket.on('disconnect', this.onDisconnect);
    this.socket.on('connect_error', this.onConnectError);
    this.socket.on(SyncEvent.y, this.onMessage);
    this.doc.on('update', this.onDocUpdate);
    this.awareness.on('update', this.onAwarenessUpdate);
    if (options.connect !== false) this.connect();
  }

  get status(): SyncStatus {
    return this._status;
  }
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
    if (this.destroyed) return;
    const start = () => {
      if (!this.destroyed) this.socket.connect();
    };
    if (this.persistence) void this.persistence.whenSynced.then(start, start);
    else start();
  }

  disconnect(): void {
    this.clearTimers();
    this.socket.disconnect();
  }

  /** Resolves once everything local is acknowledged (status `saved`); rejects on `error` or timeout. */
  whenSaved(timeoutMs = 30_000): Promise<void> {
    if (this._status === 'saved') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('status', onStatus);
        reject(new Error(`not saved within ${timeoutMs} ms (status ${this._status})`));
      }, timeoutMs);
      const onStatus = (status: SyncStatus) => {
        if (status !== 'saved' && status !== 'error') return;
        clearTimeout(timer);
        this.off('status', onStatus);
        if (status === 'saved') resolve();
        else reject(new Error(`sync error: ${this._lastError}`));
      };
      this.on('status', onStatus);
    });
  }

  override destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.clearTimers();
    this.doc.off('update', this.onDocUpdate);
    this.awareness.off('update', this.onAwarenessUpdate);
    if (this.joined) removeAwarenessStates(this.awareness, [this.doc.clientID], 'destroy');
    this.socket.removeAllListeners();
    this.socket.disconnect();
    void this.persistence?.destroy();
    if (this.ownsAwareness) this.awareness.destroy();
    super.destroy();
  }

  private setStatus(status: SyncStatus): void {
    if (this._status === status) return;
    this._status = status;
    this.emit('status', [status]);
  }

  private updateSavedStatus(): void {
    if (!this.joined || this._status === 'error') return;
    const saved = this.serverStateReceived && this.step2Acked && this.unacked.size === 0;
    this.setStatus(saved ? 'saved' : 'syncing');
  }

  private fail(code: string): void {
    this._lastError = code;
    this.setStatus('error');
    this.emit('error', [isErrorCode(code) || code === 'unauthenticated' ? (code as ErrorCode) : 'internal']);
    this.disconnect();
  }

  private readonly onConnect = (): void => {
    this.joinAttempt += 1;
    const attempt = this.joinAttempt;
    this.socket.timeout(this.ackTimeoutMs).emit(SyncEvent.join, { boardId: this.boardId }, (err: Error | null, ack: JoinAck) => {
      if (attempt !== this.joinAttempt || !this.socket.connected) return;
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
      this._role = ack.role;
      this.emit('role', [ack.role]);
      this.setStatus('syncing');
      this.send(encodeSyncStep1(Y.encodeStateVector(this.doc)), false);
      if (this.awareness.getLocalState() !== null) {
        this.send(encodeAwarenessMessage(encodeAwarenessUpdate(this.awareness, [this.doc.clientID])), false);
      }
    });
  };

  private readonly onDisconnect = (): void => {
    this.joined = false;
    this.serverStateReceived = false;
    this.step2Acked = false;
    // What was in flight is covered by the sync step 2 after the next join.
    this.unacked.clear();
    const remote = [...this.awareness.getStates().keys()].filter((id) => id !== this.doc.clientID);
    removeAwarenessStates(this.awareness, remote, this);
    if (this._status !== 'error') this.setStatus(this.everJoined ? 'offline' : 'connecting');
  };

  private readonly onConnectError = (err: Error): void => {
    if (err.message === 'unauthenticated') this.fail('unauthenticated');
  };

  private readonly onMessage = (boardId: unknown, data: unknown): void => {
    if (boardId !== this.boardId || !this.joined) return;
    const bytes = data instanceof Uint8Array ? data : data instanceof ArrayBuffer ? new Uint8Array(data) : null;
    if (!bytes) return;
    const message = decodeSyncMessage(bytes);
    switch (message.kind) {
      case 'step1': {
        const seq = this.send(encodeSyncStep2(Y.encodeStateAsUpdate(this.doc, message.stateVector)), true, () => {
          // Everything sent before the step 2 is contained in it.
          for (const pending of [...this.unacked.keys()]) if (pending < seq) this.unacked.delete(pending);
          this.step2Acked = true;
        });
        break;
      }
      case 'update':
        Y.applyUpdate(this.doc, message.update, this);
        if (message.step === 'step2') this.serverStateReceived = true;
        break;
      case 'awareness':
        applyAwarenessUpdate(this.awareness, message.update, this);
        break;
    }
    this.updateSavedStatus();
  };

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === this || !this.joined) return;
    this.send(encodeSyncUpdate(update), true);
    this.updateSavedStatus();
  };

  private readonly onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    if (origin === this || !this.joined) return;
    const changed = [...added, ...updated, ...removed].filter((id) => id === this.doc.clientID);
    if (changed.length > 0) this.send(encodeAwarenessMessage(encodeAwarenessUpdate(this.awareness, changed)), false);
  };

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

  /** Emits a `y` message; tracked ones stay in `unacked` until the server acknowledges them. */
  private send(message: Uint8Array, tracked: boolean, onAcked?: () => void): number {
    const seq = ++this.seq;
    if (tracked) this.unacked.set(seq, message);
    const emit = (attempt: number) => {
      this.socket.timeout(this.ackTimeoutMs).emit(SyncEvent.y, this.boardId, message, (err: Error | null, ack: UpdateAck) => {
        if (!tracked || !this.unacked.has(seq) || !this.socket.connected) return;
        if (err || (!ack.ok && (ack.error === 'rate_limited' || ack.error === 'unavailable'))) {
          // Re-sending is harmless: applying an update twice changes nothing.
          this.later(() => this.unacked.has(seq) && this.socket.connected && emit(attempt + 1), 200 * 2 ** Math.min(attempt, 5));
          return;
        }
        this.unacked.delete(seq);
        if (ack.ok) onAcked?.();
        else {
          // forbidden, invalid, too_large: the server will never take this update.
          this._lastError = ack.error;
          const { path, reason, conditions } = ack;
          this.emit('error', [ack.error, { path, reason, conditions }]);
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
