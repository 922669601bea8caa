export * from './errors/error-codes';
export * from './protocol/sync-protocol';
export * from './auth/auth.schemas';
export * from './protocol/sync-codec';
export * from './board';
export * from './directory/directory.schemas';
export * from './boards/membership.schemas';
export * from './boards/audit.schemas';
