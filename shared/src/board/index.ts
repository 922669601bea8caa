export * from './board-enums';
export * from './board-values';
export * from './board-schema';
export * from './board-data';
export * from './gates';
