import { Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppConfig, ConfigModule } from './base/config';
import { Db, DbModule } from './base/db';
import { LoggingModule } from './base/logging';
import { MetricsModule } from './base/metrics';
import { Storage, StorageModule } from './base/storage';
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
        HealthModule,
        AuthModule,
        BoardsModule,
        DirectoryModule,
        SyncModule,
        ReadModelModule,
      ],
    };
  }
}
