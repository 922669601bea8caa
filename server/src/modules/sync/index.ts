export * from './sync.module';
export * from '../../base/storage';
export * from './board-store.service';
export * from './compactor.service';
export * from './snapshot.repository';
export * from '../../base/storage';
