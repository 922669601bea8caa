import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { Counter } from 'prom-client';
import type { Server, ServerOptions } from 'socket.io';
import type { AppConfig } from '../config';
import { ROOT_LOGGER } from '../logging';
import { MetricsService } from '../metrics';
import { isSameSiteRequest } from '../security';
import { limitSendBuffers } from './send-buffer-limit';

/**
 * socket.io server options from config. The transport limit sits above MAX_UPDATE_BYTES so that
 * an oversize update reaches the gateway and is refused with `too_large` instead of the
 * connection being cut. A handshake whose `Origin` is neither this site nor in ALLOWED_ORIGINS is
 * refused with 403 before any cookie is looked at (cross-site WebSocket hijacking: browsers send
 * the session cookie on a WebSocket to any origin's page, and WebSockets have no CORS). A
 * connection that stops reading is cut off once SLOW_CLIENT_MAX_BUFFER_BYTES wait for it
 * (send-buffer-limit.ts).
 */
export class SyncIoAdapter extends IoAdapter {
  constructor(
    private readonly appContext: INestApplicationContext,
    private readonly config: AppConfig,
  ) {
    super(appContext);
  }

  override createIOServer(port: number, options?: ServerOptions) {
    const server = this.createServer(port, options);
    this.limitSlowClients(server);
    return server;
  }

  private limitSlowClients(server: Server): void {
    const metrics = this.appContext.get(MetricsService, { strict: false });
    const logger = this.appContext.get<Logger>(ROOT_LOGGER, { strict: false }).child({ context: SyncIoAdapter.name });
    const cut = new Counter({
      name: 'gj_slow_clients_cut_total',
      help: 'Connections cut off because SLOW_CLIENT_MAX_BUFFER_BYTES waited unsent to them',
      registers: [metrics.registry],
    });
    limitSendBuffers(server, this.config.SLOW_CLIENT_MAX_BUFFER_BYTES, (client) => {
      cut.inc();
      logger.warn(client, 'connection cut off: it does not read what is sent to it');
    });
  }

  private createServer(port: number, options?: ServerOptions): Server {
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
