import { z } from 'zod';
import type { UnmetCondition } from '../board/gates';
import type { ErrorCode } from '../errors/error-codes';

/** socket.io namespace of the sync protocol (docs/protocol.md). */
export const SYNC_NAMESPACE = '/sync';

/** Event names on the sync namespace. */
export const SyncEvent = {
  /** client → server: `{boardId}`, ack `JoinAck`. */
  join: 'join',
  /** client → server: `{boardId}`, ack `{ok: true}`. */
  leave: 'leave',
  /** both ways: `(boardId, Uint8Array)`; from the client, acked with `UpdateAck` when it carries an update. */
  y: 'y',
  /**
   * server → client: `(boardId, AccessChange)` when the user's access to a joined board changed
   * (membership removed, role lowered or raised). With `role: null` the server has already left
   * the board for the socket.
   */
  access: 'access',
} as const;

/** First varUint of a `y` message, as in y-websocket. */
export const MessageType = { sync: 0, awareness: 1 } as const;

/** Second varUint of a sync message, as in y-protocols/sync. */
export const SyncStep = { step1: 0, step2: 1, update: 2 } as const;

/** Board ids are opaque, URL-safe strings. */
export const boardIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'board id must be URL-safe');

export const joinPayloadSchema = z.object({ boardId: boardIdSchema }).strict();
export type JoinPayload = z.infer<typeof joinPayloadSchema>;

export const BOARD_ROLES = ['coordinator', 'editor', 'viewer'] as const;
export type BoardRole = (typeof BOARD_ROLES)[number];

export type SyncErrorCode = Extract<
  ErrorCode,
  'forbidden' | 'invalid' | 'too_large' | 'rate_limited' | 'not_found' | 'unavailable' | 'internal' | 'gate_failed'
>;

/** What a refusal may add to its code: where in the document, why, and a gate's unmet conditions. */
export interface RefusalDetail {
  path?: string;
  reason?: string;
  conditions?: UnmetCondition[];
}

export type JoinAck = { ok: true; role: BoardRole } | { ok: false; error: SyncErrorCode };
export type UpdateAck = { ok: true } | ({ ok: false; error: SyncErrorCode } & RefusalDetail);
export type LeaveAck = { ok: true } | { ok: false; error: SyncErrorCode };

/** Identity the server attaches to a socket's awareness state (clients can't choose it). */
export interface AwarenessUser {
  id: string;
  name: string;
  color: string;
  /** The user's organization, if any. */
  orgId: string | null;
}

/** Sent with `SyncEvent.access`. */
export interface AccessChange {
  role: BoardRole | null;
}
