// Minimal sync clients for benchmarks, each holding its own Y.Doc:
// - GongjianClient speaks the /sync socket.io protocol (docs/protocol.md, DESIGN.md §4) like
//   client/src/lib/sync/board-sync-provider.ts does, minus persistence, awareness and retries:
//   a benchmark reports a refusal or a dropped connection instead of hiding it.
// - YWebsocketClient speaks y-websocket's protocol over a plain WebSocket (same y-protocols bytes).
// Both apply remote updates with origin REMOTE and send every local doc update at once.
import { performance } from 'node:perf_hooks';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import { decoding, encoding, shared, syncProtocol, Y } from './cjs.mjs';

/** Origin of updates received from a server. */
export const REMOTE = Symbol('remote');

/** Wall-clock milliseconds with sub-millisecond resolution; comparable across clients in this process. */
export function now() {
  return performance.timeOrigin + performance.now();
}

class BaseClient {
  constructor(name) {
    this.name = name;
    this.doc = new Y.Doc();
    /** Problems seen (refusals, disconnects, bad messages); a benchmark with any fails. */
    this.errors = [];
    this.closed = false;
  }

  error(message) {
    if (this.errors.length < 20) this.errors.push(`${this.name}: ${message}`);
  }
}

export class GongjianClient extends BaseClient {
  /**
   * @param {{url: string, boardId: string, cookie: string, name: string, ackTimeoutMs?: number,
   *   onAck?: (sentAt: number, ackedAt: number) => void}} options
   */
  constructor({ url, boardId, cookie, name, ackTimeoutMs = 10_000, onAck }) {
    super(name);
    this.boardId = boardId;
    this.ackTimeoutMs = ackTimeoutMs;
    this.onAck = onAck;
    this.unacked = 0;
    this.joined = false;
    this.serverStateReceived = false;
    this.step2Acked = false;
    this.role = null;
    /** Send time of the edit in progress (set by `edit`), for ack latency. */
    this.editSentAt = undefined;
    this.socket = io(`${url}${shared.SYNC_NAMESPACE}`, {
      autoConnect: false,
      forceNew: true,
      reconnection: false,
      transports: ['websocket'],
      extraHeaders: { cookie },
    });
    this.socket.on(shared.SyncEvent.y, (boardId, data) => this.onMessage(boardId, data));
    this.socket.on('disconnect', (reason) => {
      this.joined = false;
      if (!this.closed) this.error(`disconnected (${reason})`);
    });
    this.doc.on('update', (update, origin) => {
      if (origin === REMOTE || !this.joined) return;
      this.send(shared.encodeSyncUpdate(update), this.editSentAt);
    });
  }

  /** Connects, joins and completes the initial exchange; rejects on refusal or after `timeoutMs`. */
  connect(timeoutMs = 20_000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`${this.name}: not synced within ${timeoutMs} ms`)), timeoutMs);
      const finish = (err) => {
        clearTimeout(timer);
        clearInterval(poll);
        this.socket.off('connect_error', onConnectError);
        if (err) reject(err);
        else resolve();
      };
      const onConnectError = (err) => finish(new Error(`${this.name}: connect error ${err.message}`));
      const poll = setInterval(() => {
        if (this.errors.length > 0) finish(new Error(this.errors.join('; ')));
        else if (this.joined && this.serverStateReceived && this.step2Acked) finish();
      }, 5);
      this.socket.once('connect_error', onConnectError);
      this.socket.once('connect', () => {
        this.socket.timeout(this.ackTimeoutMs).emit(shared.SyncEvent.join, { boardId: this.boardId }, (err, ack) => {
          if (err) return finish(new Error(`${this.name}: join timed out`));
          if (!ack.ok) return finish(new Error(`${this.name}: join refused: ${ack.error}`));
          this.role = ack.role;
          this.joined = true;
          this.send(shared.encodeSyncStep1(Y.encodeStateVector(this.doc)));
        });
      });
      this.socket.connect();
    });
  }

  /** Makes a local edit; its update is sent (and acked) at once. */
  edit(fn, sentAt) {
    this.editSentAt = sentAt;
    try {
      this.doc.transact(fn);
    } finally {
      this.editSentAt = undefined;
    }
  }

  onMessage(boardId, data) {
    if (boardId !== this.boardId || !this.joined) return;
    const bytes = data instanceof Uint8Array ? data : data instanceof ArrayBuffer ? new Uint8Array(data) : null;
    if (!bytes) return this.error('non-binary y message');
    let message;
    try {
      message = shared.decodeSyncMessage(bytes);
    } catch (err) {
      return this.error(`undecodable y message: ${err.message}`);
    }
    if (message.kind === 'step1') {
      this.send(shared.encodeSyncStep2(Y.encodeStateAsUpdate(this.doc, message.stateVector)), undefined, () => {
        this.step2Acked = true;
      });
    } else if (message.kind === 'update') {
      Y.applyUpdate(this.doc, message.update, REMOTE);
      if (message.step === 'step2') this.serverStateReceived = true;
    }
  }

  /** Emits a `y` message with an ack; a refusal or a missing ack is an error. */
  send(message, sentAt, onOk) {
    this.unacked += 1;
    this.socket.timeout(this.ackTimeoutMs).emit(shared.SyncEvent.y, this.boardId, message, (err, ack) => {
      this.unacked -= 1;
      if (err) return this.error('no ack within the ack timeout');
      if (!ack?.ok) {
        const detail = [ack?.path && `at ${ack.path}`, ack?.reason].filter(Boolean).join(' ');
        return this.error(`refused: ${ack?.error}${detail ? ` (${detail})` : ''}`);
      }
      if (sentAt !== undefined) this.onAck?.(sentAt, now());
      onOk?.();
    });
  }

  close() {
    this.closed = true;
    this.socket.disconnect();
    this.doc.destroy();
  }
}

const MESSAGE_SYNC = 0;

export class YWebsocketClient extends BaseClient {
  /** @param {{url: string, room: string, name: string}} options */
  constructor({ url, room, name }) {
    super(name);
    this.url = `${url}/${room}`;
    this.synced = false;
    this.ws = null;
    this.unacked = 0; // y-websocket has no acks
    this.doc.on('update', (update, origin) => {
      if (origin === REMOTE || !this.ws || this.ws.readyState !== WebSocket.OPEN) return;
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MESSAGE_SYNC);
      syncProtocol.writeUpdate(encoder, update);
      this.ws.send(encoding.toUint8Array(encoder));
    });
  }

  connect(timeoutMs = 20_000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`${this.name}: not synced within ${timeoutMs} ms`)), timeoutMs);
      let done = false;
      const finish = (err) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (err) reject(err);
        else resolve();
      };
      const ws = new WebSocket(this.url, { perMessageDeflate: false });
      ws.binaryType = 'nodebuffer';
      this.ws = ws;
      ws.on('open', () => {
        const encoder = encoding.createEncoder();
        encoding.writeVarUint(encoder, MESSAGE_SYNC);
        syncProtocol.writeSyncStep1(encoder, this.doc);
        ws.send(encoding.toUint8Array(encoder));
      });
      ws.on('message', (data) => {
        const decoder = decoding.createDecoder(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
        const type = decoding.readVarUint(decoder);
        if (type !== MESSAGE_SYNC) return; // awareness
        const encoder = encoding.createEncoder();
        encoding.writeVarUint(encoder, MESSAGE_SYNC);
        const step = syncProtocol.readSyncMessage(decoder, encoder, this.doc, REMOTE);
        if (encoding.length(encoder) > 1) ws.send(encoding.toUint8Array(encoder));
        if (step === syncProtocol.messageYjsSyncStep2 && !this.synced) {
          this.synced = true;
          finish();
        }
      });
      ws.on('error', (err) => {
        this.error(`websocket error ${err.message}`);
        finish(err);
      });
      ws.on('close', () => {
        if (!this.closed) this.error('connection closed');
        finish(new Error(`${this.name}: closed before sync`));
      });
    });
  }

  edit(fn) {
    this.doc.transact(fn);
  }

  close() {
    this.closed = true;
    this.ws?.close();
    this.doc.destroy();
  }
}
