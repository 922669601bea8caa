export * from './sync-io.adapter';
