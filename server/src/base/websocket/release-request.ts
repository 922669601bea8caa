import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Server, Socket } from 'socket.io';

/**
 * engine.io answers a WebSocket upgrade with a stand-in response that its TCP socket's `close`
 * listener keeps for the connection's lifetime, and the stand-in keeps the upgrade request. Once
 * the handshake has gone through the middleware chain nothing reads the request through it, so
 * this (the last engine.io middleware) lets go of it.
 */
export function releaseUpgradeResponses(io: Server): void {
  io.engine.use((_request: IncomingMessage, response: ServerResponse, next: (err?: unknown) => void) => {
    next();
    if (!(response instanceof ServerResponse)) (response as { req?: IncomingMessage }).req = undefined;
  });
}

/**
 * Lets the upgrade request and its headers be collected once a socket is connected (after the
 * namespace middleware authenticated it): engine.io keeps the request and socket.io the headers
 * for the connection's lifetime, ~1 KB a socket that nothing reads afterwards. The client's
 * address stays in `socket.conn.remoteAddress` and `socket.handshake.address`. A namespace
 * connected later on the same connection finds no headers (socket.io allows for a missing
 * request) and so no session cookie.
 */
export function releaseHandshake(socket: Socket): void {
  (socket.conn as { request: IncomingMessage | null }).request = null;
  socket.handshake.headers = {};
}
