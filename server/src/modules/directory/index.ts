export * from './directory.module';
export * from './directory.repository';
export * from './admin.guard';
