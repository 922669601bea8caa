import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { CorkingWebSocketServer } from './corked-websocket';
import { releaseUpgradeResponses } from './release-request';
import { limitSendBuffers, SlowClient } from './send-buffer-limit';

export interface IoServerSettings {
  /** The largest message the transport accepts. */
  maxMessageBytes: number;
  /** Whether a handshake may go ahead; refused with 403 otherwise. */
  allowRequest(request: IncomingMessage): boolean;
  /** What may wait unsent for one connection (0: no limit); see send-buffer-limit.ts. */
  slowClientMaxBufferBytes: number;
  onSlowClientCut(client: SlowClient): void;
}

/**
 * A socket.io server on `httpServer`: WebSockets corked per event-loop turn (corked-websocket.ts),
 * the upgrade request released after the handshake (release-request.ts), slow clients cut off
 * (send-buffer-limit.ts), no compression, no connection state recovery.
 */
export function createIoServer(httpServer: HttpServer, settings: IoServerSettings): Server {
  const io = new Server(httpServer, {
    maxHttpBufferSize: settings.maxMessageBytes,
    perMessageDeflate: false,
    pingInterval: 20_000,
    pingTimeout: 20_000,
    connectionStateRecovery: undefined,
    wsEngine: CorkingWebSocketServer,
    allowRequest: (request, callback) => {
      const allowed = settings.allowRequest(request);
      callback(allowed ? null : 'origin not allowed', allowed);
    },
  });
  releaseUpgradeResponses(io);
  limitSendBuffers(io, settings.slowClientMaxBufferBytes, settings.onSlowClientCut);
  return io;
}
