export * from './auth.module';
export * from './auth.service';
export * from './auth.repository';
export * from './auth.guard';
export * from './csrf.guard';
export * from './password';
export * from './session-cookie';
