export * from './access-events.service';
export * from './access.module';
