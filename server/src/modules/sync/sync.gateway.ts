import { OnGatewayConnection, OnGatewayDisconnect, OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import { SessionUser, SYNC_NAMESPACE, SyncEvent } from '@gongjian/shared';
import { Inject } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Namespace, Socket } from 'socket.io';
import { ROOT_LOGGER } from '../../base/logging';
import { AuthService, sessionTokenFromCookieHeader } from '../auth';
import { SyncService } from './sync.service';

type Ack = (response: unknown) => void;

/**
 * The `/sync` namespace: authenticates the handshake with the session cookie, then hands each
 * event to SyncService and answers with its ack. Raw socket listeners keep the wire protocol
 * exactly as documented (multi-argument `y` events, acks on every message).
 */
@WebSocketGateway({ namespace: SYNC_NAMESPACE })
export class SyncGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger: Logger;

  constructor(
    private readonly sync: SyncService,
    private readonly auth: AuthService,
    @Inject(ROOT_LOGGER) root: Logger,
  ) {
    this.logger = root.child({ context: SyncGateway.name });
  }

  afterInit(namespace: Namespace): void {
    namespace.use((socket, next) => {
      const token = sessionTokenFromCookieHeader(socket.handshake.headers.cookie);
      this.auth
        .userFromToken(token)
        .then((user) => {
          if (!user || !token) return next(new Error('unauthenticated'));
          // Kept until the connection completes: a client that hung up meanwhile never connects,
          // and socket.io then drops it without a disconnect event, so nothing may be set up yet.
          socket.data = { pendingUser: user, pendingToken: token };
          next();
        })
        .catch((err: unknown) => {
          this.logger.error({ err }, 'socket authentication failed');
          next(new Error('unavailable'));
        });
    });
    this.sync.attach(namespace);
  }

  handleConnection(socket: Socket): void {
    const { pendingUser, pendingToken } = (socket.data ?? {}) as { pendingUser?: SessionUser; pendingToken?: string };
    if (!pendingUser || !pendingToken) {
      socket.disconnect(true);
      return;
    }
    this.sync.initSocket(socket, pendingUser, pendingToken);
    socket.on(SyncEvent.join, (...args: unknown[]) => {
      const ack = popAck(args);
      void this.sync.join(socket, args[0]).then(ack);
    });
    socket.on(SyncEvent.leave, (...args: unknown[]) => {
      const ack = popAck(args);
      void this.sync.leave(socket, args[0]).then(ack);
    });
    socket.on(SyncEvent.y, (...args: unknown[]) => {
      const ack = popAck(args);
      void this.sync.receive(socket, args[0], args[1]).then(ack);
    });
  }

  handleDisconnect(socket: Socket): void {
    this.sync.disconnect(socket).catch((err: unknown) => this.logger.error({ err }, 'disconnect cleanup failed'));
  }
}

function popAck(args: unknown[]): Ack {
  const last = args[args.length - 1];
  if (typeof last === 'function') {
    args.pop();
    return last as Ack;
  }
  return () => {};
}
