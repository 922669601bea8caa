export * from './io-server.service';
export * from './websocket.module';
