export * from './board-enums';
export * from './board-values';
export * from './board-schema';
export * from './board-data';
export * from './gates';
export * from './derived';
export * from './templates';
export * from './labels';
