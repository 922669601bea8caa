import { SessionUser, SYNC_NAMESPACE, SyncEvent } from '@gongjian/shared';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Socket } from 'socket.io';
import { IoServerService, releaseHandshake } from '../../base/websocket';
import { ROOT_LOGGER } from '../../base/logging';
import { AuthService, sessionTokenFromCookieHeader } from '../auth';
import { SyncService } from './sync.service';

type Ack = (response: unknown) => void;

/**
 * The `/sync` namespace: authenticates the handshake with the session cookie, then hands each
 * event to SyncService and answers with its ack. Its handlers are registered on socket.io
 * directly, not through a Nest gateway, whose binding creates rxjs observables for every socket;
 * raw listeners keep the wire protocol exactly as documented (multi-argument `y` events, acks on
 * every message).
 */
@Injectable()
export class SyncGateway implements OnModuleInit {
  private readonly logger: Logger;

  constructor(
    private readonly io: IoServerService,
    private readonly sync: SyncService,
    private readonly auth: AuthService,
    @Inject(ROOT_LOGGER) root: Logger,
  ) {
    this.logger = root.child({ context: SyncGateway.name });
  }

  onModuleInit(): void {
    const namespace = this.io.of(SYNC_NAMESPACE);
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
    namespace.on('connection', (socket: Socket) => this.handleConnection(socket));
    this.sync.attach(namespace);
  }

  private handleConnection(socket: Socket): void {
    const { pendingUser, pendingToken } = (socket.data ?? {}) as { pendingUser?: SessionUser; pendingToken?: string };
    if (!pendingUser || !pendingToken) {
      socket.disconnect(true);
      return;
    }
    releaseHandshake(socket);
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
    socket.on('disconnect', () => {
      this.sync.disconnect(socket).catch((err: unknown) => this.logger.error({ err }, 'disconnect cleanup failed'));
    });
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
