import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Namespace, Server, Socket } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { createIoServer } from './io-server';
import { releaseHandshake } from './release-request';
import type { SlowClient } from './send-buffer-limit';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** An io server as the app builds it, with a `/t` namespace that releases the handshake as SyncGateway does. */
class Harness {
  readonly cut: SlowClient[] = [];
  readonly connected: Socket[] = [];
  readonly clients: ClientSocket[] = [];
  private readonly http: HttpServer = createServer();
  readonly io: Server;
  readonly namespace: Namespace;

  constructor(options: { slowClientMaxBufferBytes?: number; onRequest?: (request: IncomingMessage) => void } = {}) {
    this.io = createIoServer(this.http, {
      maxMessageBytes: 1024 * 1024,
      allowRequest: () => true,
      slowClientMaxBufferBytes: options.slowClientMaxBufferBytes ?? 0,
      onSlowClientCut: (client) => this.cut.push(client),
    });
    this.namespace = this.io.of('/t');
    this.namespace.use((socket, next) => {
      options.onRequest?.(socket.request);
      next();
    });
    this.namespace.on('connection', (socket) => {
      releaseHandshake(socket);
      this.connected.push(socket);
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.http.listen(0, '127.0.0.1', resolve));
  }

  /** A connected client and its socket on the server. */
  async connect(): Promise<{ client: ClientSocket; socket: Socket }> {
    const { port } = this.http.address() as AddressInfo;
    const client = connect(`http://127.0.0.1:${port}/t`, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      extraHeaders: { cookie: 'gj_sid=x'.padEnd(2000, 'x') },
    });
    this.clients.push(client);
    const before = this.connected.length;
    await new Promise<void>((resolve, reject) => {
      client.once('connect', resolve);
      client.once('connect_error', reject);
    });
    await until(() => this.connected.length > before);
    return { client, socket: this.connected[this.connected.length - 1] };
  }

  async close(): Promise<void> {
    for (const client of this.clients) client.disconnect();
    await new Promise<void>((resolve) => void this.io.close(() => resolve()));
  }
}

/** The TCP socket under a server-side socket.io socket. */
function tcpOf(socket: Socket): Duplex {
  return (socket.conn.transport as unknown as { socket: { _socket: Duplex } }).socket._socket;
}

/** Counts the writes handed to the operating system for a TCP socket (one `write`/`writev` each). */
function countWrites(socket: Socket): { count: number } {
  const tcp = tcpOf(socket) as Duplex & Record<'_write' | '_writev', (...args: unknown[]) => void>;
  const counter = { count: 0 };
  for (const method of ['_write', '_writev'] as const) {
    const original = tcp[method];
    tcp[method] = function (this: Duplex, ...args: unknown[]) {
      counter.count += 1;
      return original.apply(this, args);
    };
  }
  return counter;
}

/** Collects `y` events (`key, bytes`) until `count` have arrived. */
function receive(client: ClientSocket, count: number): Promise<Array<[string, Buffer]>> {
  const received: Array<[string, Buffer]> = [];
  return new Promise((resolve) => {
    client.on('y', (key: string, data: Buffer) => {
      received.push([key, Buffer.from(data)]);
      if (received.length === count) resolve(received);
    });
  });
}

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const turnOver = () => new Promise((resolve) => setImmediate(resolve));

describe(createIoServer.name, () => {
  let harness: Harness;
  afterEach(async () => harness.close());

  describe('the upgrade request', () => {
    it('is released once the socket is connected', async () => {
      harness = new Harness();
      await harness.listen();
      const { socket } = await harness.connect();
      expect(socket.conn.request).toBeNull();
      expect(socket.request).toBeNull();
      expect(socket.handshake.headers).toEqual({});
      expect(socket.handshake.address).toBe('127.0.0.1');
      expect(socket.conn.remoteAddress).toBe('127.0.0.1');
    });

    it('is garbage-collected while the connection stays open', async () => {
      let request: WeakRef<IncomingMessage> | undefined;
      harness = new Harness({ onRequest: (r) => (request = new WeakRef(r)) });
      await harness.listen();
      const { client, socket } = await harness.connect();
      // A WeakRef's target is kept until the end of the turn that created or read it.
      await turnOver();
      gc();
      await turnOver();
      gc();
      expect(request).toBeDefined();
      expect(request?.deref() === undefined).toBe(true);
      expect(socket.connected && client.connected).toBe(true);
    });
  });

  describe('writes', () => {
    it('sends everything emitted to a socket in one turn in one write, in order', async () => {
      harness = new Harness();
      await harness.listen();
      const { client, socket } = await harness.connect();
      const writes = countWrites(socket);
      const arrived = receive(client, 50);
      const sent = Array.from({ length: 50 }, (_, i) => randomBytes(1 + i * 4));
      sent.forEach((bytes, i) => socket.emit('y', `m${i}`, bytes));
      await turnOver();
      expect(writes.count).toBe(1);
      expect(await arrived).toEqual(sent.map((bytes, i) => [`m${i}`, bytes]));
    });

    it('sends a turn of room broadcasts to each socket in one write', async () => {
      harness = new Harness();
      await harness.listen();
      const peers = [await harness.connect(), await harness.connect(), await harness.connect()];
      for (const { socket } of peers) socket.join('room');
      const writes = peers.map(({ socket }) => countWrites(socket));
      const arrived = peers.map(({ client }) => receive(client, 20));
      const sent = Array.from({ length: 20 }, () => randomBytes(100));
      for (const bytes of sent) harness.namespace.to('room').emit('y', 'board', bytes);
      await turnOver();
      expect(writes.map((w) => w.count)).toEqual([1, 1, 1]);
      for (const received of await Promise.all(arrived)) expect(received).toEqual(sent.map((b) => ['board', b]));
    });

    it('delivers multi-megabyte messages among small ones intact and in order', async () => {
      harness = new Harness();
      await harness.listen();
      const { client, socket } = await harness.connect();
      const sizes = [10, 3_000_000, 10, 5_000_000, 10, 200_000, 10];
      const arrived = receive(client, sizes.length * 2);
      const sent = [...sizes, ...sizes].map((size) => randomBytes(size));
      // One turn, then another while the first is still being written.
      sent.slice(0, sizes.length).forEach((bytes, i) => socket.emit('y', `m${i}`, bytes));
      await turnOver();
      sent.slice(sizes.length).forEach((bytes, i) => socket.emit('y', `m${i + sizes.length}`, bytes));
      const received = await arrived;
      expect(received.map(([key]) => key)).toEqual(sent.map((_, i) => `m${i}`));
      received.forEach(([, bytes], i) => expect(bytes.equals(sent[i])).toBe(true));
    });

    it('delivers what was emitted just before the server disconnects the socket', async () => {
      harness = new Harness();
      await harness.listen();
      const { client, socket } = await harness.connect();
      const arrived = receive(client, 3);
      const disconnected = new Promise((resolve) => client.once('disconnect', resolve));
      const sent = [randomBytes(10), randomBytes(100_000), randomBytes(10)];
      sent.forEach((bytes, i) => socket.emit('y', `m${i}`, bytes));
      socket.disconnect(true);
      expect(await arrived).toEqual(sent.map((bytes, i) => [`m${i}`, bytes]));
      expect(await disconnected).toBe('io server disconnect');
    });

    it('survives a client that hangs up in the middle of a send, and keeps serving others', async () => {
      harness = new Harness();
      await harness.listen();
      const { client, socket } = await harness.connect();
      const gone = new Promise((resolve) => socket.once('disconnect', resolve));
      let sends = 0;
      const pump = setInterval(() => {
        for (let i = 0; i < 4; i++) socket.emit('y', 'big', randomBytes(1_000_000));
        sends += 1;
      }, 1);
      try {
        await new Promise((resolve) => client.once('y', resolve));
        (client.io.engine.transport as unknown as { ws: { _socket: Duplex } }).ws._socket.destroy();
        await gone;
      } finally {
        clearInterval(pump);
      }
      expect(sends).toBeGreaterThan(0);
      expect(socket.connected).toBe(false);
      const other = await harness.connect();
      const arrived = receive(other.client, 1);
      other.socket.emit('y', 'after', Buffer.from([1, 2, 3]));
      expect(await arrived).toEqual([['after', Buffer.from([1, 2, 3])]]);
    });

    it('still cuts off a client that stops reading', async () => {
      harness = new Harness({ slowClientMaxBufferBytes: 1024 * 1024 });
      await harness.listen();
      const { client, socket } = await harness.connect();
      (client.io.engine.transport as unknown as { ws: { _socket: Duplex } }).ws._socket.pause();
      const gone = new Promise((resolve) => socket.once('disconnect', resolve));
      const pump = setInterval(() => socket.emit('y', 'big', randomBytes(64 * 1024)), 1);
      try {
        await gone;
      } finally {
        clearInterval(pump);
      }
      expect(harness.cut).toHaveLength(1);
      expect(harness.cut[0].bufferedBytes).toBeGreaterThan(1024 * 1024);
      expect(harness.cut[0].bufferedBytes).toBeLessThan(1024 * 1024 + 2 * 64 * 1024 + 1024);
    });
  });
});
