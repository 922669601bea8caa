import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { IncomingMessage } from 'node:http';
import type { ServerOptions } from 'socket.io';
import type { AppConfig } from '../config';
import { isSameSiteRequest } from '../security';

/**
 * socket.io server options from config. The transport limit sits above MAX_UPDATE_BYTES so that
 * an oversize update reaches the gateway and is refused with `too_large` instead of the
 * connection being cut. A handshake whose `Origin` is neither this site nor in ALLOWED_ORIGINS is
 * refused with 403 before any cookie is looked at (cross-site WebSocket hijacking: browsers send
 * the session cookie on a WebSocket to any origin's page, and WebSockets have no CORS).
 */
export class SyncIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions) {
    return super.createIOServer(port, {
      ...options,
      maxHttpBufferSize: this.config.MAX_UPDATE_BYTES * 2 + 64 * 1024,
      perMessageDeflate: false,
      pingInterval: 20_000,
      pingTimeout: 20_000,
      connectionStateRecovery: undefined,
      allowRequest: (
        request: IncomingMessage,
        callback: (err: string | null | undefined, success: boolean) => void,
      ) => {
        const allowed = isSameSiteRequest(request, {
          trustProxy: this.config.TRUST_PROXY,
          allowedOrigins: this.config.ALLOWED_ORIGINS,
        });
        callback(allowed ? null : 'origin not allowed', allowed);
      },
    });
  }
}
