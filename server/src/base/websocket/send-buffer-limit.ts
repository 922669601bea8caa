import type { EventEmitter } from 'node:events';
import type { Server } from 'socket.io';

/** What is read of an engine.io connection (engine.io's own types keep these members internal). */
interface EngineConnection extends EventEmitter {
  id: string;
  readyState: string;
  remoteAddress?: string;
  transport: { name: string; socket?: { bufferedAmount?: number; terminate?: () => void } };
  close(discard?: boolean): void;
}

interface EnginePacket {
  data?: unknown;
}

export interface SlowClient {
  /** The engine.io connection id (not the socket.io socket id). */
  connectionId: string;
  remoteAddress: string | undefined;
  /** Bytes waiting to be sent to it when it was cut off. */
  bufferedBytes: number;
}

/**
 * Cuts off a connection that does not read what the server sends it, before its send buffer
 * holds more than `maxBytes` beyond its largest message, so that one stalled client (a frozen
 * tab, a dead network path that TCP has not noticed yet) cannot make the server's memory grow
 * with everything that is sent to its boards meanwhile.
 *
 * What waits for a connection is what engine.io has queued for it (its write buffer, filled
 * while the transport is still busy with earlier packets) plus what the WebSocket has been
 * handed but the operating system has not taken (`bufferedAmount`). Both are checked, in O(1),
 * whenever a packet is queued for the connection, which is the only time they grow. The largest
 * message since the backlog was last empty is allowed on top, so that a client fetching a board
 * bigger than the limit (its step 2) is not cut off for that. A connection cut off is terminated
 * at once (its buffers freed, not flushed) and its client reconnects and syncs as after any
 * disconnect.
 */
export function limitSendBuffers(io: Server, maxBytes: number, onCut: (client: SlowClient) => void): void {
  if (maxBytes <= 0) return;
  io.engine.on('connection', (conn: EngineConnection) => {
    let queued = 0;
    let largest = 0;
    let cut = false;
    conn.on('packetCreate', (packet: EnginePacket) => {
      if (cut) return;
      const size = packetBytes(packet);
      const before = queued + handedOver(conn);
      if (before === 0) largest = 0;
      queued += size;
      if (size > largest) largest = size;
      const buffered = before + size;
      if (buffered <= maxBytes + largest) return;
      cut = true;
      terminate(conn);
      onCut({ connectionId: conn.id, remoteAddress: conn.remoteAddress, bufferedBytes: buffered });
    });
    // The write buffer went to the transport: from now on it counts in `bufferedAmount`.
    conn.on('flush', () => (queued = 0));
  });
}

function handedOver(conn: EngineConnection): number {
  return conn.transport.name === 'websocket' ? (conn.transport.socket?.bufferedAmount ?? 0) : 0;
}

function packetBytes(packet: EnginePacket): number {
  const { data } = packet;
  if (typeof data === 'string') return data.length;
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data.byteLength;
  return 0;
}

function terminate(conn: EngineConnection): void {
  const { transport } = conn;
  // Drops what the WebSocket holds without flushing it (a close handshake would wait behind it).
  if (transport.name === 'websocket') transport.socket?.terminate?.();
  // Discards engine.io's write buffer and closes the connection now rather than after a drain.
  conn.close(true);
}
