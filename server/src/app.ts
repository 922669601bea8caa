import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express, { NextFunction, Request, Response } from 'express';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppModule } from './app.module';
import { AppConfig } from './base/config';
import { migrateToLatest, openDatabase } from './base/db';
import { AllExceptionsFilter } from './base/errors';
import { createRootLogger, Logger, NestPinoLogger } from './base/logging';
import { MetricsService } from './base/metrics';
import { appPageCsp, securityHeaders } from './base/security';
import { openStorage } from './base/storage';
import { seedDemo } from './modules/demo';

export interface RunningApp {
  app: INestApplication;
  logger: Logger;
  url: string;
  close(): Promise<void>;
}

const NOT_THE_APP = /^\/(api|socket\.io|metrics|healthz|readyz)(\/|$)/;

/** Opens storage, migrates, seeds the demo when asked, and starts listening. */
export async function startApp(config: AppConfig): Promise<RunningApp> {
  const logger = createRootLogger(config.LOG_LEVEL);
  const { db, kind } = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  await migrateToLatest(db, logger);
  if (config.DEMO) await seedDemo(db, logger);
  // The metrics service exists only once Nest has built the app; the log reports lag through this.
  const lag = { observe: (_ms: number): void => undefined };
  const storage = openStorage(config, db, logger, (ms) => lag.observe(ms));

  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot({ config, logger, db, storage }), {
    logger: new NestPinoLogger(logger),
    bodyParser: false,
  });
  const metrics = app.get(MetricsService);
  lag.observe = (ms) => metrics.streamLag.observe(ms / 1000);
  if (config.TRUST_PROXY) app.set('trust proxy', true);
  app.disable('x-powered-by');
  app.use(securityHeaders({ hsts: config.COOKIE_SECURE }));
  app.use(express.json({ limit: '1mb' }));
  app.useGlobalFilters(new AllExceptionsFilter(logger));
  serveClient(app, config, logger);

  await app.listen(config.PORT, config.HOST);
  // Idle keep-alive connections outlive a load balancer's (60 s) and a client's, so a request is
  // never sent on a connection the server is closing at that moment.
  const httpServer = app.getHttpServer() as { keepAliveTimeout: number; headersTimeout: number };
  httpServer.keepAliveTimeout = 65_000;
  httpServer.headersTimeout = 66_000;
  // socket.io answers its own HTTP requests (handshakes, polling, errors) before Express sees
  // them; they get nosniff too. Added after listen: socket.io re-chains earlier listeners.
  app
    .getHttpServer()
    .prependListener('request', (_request: unknown, response: { setHeader(name: string, value: string): void }) => {
      response.setHeader('X-Content-Type-Options', 'nosniff');
    });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const url = `http://127.0.0.1:${port}`;
  logger.info(
    { url, database: kind, log: storage.log.kind, instanceId: storage.instanceId, demo: config.DEMO },
    'server listening',
  );

  let closed = false;
  return {
    app,
    logger,
    url,
    close: async () => {
      if (closed) return;
      closed = true;
      await app.close();
      await storage.close();
      await db.destroy();
    },
  };
}

/** The built web app, with index.html for every client-side route. */
function serveClient(app: NestExpressApplication, config: AppConfig, logger: Logger): void {
  const dir = resolve(config.CLIENT_DIR ?? join(__dirname, '..', '..', 'client', 'dist'));
  const index = join(dir, 'index.html');
  if (!existsSync(index)) {
    logger.warn({ dir }, 'no built web app found; serving the API only');
    return;
  }
  app.use(express.static(dir, { index: false, maxAge: '1h' }));
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' || NOT_THE_APP.test(req.path)) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Content-Security-Policy', appPageCsp(req, config.TRUST_PROXY));
    res.sendFile(index);
  });
}
