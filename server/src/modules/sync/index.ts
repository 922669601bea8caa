export * from './sync.module';
export * from '../../base/storage';
export * from './board-store.service';
export * from './load-board';
export * from './loaded-board';
export * from './compactor.service';
export * from './snapshot.repository';
export * from '../../base/storage';
