export * from './boards.module';
export * from './boards.service';
export * from './boards.repository';
