// Light sync clients for load generation, one plain WebSocket each (`ws`), for the three servers:
// - RawGongjianClient: engine.io 4 / socket.io 5 framing by hand on /sync (what socket.io-client
//   sends: `40/sync,`, `42/sync,<id>["join",…]`, binary events as a `45…` header and one binary
//   frame), the y messages of docs/protocol.md.
// - RawYWebsocketClient: y-websocket's protocol (y-protocols bytes, room in the URL).
// - RawHocuspocusClient: Hocuspocus' protocol (every message prefixed with the document name;
//   an Auth token message first; `SyncStatus` acks for every update).
// Each holds a Y.Doc. With `apply: true` (a reader probe, or a verifier) it completes the initial
// sync and applies every update it receives; with `apply: false` (a load client) it only counts
// the updates delivered to it (cheap: no decoding), so one benchmark process can drive hundreds
// of clients. Every client sends each local doc update at once; cursor clients send awareness.
import WebSocket from 'ws';
import { awareness as awarenessProtocol, decoding, encoding, Y } from './cjs.mjs';
import { now } from './bench-clients.mjs';

export const REMOTE = Symbol('remote');
const SYNC = 0;
const AWARENESS = 1;
const STEP1 = 0;
const STEP2 = 1;
const UPDATE = 2;

class RawClient {
  constructor({ name, apply = false, onAck }) {
    this.name = name;
    this.apply = apply;
    this.onAck = onAck;
    this.doc = new Y.Doc();
    this.errors = [];
    this.closed = false;
    this.synced = false;
    /** Sync updates delivered to this client (not decoded unless `apply`). */
    this.updatesIn = 0;
    this.awarenessIn = 0;
    this.bytesIn = 0;
    this.unacked = 0;
    this.ws = null;
    this.awareness = null;
    this.pendingSentAt = [];
    this.doc.on('update', (update, origin) => {
      if (origin === REMOTE || !this.ready()) return;
      this.sendSync(UPDATE, update, this.editSentAt);
    });
  }

  error(message) {
    if (this.errors.length < 20) this.errors.push(`${this.name}: ${message}`);
  }

  ready() {
    return this.ws !== null && this.ws.readyState === WebSocket.OPEN;
  }

  /** Makes a local edit; its update is sent at once (`sentAt`, when given, is passed to onAck). */
  edit(fn, sentAt) {
    this.editSentAt = sentAt;
    try {
      this.doc.transact(fn);
    } finally {
      this.editSentAt = undefined;
    }
  }

  /** Sends this client's cursor (an awareness update of its own state). */
  moveCursor(x, y) {
    if (!this.awareness) this.awareness = new awarenessProtocol.Awareness(this.doc);
    this.awareness.setLocalStateField('cursor', { x, y });
    const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, [this.doc.clientID]);
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, AWARENESS);
    encoding.writeVarUint8Array(encoder, update);
    this.sendMessage(encoding.toUint8Array(encoder), false);
  }

  /** y-protocols sync message `kind` (STEP1/STEP2/UPDATE) with `payload`. */
  sendSync(kind, payload, sentAt) {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, SYNC);
    encoding.writeVarUint(encoder, kind);
    if (kind === STEP1) encoding.writeVarUint8Array(encoder, payload);
    else encoding.writeVarUint8Array(encoder, payload);
    this.sendMessage(encoding.toUint8Array(encoder), kind !== STEP1, sentAt);
  }

  /** A y message (`[type, …]` bytes) from the server. */
  onY(bytes) {
    this.bytesIn += bytes.byteLength;
    if (bytes[0] === AWARENESS) {
      this.awarenessIn += 1;
      return;
    }
    if (bytes[0] !== SYNC) return;
    const step = bytes[1];
    if (step === UPDATE) this.updatesIn += 1;
    if (!this.apply) {
      if (step === STEP2) this.synced = true;
      return;
    }
    const decoder = decoding.createDecoder(bytes);
    decoding.readVarUint(decoder);
    decoding.readVarUint(decoder);
    if (step === STEP1) {
      const sv = decoding.readVarUint8Array(decoder);
      this.sendSync(STEP2, Y.encodeStateAsUpdate(this.doc, sv));
    } else {
      Y.applyUpdate(this.doc, decoding.readVarUint8Array(decoder), REMOTE);
      if (step === STEP2) this.synced = true;
    }
  }

  close() {
    this.closed = true;
    try {
      this.ws?.close();
    } catch {
      // already closed
    }
    this.awareness?.destroy();
    this.doc.destroy();
  }

  /** Resolves once `check()` holds; rejects on an error or after `timeoutMs`. */
  waitUntil(check, timeoutMs, what) {
    return new Promise((resolve, reject) => {
      const deadline = Date.now() + timeoutMs;
      const poll = () => {
        if (this.errors.length > 0) return reject(new Error(this.errors.join('; ')));
        if (check()) return resolve();
        if (Date.now() > deadline) return reject(new Error(`${this.name}: ${what} not within ${timeoutMs} ms`));
        setTimeout(poll, 5);
      };
      poll();
    });
  }

  openSocket(url, headers, onOpen) {
    const ws = new WebSocket(url, {
      perMessageDeflate: false,
      headers,
      maxPayload: 256 * 1024 * 1024,
      skipUTF8Validation: true,
    });
    ws.binaryType = 'nodebuffer';
    this.ws = ws;
    ws.on('open', onOpen);
    ws.on('message', (data, isBinary) => this.onFrame(data, isBinary));
    ws.on('error', (err) => this.error(`websocket error ${err.message}`));
    ws.on('close', (code, reason) => {
      if (!this.closed) this.error(`connection closed (${code} ${reason})`);
    });
  }
}

/** engine.io 4 + socket.io 5 on the /sync namespace, framed by hand. */
export class RawGongjianClient extends RawClient {
  /** @param {{url: string, boardId: string, cookie: string, name: string, apply?: boolean, onAck?: Function}} o */
  constructor({ url, boardId, cookie, name, apply, onAck, ackTimeoutMs = 30_000 }) {
    super({ name, apply, onAck });
    this.url = url.replace(/^http/, 'ws') + '/socket.io/?EIO=4&transport=websocket';
    this.cookie = cookie;
    this.boardId = boardId;
    this.ackTimeoutMs = ackTimeoutMs;
    this.nextAck = 0;
    this.acks = new Map();
    this.binaryPending = 0;
    this.joined = false;
    this.role = null;
    this.joinMs = NaN;
  }

  ready() {
    return this.joined && super.ready();
  }

  /** Connects and joins; with `apply`, also waits for the server's state (sync step 2). */
  connect(timeoutMs = 30_000) {
    const started = now();
    this.openSocket(this.url, { cookie: this.cookie }, () => {});
    this.onNamespace = () => {
      this.emitAck('join', [{ boardId: this.boardId }], (ack) => {
        if (!ack?.ok) return this.error(`join refused: ${ack?.error}`);
        this.role = ack.role;
        this.joined = true;
        this.joinMs = now() - started;
        // Ask for the server's state (a reader needs it; a load client gets it and ignores it).
        if (this.apply || this.wantState) this.sendSync(STEP1, Y.encodeStateVector(this.doc));
        else this.synced = true;
      });
    };
    return this.waitUntil(() => this.joined && this.synced, timeoutMs, 'join and sync');
  }

  onFrame(data, isBinary) {
    if (isBinary) {
      if (this.binaryPending > 0) {
        this.binaryPending -= 1;
        this.onY(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      }
      return;
    }
    // Fast path for the frame that precedes every delivery: `451-/sync,[…]` (one attachment follows).
    if (data.length > 4 && data[0] === 0x34 && data[1] === 0x35 && data[2] === 0x31 && data[3] === 0x2d) {
      this.binaryPending += 1;
      return;
    }
    const text = data.toString();
    const type = text[0];
    if (type === '2') return this.ws.send('3'); // ping → pong
    if (type === '0') return this.ws.send('40/sync,');
    if (type !== '4') return;
    const packet = text[1];
    if (packet === '0') return this.onNamespace?.();
    if (packet === '4') return this.error(`namespace refused: ${text}`);
    if (packet === '5') {
      // "45<n>-/sync,[…]": n binary attachments follow.
      this.binaryPending += Number(text.slice(2, text.indexOf('-')));
      return;
    }
    if (packet === '3') {
      // "43/sync,<id>[ack]"
      const comma = text.indexOf(',');
      const bracket = text.indexOf('[', comma);
      const id = Number(text.slice(comma + 1, bracket));
      const handler = this.acks.get(id);
      if (handler) {
        this.acks.delete(id);
        clearTimeout(handler.timer);
        handler.fn(JSON.parse(text.slice(bracket))[0]);
      }
    }
  }

  emitAck(event, args, fn) {
    const id = this.nextAck++;
    const timer = setTimeout(() => {
      this.acks.delete(id);
      this.error(`no ack for ${event} within ${this.ackTimeoutMs} ms`);
    }, this.ackTimeoutMs);
    this.acks.set(id, { fn, timer });
    this.ws.send(`42/sync,${id}${JSON.stringify([event, ...args])}`);
  }

  sendMessage(bytes, withAck, sentAt) {
    if (!super.ready()) return;
    const header = `["y",${JSON.stringify(this.boardId)},{"_placeholder":true,"num":0}]`;
    if (withAck) {
      const id = this.nextAck++;
      this.unacked += 1;
      const timer = setTimeout(() => {
        this.acks.delete(id);
        this.error(`no ack within ${this.ackTimeoutMs} ms`);
      }, this.ackTimeoutMs);
      this.acks.set(id, {
        timer,
        fn: (ack) => {
          this.unacked -= 1;
          if (!ack?.ok) return this.error(`refused: ${ack?.error} ${ack?.path ?? ''} ${ack?.reason ?? ''}`);
          if (sentAt !== undefined) this.onAck?.(sentAt, now());
        },
      });
      this.ws.send(`451-/sync,${id}${header}`);
    } else {
      this.ws.send(`451-/sync,${header}`);
    }
    this.ws.send(bytes);
  }

  close() {
    for (const { timer } of this.acks.values()) clearTimeout(timer);
    this.acks.clear();
    super.close();
  }
}

/** y-websocket 2.x: y-protocols bytes over a WebSocket per room. No acks. */
export class RawYWebsocketClient extends RawClient {
  constructor({ url, room, name, apply }) {
    super({ name, apply });
    this.url = `${url}/${room}`;
    this.joinMs = NaN;
  }

  connect(timeoutMs = 30_000) {
    const started = now();
    this.openSocket(this.url, {}, () => {
      this.joinMs = now() - started;
      // y-websocket's server sends its step 1 first; a reader also asks for the state.
      this.sendSync(STEP1, Y.encodeStateVector(this.doc));
      if (!this.apply && !this.wantState) this.synced = true;
    });
    return this.waitUntil(() => this.synced, timeoutMs, 'sync');
  }

  onFrame(data) {
    this.onY(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }

  sendMessage(bytes) {
    if (super.ready()) this.ws.send(bytes);
  }
}

const HP_SYNC = 0;
const HP_AWARENESS = 1;
const HP_AUTH = 2;
const HP_SYNC_REPLY = 4;
const HP_SYNC_STATUS = 8;

/** Hocuspocus 3.x: [varString document, varUint type, …]; Auth first; SyncStatus acks updates. */
export class RawHocuspocusClient extends RawClient {
  constructor({ url, room, name, apply, onAck }) {
    super({ name, apply, onAck });
    this.url = url;
    this.room = room;
    this.authenticated = false;
    this.ackQueue = [];
    this.joinMs = NaN;
    const prefix = encoding.createEncoder();
    encoding.writeVarString(prefix, room);
    this.prefix = encoding.toUint8Array(prefix);
  }

  ready() {
    return this.authenticated && super.ready();
  }

  connect(timeoutMs = 30_000) {
    const started = now();
    this.openSocket(this.url, {}, () => {
      const encoder = encoding.createEncoder();
      encoding.writeVarString(encoder, this.room);
      encoding.writeVarUint(encoder, HP_AUTH);
      encoding.writeVarUint(encoder, 0); // token
      encoding.writeVarString(encoder, '');
      this.ws.send(encoding.toUint8Array(encoder));
      this.onAuthenticated = () => {
        this.joinMs = now() - started;
        this.sendSync(STEP1, Y.encodeStateVector(this.doc));
        if (!this.apply && !this.wantState) this.synced = true;
      };
    });
    return this.waitUntil(() => this.authenticated && this.synced, timeoutMs, 'auth and sync');
  }

  onFrame(data) {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    // Skip the document name (a varString: varUint length + bytes).
    const decoder = decoding.createDecoder(bytes);
    decoding.readVarString(decoder);
    const type = decoding.readVarUint(decoder);
    const rest = bytes.subarray(decoder.pos);
    if (type === HP_AUTH) {
      const authType = decoding.readVarUint(decoder);
      if (authType === 2) {
        this.authenticated = true;
        this.onAuthenticated?.();
      } else this.error('permission denied');
      return;
    }
    if (type === HP_SYNC_STATUS) {
      this.unacked = Math.max(0, this.unacked - 1);
      const sentAt = this.ackQueue.shift();
      if (sentAt !== undefined && sentAt !== null) this.onAck?.(sentAt, now());
      return;
    }
    if (type === HP_AWARENESS) {
      this.bytesIn += rest.byteLength;
      this.awarenessIn += 1;
      return;
    }
    if (type === HP_SYNC || type === HP_SYNC_REPLY) {
      // Re-frame as [SYNC, step, payload] for onY.
      const framed = new Uint8Array(rest.byteLength + 1);
      framed[0] = SYNC;
      framed.set(rest, 1);
      this.onY(framed);
    }
  }

  sendMessage(bytes, withAck, sentAt) {
    if (!super.ready()) return;
    const framed = new Uint8Array(this.prefix.byteLength + bytes.byteLength);
    framed.set(this.prefix, 0);
    framed.set(bytes, this.prefix.byteLength);
    // Hocuspocus answers every update and every step 2 with a SyncStatus (in order).
    if (bytes[0] === SYNC && (bytes[1] === UPDATE || bytes[1] === STEP2)) {
      this.unacked += 1;
      this.ackQueue.push(withAck ? sentAt : null);
    }
    this.ws.send(framed);
  }
}
