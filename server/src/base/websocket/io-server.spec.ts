import { createServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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
});
