import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { ServerOptions } from 'socket.io';
import type { AppConfig } from '../config';

/**
 * socket.io server options from config. The transport limit sits above MAX_UPDATE_BYTES so that
 * an oversize update reaches the gateway and is refused with `too_large` instead of the
 * connection being cut.
 */
export class SyncIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions) {
    return super.createIOServer(port, {
      ...options,
      maxHttpBufferSize: this.config.MAX_UPDATE_BYTES * 2 + 64 * 1024,
      perMessageDeflate: false,
      pingInterval: 20_000,
      pingTimeout: 20_000,
      connectionStateRecovery: undefined,
    });
  }
}
