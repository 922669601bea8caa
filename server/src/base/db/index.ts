export * from './database';
export * from './database.types';
export * from './db.module';
