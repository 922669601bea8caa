import { Global, Module } from '@nestjs/common';
import type { Db } from './database';

export const DB = Symbol('DB');

@Global()
@Module({})
export class DbModule {
  static forRoot(db: Db) {
    return { module: DbModule, providers: [{ provide: DB, useValue: db }], exports: [DB] };
  }
}
