import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import { Counter } from 'prom-client';
import type { Namespace, Server } from 'socket.io';
import { APP_CONFIG, AppConfig } from '../config';
import { ROOT_LOGGER } from '../logging';
import { MetricsService } from '../metrics';
import { isSameSiteRequest } from '../security';
import { createIoServer } from './io-server';

/**
 * The socket.io server, on Nest's HTTP server, created when the first namespace is asked for.
 * Namespaces register their handlers on it directly: Nest's gateway binding would create rxjs
 * observables for every socket. The transport limit sits above MAX_UPDATE_BYTES so that an
 * oversize update reaches the gateway and is refused with `too_large` instead of the connection
 * being cut. A handshake whose `Origin` is neither this site nor in ALLOWED_ORIGINS is refused
 * with 403 before any cookie is looked at (cross-site WebSocket hijacking: browsers send the
 * session cookie on a WebSocket to any origin's page, and WebSockets have no CORS). A connection
 * that stops reading is cut off once SLOW_CLIENT_MAX_BUFFER_BYTES wait for it. Closed (every
 * socket disconnected) on shutdown, after the modules' destroy hooks, as Nest closes gateways.
 */
@Injectable()
export class IoServerService implements BeforeApplicationShutdown {
  private server: Server | undefined;
  private readonly logger: Logger;
  private readonly slowClientsCut: Counter;

  constructor(
    private readonly httpAdapterHost: HttpAdapterHost,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    metrics: MetricsService,
    @Inject(ROOT_LOGGER) root: Logger,
  ) {
    this.logger = root.child({ context: IoServerService.name });
    this.slowClientsCut = new Counter({
      name: 'gj_slow_clients_cut_total',
      help: 'Connections cut off because SLOW_CLIENT_MAX_BUFFER_BYTES waited unsent to them',
      registers: [metrics.registry],
    });
  }

  of(name: string): Namespace {
    this.server ??= this.create();
    return this.server.of(name);
  }

  async beforeApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => void server.close(() => resolve()));
  }

  private create(): Server {
    const httpServer = this.httpAdapterHost.httpAdapter.getHttpServer() as HttpServer;
    return createIoServer(httpServer, {
      maxMessageBytes: this.config.MAX_UPDATE_BYTES * 2 + 64 * 1024,
      allowRequest: (request) =>
        isSameSiteRequest(request, {
          trustProxy: this.config.TRUST_PROXY,
          allowedOrigins: this.config.ALLOWED_ORIGINS,
        }),
      slowClientMaxBufferBytes: this.config.SLOW_CLIENT_MAX_BUFFER_BYTES,
      onSlowClientCut: (client) => {
        this.slowClientsCut.inc();
        this.logger.warn(client, 'connection cut off: it does not read what is sent to it');
      },
    });
  }
}
