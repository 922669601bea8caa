import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import {
  AccessChange,
  AwarenessUser,
  BoardRole,
  decodeSyncMessage,
  encodeAwarenessMessage,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeSyncUpdate,
  forbiddenChange,
  JoinAck,
  joinPayloadSchema,
  LeaveAck,
  RefusalDetail,
  SessionUser,
  SyncErrorCode,
  SyncEvent,
  SyncMessage,
  UpdateAck,
} from '@gongjian/shared';
import type { Logger } from 'pino';
import type { Namespace, Socket } from 'socket.io';
import {
  applyAwarenessUpdate,
  encodeAwarenessUpdate as encodeAwarenessStates,
  removeAwarenessStates,
} from 'y-protocols/awareness';
import * as Y from 'yjs';
import { APP_CONFIG, AppConfig } from '../../base/config';
import { AppError } from '../../base/errors';
import { ROOT_LOGGER } from '../../base/logging';
import { MetricsService } from '../../base/metrics';
import { AccessEvent, AccessEventsService } from '../access';
import { auditBefore, auditFacts, AuditWriterService } from '../audit';
import { AuthService } from '../auth';
import { BoardsRepository } from '../boards';
import { applyClientUpdate, updateWouldChange } from './apply-update';
import { decodeAwarenessUpdate, encodeAwarenessUpdate } from './awareness-codec';
import { refusedStageMoves } from './stage-moves';
import { inspectUpdate, UpdateChange, UpdateRejection } from './update-inspector';
import { BoardStoreService } from './board-store.service';
import { DocWorkerService } from './doc-worker.service';
import { LoadedBoard, REMOTE_OWNER } from './loaded-board';
import { AWARENESS_BUS, AwarenessBus, UPDATE_LOG, UpdateLog } from '../../base/storage';
import { INSTANCE_ID } from '../../base/storage';
import { boardRoom } from './sync-rooms';

interface JoinedBoard {
  role: BoardRole;
  board: LoadedBoard;
  awarenessClients: Set<number>;
  /** A step 2 being worked out in the document worker; later answers wait for it. */
  answering?: Promise<void>;
}

/** What the server keeps on each socket (`socket.data`). */
export interface SocketState {
  user: SessionUser;
  /** The session token the socket authenticated with, re-checked when the user's access changes. */
  token: string;
  identity: AwarenessUser;
  joined: Map<string, JoinedBoard>;
  tokens: number;
  refilledAt: number;
}

interface PendingAwareness {
  local: Set<number>;
  remote: Set<number>;
  timer: NodeJS.Timeout | undefined;
}

class Refusal extends Error {
  constructor(
    readonly code: SyncErrorCode,
    readonly detail: RefusalDetail = {},
  ) {
    super(code);
  }
}

const PALETTE = ['#d4380d', '#d46b08', '#389e0d', '#08979c', '#1d39c4', '#531dab', '#c41d7f', '#7cb305'];

/**
 * The sync protocol's logic (docs/protocol.md): joins, the y-protocols exchange, the write path
 * (apply → append to the log → ack → forward), and awareness relay.
 */
@Injectable()
export class SyncService implements OnModuleDestroy {
  private readonly logger: Logger;
  private namespace: Namespace | undefined;
  private readonly pendingAwareness = new Map<string, PendingAwareness>();
  /** Updates to forward at the end of this turn, per board; see forwardUpdate. */
  private readonly outbox = new Map<LoadedBoard, { updates: Uint8Array[]; sender: string | undefined }>();
  /** When each board was last sent to (performance.now()); see forwardUpdate. */
  private readonly lastFanout = new WeakMap<LoadedBoard, number>();
  private readonly socketsByUser = new Map<string, Set<Socket>>();
  private recheckTimer: NodeJS.Timeout | undefined;
  private unsubscribeAccess: (() => void) | undefined;

  constructor(
    private readonly store: BoardStoreService,
    private readonly boards: BoardsRepository,
    private readonly auth: AuthService,
    private readonly accessEvents: AccessEventsService,
    private readonly audit: AuditWriterService,
    private readonly docWorker: DocWorkerService,
    @Inject(UPDATE_LOG) private readonly log: UpdateLog,
    @Inject(AWARENESS_BUS) private readonly awarenessBus: AwarenessBus,
    @Inject(INSTANCE_ID) private readonly instanceId: string,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) root: Logger,
  ) {
    this.logger = root.child({ context: SyncService.name });
  }

  attach(namespace: Namespace): void {
    this.namespace = namespace;
    this.store.setEvents({
      onRemoteUpdate: (board, update) => this.forwardUpdate(board, update),
      onRemoteAwareness: (board, payload) => this.receiveRemoteAwareness(board, payload),
    });
    this.unsubscribeAccess = this.accessEvents.onEvent((event) => {
      this.onAccessEvent(event).catch((err: unknown) => this.logger.error({ err, event }, 'access re-check failed'));
    });
    if (this.config.ACCESS_RECHECK_MS > 0) {
      this.recheckTimer = setInterval(() => {
        this.recheckAll().catch((err: unknown) => this.logger.warn({ err }, 'periodic access re-check failed'));
      }, this.config.ACCESS_RECHECK_MS);
      this.recheckTimer.unref();
    }
  }

  onModuleDestroy(): void {
    clearInterval(this.recheckTimer);
    this.unsubscribeAccess?.();
  }

  initSocket(socket: Socket, user: SessionUser, token: string): void {
    const state: SocketState = {
      user,
      token,
      identity: identityOf(user),
      joined: new Map(),
      tokens: this.config.RATE_LIMIT_BURST,
      refilledAt: Date.now(),
    };
    socket.data = state;
    const sockets = this.socketsByUser.get(user.id) ?? new Set();
    sockets.add(socket);
    this.socketsByUser.set(user.id, sockets);
    this.metrics.sockets.inc();
  }

  async join(socket: Socket, payload: unknown): Promise<JoinAck> {
    const state = stateOf(socket);
    const parsed = joinPayloadSchema.safeParse(payload);
    if (!parsed.success) return this.refuse('invalid');
    const { boardId } = parsed.data;
    const already = state.joined.get(boardId);
    if (already) return { ok: true, role: already.role };
    let role: BoardRole | null;
    try {
      ({ role } = await this.boards.accessOf(boardId, state.user.id));
    } catch (err) {
      // The database is unreachable: say so now rather than leave the client to its ack timeout.
      this.logger.warn({ err, boardId }, 'access lookup failed on join');
      return this.refuse('unavailable');
    }
    if (!role) return this.refuse('not_found');
    let board: LoadedBoard;
    try {
      board = await this.store.acquire(boardId);
    } catch (err) {
      return this.refuse(err instanceof AppError && err.code === 'not_found' ? 'not_found' : 'unavailable');
    }
    if (!socket.connected) return this.refuse('unavailable');
    const racing = state.joined.get(boardId);
    if (racing) return { ok: true, role: racing.role };
    state.joined.set(boardId, { role, board, awarenessClients: new Set() });
    this.store.attach(board, socket.id);
    await socket.join(boardRoom(boardId));
    // After the ack, the server opens the exchange with its state vector and current presence.
    setImmediate(() => {
      if (!state.joined.has(boardId)) return;
      socket.emit(SyncEvent.y, boardId, encodeSyncStep1(Y.encodeStateVector(board.doc)));
      const present = [...board.awareness.getStates().keys()];
      if (present.length > 0) {
        socket.emit(SyncEvent.y, boardId, encodeAwarenessMessage(encodeAwarenessStates(board.awareness, present)));
      }
    });
    return { ok: true, role };
  }

  async leave(socket: Socket, payload: unknown): Promise<LeaveAck> {
    const parsed = joinPayloadSchema.safeParse(payload);
    if (!parsed.success) return this.refuse('invalid');
    await this.leaveBoard(socket, parsed.data.boardId);
    return { ok: true };
  }

  async disconnect(socket: Socket): Promise<void> {
    const state = socket.data as SocketState | undefined;
    if (!state?.joined) return;
    this.metrics.sockets.dec();
    const sockets = this.socketsByUser.get(state.user.id);
    sockets?.delete(socket);
    if (sockets?.size === 0) this.socketsByUser.delete(state.user.id);
    for (const boardId of [...state.joined.keys()]) await this.leaveBoard(socket, boardId);
  }

  /** Handles one `y` message; resolves with the ack to send. */
  async receive(socket: Socket, boardId: unknown, data: unknown): Promise<UpdateAck> {
    const started = process.hrtime.bigint();
    try {
      const state = stateOf(socket);
      const bytes = asBytes(data);
      if (typeof boardId !== 'string' || !bytes) throw new Refusal('invalid');
      const joined = state.joined.get(boardId);
      if (!joined) throw new Refusal('forbidden');
      if (bytes.byteLength > this.config.MAX_UPDATE_BYTES) throw new Refusal('too_large');
      if (!this.takeToken(state)) throw new Refusal('rate_limited');
      let message: SyncMessage;
      try {
        message = decodeSyncMessage(bytes);
      } catch {
        throw new Refusal('invalid');
      }
      switch (message.kind) {
        case 'step1':
          this.answerStep1(socket, joined, message.stateVector);
          return { ok: true };
        case 'awareness':
          this.receiveLocalAwareness(socket, state, joined, message.update);
          return { ok: true };
        case 'update': {
          await this.write(socket, joined, message.update);
          this.metrics.ackLatency.observe(Number(process.hrtime.bigint() - started) / 1e9);
          return { ok: true };
        }
      }
    } catch (err) {
      if (err instanceof Refusal) return this.refuse(err.code, err.detail);
      this.logger.error({ err, socketId: socket.id }, 'sync message failed');
      return this.refuse('unavailable');
    }
  }

  /**
   * The write path: inspect what the update would change, refuse it whole if any change breaks
   * the schema, the user's permissions or a stage gate; otherwise apply, append to the durable
   * log with its audit facts, ack, forward, and queue the audit row.
   */
  private async write(socket: Socket, joined: JoinedBoard, update: Uint8Array): Promise<void> {
    const { board } = joined;
    const state = stateOf(socket);
    if (board.bytes + update.byteLength > this.config.MAX_BOARD_BYTES) throw new Refusal('too_large');
    // Everything is checked before the update touches the document, so a refused update leaves nothing behind.
    let changes: UpdateChange[];
    try {
      changes = inspectUpdate(board.doc, update);
    } catch (err) {
      if (err instanceof UpdateRejection) throw new Refusal('invalid', { path: err.path, reason: err.reason });
      throw new Refusal('invalid');
    }
    const actor = { userId: state.user.id, orgId: state.user.orgId, role: joined.role };
    const forbidden = forbiddenChange(board.doc, changes, actor);
    if (forbidden) throw new Refusal('forbidden', { path: forbidden.path, reason: forbidden.reason });
    if (changes.length === 0 && joined.role === 'viewer') {
      // A viewer's step 2 is welcome as long as it brings nothing new.
      let grows: boolean;
      try {
        grows = updateWouldChange(board.doc, update);
      } catch {
        throw new Refusal('invalid');
      }
      if (grows) throw new Refusal('forbidden', { reason: 'viewer_read_only' });
      return;
    }
    const [gate] = refusedStageMoves(board.doc, update, changes);
    if (gate)
      throw new Refusal('gate_failed', { path: `projects/${gate.projectId}/stage`, conditions: gate.conditions });
    const before = changes.length > 0 ? auditBefore(board.doc, changes) : undefined;
    const applied = applyClientUpdate(board.doc, update, socket.id);
    if (!applied.ok) throw new Refusal('invalid');
    if (!applied.changed) {
      // Nothing new in memory — but after a failed append, memory may hold what the log lacks
      // (this very update, re-sent): acknowledge only once the log has it too.
      try {
        await this.store.whenLogged(board);
      } catch {
        throw new Refusal('unavailable');
      }
      return;
    }
    const facts = before && auditFacts(before, board.doc, actor, new Date());
    let logId;
    try {
      logId = await this.log.append(board.id, update, this.instanceId, facts && JSON.stringify(facts));
      board.noteLogged(logId, update.byteLength);
    } catch (err) {
      // The document in memory holds the update but the log does not; the client keeps it unacked
      // and sends it again after it reconnects.
      this.logger.error({ err, boardId: board.id }, 'update log append failed');
      throw new Refusal('unavailable');
    }
    if (facts) this.audit.enqueue({ boardId: board.id, logId, bytes: update.byteLength, facts });
    this.metrics.updatesIn.inc();
    this.forwardUpdate(board, update, socket.id);
  }

  /** Re-checks the sockets an access change concerns; see AccessEventsService. */
  private async onAccessEvent(event: AccessEvent): Promise<void> {
    if (event.kind === 'user') {
      await Promise.all(
        [...(this.socketsByUser.get(event.userId) ?? [])].map((socket) => this.recheckSocket(socket, true)),
      );
      return;
    }
    const board = this.store.get(event.boardId);
    if (!board || !this.namespace) return;
    const sockets = [...board.sockets]
      .map((id) => this.namespace?.sockets.get(id))
      .filter((s): s is Socket => s !== undefined);
    await Promise.all(sockets.map((socket) => this.recheckBoard(socket, event.boardId)));
  }

  /**
   * Every socket, now and then, in case an access message was missed (Redis unreachable for a
   * while): one session lookup per session and one role lookup per user and board, however many
   * sockets share them.
   */
  private async recheckAll(): Promise<void> {
    const byToken = new Map<string, Socket[]>();
    for (const sockets of this.socketsByUser.values()) {
      for (const socket of sockets) {
        const list = byToken.get(stateOf(socket).token) ?? [];
        list.push(socket);
        byToken.set(stateOf(socket).token, list);
      }
    }
    const roles = new Map<string, BoardRole | null>();
    for (const [token, sockets] of byToken) {
      const user = await this.auth.userFromToken(token);
      for (const socket of sockets) {
        if (!user) {
          await this.revoke(socket);
          continue;
        }
        const state = stateOf(socket);
        state.user = user;
        state.identity = identityOf(user);
        for (const boardId of [...state.joined.keys()]) {
          const key = `${user.id}\n${boardId}`;
          if (!roles.has(key)) roles.set(key, (await this.boards.accessOf(boardId, user.id)).role);
          await this.applyRole(socket, boardId, roles.get(key) ?? null);
        }
      }
    }
  }

  /**
   * With `session`, first checks that the socket's session still stands (revoked, expired or the
   * account disabled → the socket is told and disconnected) and refreshes the user; then the
   * role on every joined board.
   */
  private async recheckSocket(socket: Socket, session: boolean): Promise<void> {
    const state = stateOf(socket);
    if (!socket.connected || !state?.joined) return;
    if (session) {
      const user = await this.auth.userFromToken(state.token);
      if (!user) {
        await this.revoke(socket);
        return;
      }
      state.user = user;
      state.identity = identityOf(user);
    }
    for (const boardId of [...state.joined.keys()]) await this.recheckBoard(socket, boardId);
  }

  /** The session is gone: every joined board is left and told, and the socket disconnected. */
  private async revoke(socket: Socket): Promise<void> {
    const state = stateOf(socket);
    for (const boardId of [...state.joined.keys()]) {
      await this.leaveBoard(socket, boardId);
      socket.emit(SyncEvent.access, boardId, { role: null } satisfies AccessChange);
    }
    socket.disconnect(true);
    this.logger.info({ userId: state.user.id }, 'session no longer valid; socket disconnected');
  }

  private async recheckBoard(socket: Socket, boardId: string): Promise<void> {
    const state = stateOf(socket);
    if (!state?.joined.has(boardId)) return;
    const { role } = await this.boards.accessOf(boardId, state.user.id);
    await this.applyRole(socket, boardId, role);
  }

  private async applyRole(socket: Socket, boardId: string, role: BoardRole | null): Promise<void> {
    const state = stateOf(socket);
    const joined = state.joined.get(boardId);
    if (!joined) return;
    if (!role) {
      await this.leaveBoard(socket, boardId);
      socket.emit(SyncEvent.access, boardId, { role: null } satisfies AccessChange);
      this.logger.info({ userId: state.user.id, boardId }, 'access removed; socket left the board');
    } else if (role !== joined.role) {
      joined.role = role;
      socket.emit(SyncEvent.access, boardId, { role } satisfies AccessChange);
      this.logger.info({ userId: state.user.id, boardId, role }, 'role changed on an open socket');
    }
  }

  /**
   * Sync step 2: what the board holds beyond the client's state vector. A client with nothing
   * (a first join, a reset) gets the whole state as kept encoded (FullState), without the document
   * being encoded again; on a big board, the difference for any other state vector is worked out
   * in the document worker, and sent when it is ready (updates forwarded meanwhile wait in the
   * client's Yjs until it arrives). Either way, once a client has applied a step 2 it holds at
   * least what the board held when its step 1 came in, and its step 2s come in the order of its
   * step 1s.
   */
  private answerStep1(socket: Socket, joined: JoinedBoard, stateVector: Uint8Array): void {
    const { board } = joined;
    let empty: boolean;
    try {
      empty = Y.decodeStateVector(stateVector).size === 0;
    } catch {
      throw new Refusal('invalid');
    }
    let answer: Uint8Array[] | Promise<Uint8Array[]>;
    if (empty) {
      answer = board.fullState.joinMessages();
    } else if (board.fullState.bytes >= this.config.WORKER_MIN_BYTES) {
      answer = this.docWorker.diff(board.fullState.all(), stateVector).then(
        (diff) => [encodeSyncStep2(diff)],
        (err: unknown) => {
          this.logger.warn({ err, boardId: board.id }, 'step 2 in the document worker failed; answered inline');
          return [encodeSyncStep2(Y.encodeStateAsUpdate(board.doc, stateVector))];
        },
      );
    } else {
      try {
        answer = [encodeSyncStep2(Y.encodeStateAsUpdate(board.doc, stateVector))];
      } catch {
        throw new Refusal('invalid');
      }
    }
    const send = (messages: Uint8Array[]) => {
      if (!socket.connected || stateOf(socket).joined.get(board.id) !== joined) return;
      for (const message of messages) socket.emit(SyncEvent.y, board.id, message);
    };
    if (Array.isArray(answer) && !joined.answering) {
      send(answer);
      return;
    }
    // Behind an answer still being worked out.
    const after = (joined.answering ?? Promise.resolve()).then(() => answer).then(send);
    const answering = after.finally(() => {
      if (joined.answering === answering) joined.answering = undefined;
    });
    joined.answering = answering;
  }

  /**
   * Forwards an update to the board's sockets (but its sender's). Updates for one board within
   * one turn of the event loop (a burst of writes, several entries read from the log at once) go
   * out as one merged update, sent to every socket of the board: on a hot board that is one
   * message per socket instead of one per update and socket. A sender then also gets its own
   * update back, which its Yjs ignores (it has it), as the reference servers do for every update.
   * With FANOUT_INTERVAL_MS (default 0: off), a board is sent to at most once per interval: an
   * update that comes sooner after the last send waits for the rest of it, with whatever else
   * comes meanwhile (a board with a few edits a second never waits; on a hot one every socket
   * gets one message per interval instead of one per turn: s2 at 200 writers, 10 ms, took the
   * servers' CPU from 90 % to 66 % of a core, but added its wait to the median latency).
   */
  private forwardUpdate(board: LoadedBoard, update: Uint8Array, senderSocketId?: string): void {
    let batch = this.outbox.get(board);
    if (!batch) {
      batch = { updates: [], sender: senderSocketId };
      this.outbox.set(board, batch);
      const wait = (this.lastFanout.get(board) ?? -Infinity) + this.config.FANOUT_INTERVAL_MS - performance.now();
      if (wait <= 0) setImmediate(() => this.flushBoard(board));
      else setTimeout(() => this.flushBoard(board), wait);
    }
    batch.updates.push(update);
    if (batch.updates.length > 1) batch.sender = undefined;
  }

  private flushBoard(board: LoadedBoard): void {
    const batch = this.outbox.get(board);
    if (!batch) return;
    this.outbox.delete(board);
    if (this.store.get(board.id) !== board) {
      this.lastFanout.delete(board);
      return;
    }
    this.lastFanout.set(board, performance.now());
    const { updates, sender } = batch;
    const update = updates.length === 1 ? updates[0] : Y.mergeUpdates(updates);
    this.forward(board, encodeSyncUpdate(update), sender);
    if (updates.length > 1) this.metrics.updatesMerged.inc(updates.length);
  }

  private forward(board: LoadedBoard, message: Uint8Array, exceptSocketId?: string): void {
    if (!this.namespace || board.sockets.size === 0) return;
    const room = this.namespace.to(boardRoom(board.id));
    (exceptSocketId ? room.except(exceptSocketId) : room).emit(SyncEvent.y, board.id, message);
    this.metrics.updatesOut.inc(board.sockets.size - (exceptSocketId ? 1 : 0));
  }

  private receiveLocalAwareness(socket: Socket, state: SocketState, joined: JoinedBoard, update: Uint8Array): void {
    let entries;
    try {
      entries = decodeAwarenessUpdate(update);
    } catch {
      throw new Refusal('invalid');
    }
    const { board } = joined;
    // Presence is small: a state past AWARENESS_MAX_STATE_BYTES is refused, and a socket keeps at
    // most AWARENESS_MAX_CLIENTS client ids (a tab has one; more only after resets), so one
    // socket can't make the server hold and relay unbounded presence.
    for (const entry of entries) {
      if (entry.state !== null && JSON.stringify(entry.state).length > this.config.AWARENESS_MAX_STATE_BYTES)
        throw new Refusal('too_large');
    }
    const accepted = entries.filter((entry) => {
      if (
        !joined.awarenessClients.has(entry.clientId) &&
        joined.awarenessClients.size >= this.config.AWARENESS_MAX_CLIENTS
      ) {
        if (entry.state === null) return false;
        // The oldest of this socket's client ids gives way to the new one.
        const oldest = joined.awarenessClients.values().next().value as number;
        joined.awarenessClients.delete(oldest);
        if (board.awarenessOwners.get(oldest) === socket.id) {
          board.awarenessOwners.delete(oldest);
          removeAwarenessStates(board.awareness, [oldest], 'server');
          this.queueAwareness(board, [oldest], 'local');
        }
      }
      const owner = board.awarenessOwners.get(entry.clientId);
      // A client id announced through another instance may be taken over only by the same user
      // (the same tab, reconnected here after that instance went away).
      const sameUser = owner === REMOTE_OWNER && remoteUserOf(board, entry.clientId) === state.user.id;
      if (owner !== undefined && owner !== socket.id && !sameUser) return false;
      board.awarenessOwners.set(entry.clientId, socket.id);
      joined.awarenessClients.add(entry.clientId);
      // The identity is the server's, whatever the client claimed.
      if (entry.state !== null) entry.state = { ...entry.state, user: state.identity };
      return true;
    });
    if (accepted.length === 0) return;
    applyAwarenessUpdate(board.awareness, encodeAwarenessUpdate(accepted), socket.id);
    this.queueAwareness(
      board,
      accepted.map((entry) => entry.clientId),
      'local',
    );
  }

  /**
   * Awareness relayed by another instance: its client ids are marked as owned remotely, so no
   * socket here can take them over; entries for a client id a socket here owns are dropped.
   */
  private receiveRemoteAwareness(board: LoadedBoard, payload: Uint8Array): void {
    let entries;
    try {
      entries = decodeAwarenessUpdate(payload);
    } catch (err) {
      this.logger.warn({ err, boardId: board.id }, 'bad awareness update from another instance');
      return;
    }
    const accepted = entries.filter((entry) => {
      const owner = board.awarenessOwners.get(entry.clientId);
      if (owner !== undefined && owner !== REMOTE_OWNER) return false;
      if (entry.state !== null) board.awarenessOwners.set(entry.clientId, REMOTE_OWNER);
      return true;
    });
    if (accepted.length === 0) return;
    try {
      applyAwarenessUpdate(board.awareness, encodeAwarenessUpdate(accepted), 'remote');
    } catch (err) {
      this.logger.warn({ err, boardId: board.id }, 'bad awareness update from another instance');
      return;
    }
    this.queueAwareness(
      board,
      accepted.map((entry) => entry.clientId),
      'remote',
    );
  }

  /** Coalesces awareness changes per board for AWARENESS_THROTTLE_MS, then relays them once. */
  private queueAwareness(board: LoadedBoard, clientIds: number[], source: 'local' | 'remote'): void {
    let pending = this.pendingAwareness.get(board.id);
    if (!pending) {
      pending = { local: new Set(), remote: new Set(), timer: undefined };
      this.pendingAwareness.set(board.id, pending);
    }
    for (const id of clientIds) pending[source].add(id);
    if (pending.timer) return;
    const flush = () => {
      this.pendingAwareness.delete(board.id);
      if (this.store.get(board.id) !== board) return;
      // Only clients the awareness still knows (a state removed and forgotten has nothing to send).
      const known = (ids: Iterable<number>) => [...ids].filter((id) => board.awareness.meta.has(id));
      const all = known(new Set([...pending.local, ...pending.remote]));
      const local = known(pending.local);
      if (all.length > 0) this.forward(board, encodeAwarenessMessage(encodeAwarenessStates(board.awareness, all)));
      if (local.length > 0) this.awarenessBus.publish(board.id, encodeAwarenessStates(board.awareness, local));
    };
    if (this.config.AWARENESS_THROTTLE_MS === 0) flush();
    else pending.timer = setTimeout(flush, this.config.AWARENESS_THROTTLE_MS);
  }

  private async leaveBoard(socket: Socket, boardId: string): Promise<void> {
    const state = stateOf(socket);
    const joined = state.joined.get(boardId);
    if (!joined) return;
    state.joined.delete(boardId);
    const { board } = joined;
    const clientIds = [...joined.awarenessClients].filter((id) => board.awarenessOwners.get(id) === socket.id);
    for (const id of clientIds) board.awarenessOwners.delete(id);
    if (clientIds.length > 0) {
      removeAwarenessStates(board.awareness, clientIds, 'server');
      this.queueAwareness(board, clientIds, 'local');
    }
    await socket.leave(boardRoom(boardId));
    this.store.detach(board, socket.id);
  }

  private takeToken(state: SocketState): boolean {
    const now = Date.now();
    const refill = ((now - state.refilledAt) / 1000) * this.config.RATE_LIMIT_PER_SEC;
    state.tokens = Math.min(this.config.RATE_LIMIT_BURST, state.tokens + refill);
    state.refilledAt = now;
    if (state.tokens < 1) return false;
    state.tokens -= 1;
    return true;
  }

  private refuse(code: SyncErrorCode, detail: RefusalDetail = {}): { ok: false; error: SyncErrorCode } & RefusalDetail {
    this.metrics.refused.inc({ code });
    return { ok: false, error: code, ...detail };
  }
}

function stateOf(socket: Socket): SocketState {
  return socket.data as SocketState;
}

function asBytes(data: unknown): Uint8Array | null {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return null;
}

function remoteUserOf(board: LoadedBoard, clientId: number): unknown {
  const state = board.awareness.getStates().get(clientId) as { user?: { id?: unknown } } | undefined;
  return state?.user?.id;
}

function identityOf(user: SessionUser): AwarenessUser {
  return { id: user.id, name: user.displayName, color: colorOf(user.id), orgId: user.orgId };
}

function colorOf(userId: string): string {
  let hash = 0;
  for (const char of userId) hash = (hash * 31 + char.charCodeAt(0)) | 0;
  return PALETTE[Math.abs(hash) % PALETTE.length];
}
