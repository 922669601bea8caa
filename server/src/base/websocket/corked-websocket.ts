import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer, type ServerOptions } from 'ws';

type SendData = Parameters<WebSocket['send']>[0];
type SendOptions = Exclude<Parameters<WebSocket['send']>[1], SendCallback | undefined>;
type SendCallback = (err?: Error) => void;

/**
 * A ws WebSocket that hands everything sent to it in one event-loop turn to the kernel in one
 * write. engine.io sends each packet with its own `send` and the next one only from the previous
 * one's callback, and socket.io sends a binary event as two packets (a text header, then the
 * attachment), so each packet used to be a system call of its own: ~20 for one update to 10
 * sockets.
 *
 * The first send of a turn corks the TCP socket, which is uncorked on the next tick: whatever
 * was sent meanwhile goes out as one `writev`. A write completes only after the uncork, so while
 * the socket's buffer is below its high-water mark the callback is called as soon as the frame is
 * queued, and engine.io hands over its next packet in the same turn. Past the high-water mark
 * (a slow reader, a big board) the callback waits for the write as before, and engine.io keeps
 * the packets that follow in its own buffer. Either way what waits for a client is in engine.io's
 * write buffer or in `bufferedAmount` (which counts what is corked), where send-buffer-limit.ts
 * looks for it; a write error still reaches engine.io through the WebSocket's `close` event.
 */
export class CorkedWebSocket extends WebSocket {
  private corked = false;

  override send(data: SendData, optionsOrCallback?: SendOptions | SendCallback, callback?: SendCallback): void {
    const options = typeof optionsOrCallback === 'function' ? {} : (optionsOrCallback ?? {});
    const done = typeof optionsOrCallback === 'function' ? optionsOrCallback : callback;
    const socket = tcpSocketOf(this);
    if (this.readyState !== WebSocket.OPEN || !socket) return super.send(data, options, done);
    if (!this.corked) {
      this.corked = true;
      socket.cork();
      process.nextTick(CorkedWebSocket.uncork, this, socket);
    }
    if (!done || socket.writableNeedDrain) return super.send(data, options, done);
    super.send(data, options);
    done();
  }

  private static uncork(this: void, websocket: CorkedWebSocket, socket: Duplex): void {
    websocket.corked = false;
    socket.uncork();
  }
}

/** engine.io's `wsEngine`: a ws server whose WebSockets are {@link CorkedWebSocket}s. */
export class CorkingWebSocketServer extends WebSocketServer {
  constructor(options: ServerOptions, callback?: () => void) {
    super({ ...options, WebSocket: CorkedWebSocket }, callback);
  }
}

/** The TCP socket under a server-side WebSocket (ws keeps it internal; engine.io reads it too). */
function tcpSocketOf(websocket: WebSocket): Duplex | null {
  return (websocket as unknown as { _socket: Duplex | null })._socket;
}
