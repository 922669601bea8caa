import { Inject, Injectable } from '@nestjs/common';
import {
  AwarenessUser,
  BoardRole,
  decodeSyncMessage,
  encodeAwarenessMessage,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeSyncUpdate,
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
import { applyAwarenessUpdate, encodeAwarenessUpdate as encodeAwarenessStates, removeAwarenessStates } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { APP_CONFIG, AppConfig } from '../../base/config';
import { AppError } from '../../base/errors';
import { ROOT_LOGGER } from '../../base/logging';
import { MetricsService } from '../../base/metrics';
import { BoardsRepository } from '../boards';
import { applyClientUpdate, updateWouldChange } from './apply-update';
import { decodeAwarenessUpdate, encodeAwarenessUpdate } from './awareness-codec';
import { refusedStageMoves } from './stage-moves';
import { inspectUpdate, UpdateChange, UpdateRejection } from './update-inspector';
import { BoardStoreService } from './board-store.service';
import { LoadedBoard } from './loaded-board';
import { AWARENESS_BUS, AwarenessBus, UPDATE_LOG, UpdateLog } from '../../base/storage';
import { INSTANCE_ID } from '../../base/storage';
import { boardRoom } from './sync-rooms';

interface JoinedBoard {
  role: BoardRole;
  board: LoadedBoard;
  awarenessClients: Set<number>;
}

/** What the server keeps on each socket (`socket.data`). */
export interface SocketState {
  user: SessionUser;
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
export class SyncService {
  private readonly logger: Logger;
  private namespace: Namespace | undefined;
  private readonly pendingAwareness = new Map<string, PendingAwareness>();

  constructor(
    private readonly store: BoardStoreService,
    private readonly boards: BoardsRepository,
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
      onRemoteUpdate: (board, update) => this.forward(board, encodeSyncUpdate(update)),
      onRemoteAwareness: (board, payload) => this.receiveRemoteAwareness(board, payload),
    });
  }

  initSocket(socket: Socket, user: SessionUser): void {
    const state: SocketState = {
      user,
      identity: { id: user.id, name: user.displayName, color: colorOf(user.id) },
      joined: new Map(),
      tokens: this.config.RATE_LIMIT_BURST,
      refilledAt: Date.now(),
    };
    socket.data = state;
    this.metrics.sockets.inc();
  }

  async join(socket: Socket, payload: unknown): Promise<JoinAck> {
    const state = stateOf(socket);
    const parsed = joinPayloadSchema.safeParse(payload);
    if (!parsed.success) return this.refuse('invalid');
    const { boardId } = parsed.data;
    const already = state.joined.get(boardId);
    if (already) return { ok: true, role: already.role };
    const role = await this.boards.roleOf(boardId, state.user.id);
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
          this.answerStep1(socket, joined.board, message.stateVector);
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

  /** The write path: apply (validates), append to the durable log, then forward. */
  private async write(socket: Socket, joined: JoinedBoard, update: Uint8Array): Promise<void> {
    const { board } = joined;
    if (joined.role === 'viewer') {
      // A viewer's step 2 is welcome as long as it brings nothing new.
      let changes: boolean;
      try {
        changes = updateWouldChange(board.doc, update);
      } catch {
        throw new Refusal('invalid');
      }
      if (changes) throw new Refusal('forbidden');
      return;
    }
    if (board.bytes + update.byteLength > this.config.MAX_BOARD_BYTES) throw new Refusal('too_large');
    // The schema is checked before the update touches the document, so a refused update leaves nothing behind.
    let changes: UpdateChange[];
    try {
      changes = inspectUpdate(board.doc, update);
    } catch (err) {
      if (err instanceof UpdateRejection) throw new Refusal('invalid', { path: err.path, reason: err.reason });
      throw new Refusal('invalid');
    }
    const [gate] = refusedStageMoves(board.doc, update, changes);
    if (gate) throw new Refusal('gate_failed', { path: `projects/${gate.projectId}/stage`, conditions: gate.conditions });
    const applied = applyClientUpdate(board.doc, update, socket.id);
    if (!applied.ok) throw new Refusal('invalid');
    if (!applied.changed) return;
    try {
      const id = await this.log.append(board.id, update, this.instanceId);
      board.noteLogged(id, update.byteLength);
    } catch (err) {
      // The document in memory holds the update but the log does not; the client keeps it unacked
      // and sends it again after it reconnects.
      this.logger.error({ err, boardId: board.id }, 'update log append failed');
      throw new Refusal('unavailable');
    }
    this.metrics.updatesIn.inc();
    this.forward(board, encodeSyncUpdate(update), socket.id);
  }

  private answerStep1(socket: Socket, board: LoadedBoard, stateVector: Uint8Array): void {
    let diff: Uint8Array;
    try {
      diff = Y.encodeStateAsUpdate(board.doc, stateVector);
    } catch {
      throw new Refusal('invalid');
    }
    socket.emit(SyncEvent.y, board.id, encodeSyncStep2(diff));
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
    const accepted = entries.filter((entry) => {
      const owner = board.awarenessOwners.get(entry.clientId);
      if (owner !== undefined && owner !== socket.id) return false;
      board.awarenessOwners.set(entry.clientId, socket.id);
      joined.awarenessClients.add(entry.clientId);
      // The identity is the server's, whatever the client claimed.
      if (entry.state !== null) entry.state = { ...entry.state, user: state.identity };
      return true;
    });
    if (accepted.length === 0) return;
    applyAwarenessUpdate(board.awareness, encodeAwarenessUpdate(accepted), socket.id);
    this.queueAwareness(board, accepted.map((entry) => entry.clientId), 'local');
  }

  private receiveRemoteAwareness(board: LoadedBoard, payload: Uint8Array): void {
    let clientIds: number[];
    try {
      clientIds = decodeAwarenessUpdate(payload).map((entry) => entry.clientId);
      applyAwarenessUpdate(board.awareness, payload, 'remote');
    } catch (err) {
      this.logger.warn({ err, boardId: board.id }, 'bad awareness update from another instance');
      return;
    }
    this.queueAwareness(board, clientIds, 'remote');
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

function colorOf(userId: string): string {
  let hash = 0;
  for (const char of userId) hash = (hash * 31 + char.charCodeAt(0)) | 0;
  return PALETTE[Math.abs(hash) % PALETTE.length];
}
