export * from './audit-facts';
export * from './audit.repository';
export * from './audit-writer.service';
export * from './audit.module';
