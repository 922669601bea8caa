export * from './io-server.service';
export * from './release-request';
export * from './websocket.module';
