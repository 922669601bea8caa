export * from './app-error';
export * from './map-any-error';
export * from './all-exceptions.filter';
export * from './zod-body';
