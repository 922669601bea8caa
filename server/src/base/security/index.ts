export * from './origin';
export * from './security-headers';
