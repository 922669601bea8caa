export * from './readmodel.module';
export * from './project-board';
export * from './project-stored-board';
export * from './projector.service';
export * from './readmodel.repository';
export * from './reproject';
