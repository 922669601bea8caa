import { Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppConfig, ConfigModule } from './base/config';
import { Db, DbModule } from './base/db';
import { LoggingModule } from './base/logging';
import { MetricsModule } from './base/metrics';
import { OpenApiModule } from './base/openapi';
import { Storage, StorageModule } from './base/storage';
import { AccessModule } from './modules/access';
import { AuditModule } from './modules/audit';
import { AuthModule } from './modules/auth';
import { BoardsModule } from './modules/boards';
import { DirectoryModule } from './modules/directory';
import { HealthModule } from './modules/health';
import { ReadModelModule } from './modules/readmodel';
import { SyncModule } from './modules/sync';

export interface AppDependencies {
  config: AppConfig;
  logger: Logger;
  db: Db;
  storage: Storage;
}

@Module({})
export class AppModule {
  static forRoot(deps: AppDependencies) {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(deps.config),
        LoggingModule.forRoot(deps.logger),
        DbModule.forRoot(deps.db),
        StorageModule.forRoot(deps.storage),
        MetricsModule,
        AccessModule,
        HealthModule,
        OpenApiModule,
        AuthModule,
        BoardsModule,
        AuditModule,
        DirectoryModule,
        SyncModule,
        ReadModelModule,
      ],
    };
  }
}
