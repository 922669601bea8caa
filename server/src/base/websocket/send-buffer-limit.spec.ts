import { EventEmitter } from 'node:events';
import type { Server } from 'socket.io';
import { limitSendBuffers, SlowClient } from './send-buffer-limit';

class FakeConnection extends EventEmitter {
  id = 'c1';
  readyState = 'open';
  remoteAddress = '127.0.0.1';
  closed: boolean | undefined;
  terminated = false;
  readonly transport = { name: 'websocket', socket: { bufferedAmount: 0, terminate: () => (this.terminated = true) } };
  close(discard?: boolean): void {
    this.closed = discard ?? false;
  }
  /** What engine.io does: packetCreate, then (when the transport is writable) flush hands the buffer over. */
  send(bytes: number, options: { flushed?: boolean } = {}): void {
    this.emit('packetCreate', { data: Buffer.alloc(bytes) });
    if (options.flushed) {
      this.emit('flush');
      this.transport.socket.bufferedAmount += bytes;
    }
  }
}

function setup(maxBytes: number) {
  const engine = new EventEmitter();
  const cut: SlowClient[] = [];
  limitSendBuffers({ engine } as unknown as Server, maxBytes, (client) => cut.push(client));
  const conn = new FakeConnection();
  engine.emit('connection', conn);
  return { conn, cut };
}

describe(limitSendBuffers.name, () => {
  it('lets a client that keeps up receive any amount', () => {
    const { conn, cut } = setup(1000);
    for (let i = 0; i < 100; i++) {
      conn.send(600, { flushed: true });
      conn.transport.socket.bufferedAmount = 0; // written out
    }
    expect(cut).toEqual([]);
  });

  it('cuts off a connection once more than the limit waits beyond its largest message', () => {
    const { conn, cut } = setup(1000);
    conn.send(400, { flushed: true }); // in the WebSocket's buffer
    conn.send(400); // in engine.io's write buffer
    conn.send(400);
    expect(cut).toEqual([]);
    conn.send(400);
    expect(cut).toEqual([{ connectionId: 'c1', remoteAddress: '127.0.0.1', bufferedBytes: 1600 }]);
    expect(conn.terminated).toBe(true);
    expect(conn.closed).toBe(true);
    conn.send(400);
    expect(cut).toHaveLength(1);
  });

  it('allows one message bigger than the limit (a big board joined on a slow link)', () => {
    const { conn, cut } = setup(1000);
    conn.send(5000, { flushed: true });
    conn.send(100);
    expect(cut).toEqual([]);
    conn.send(1000);
    expect(cut).toHaveLength(1);
  });

  it('does nothing with a limit of 0', () => {
    const { conn, cut } = setup(0);
    for (let i = 0; i < 10; i++) conn.send(10_000);
    expect(cut).toEqual([]);
    expect(conn.listenerCount('packetCreate')).toBe(0);
  });
});
