import { decodeSyncMessage, encodeSyncUpdate, SYNC_NAMESPACE } from '@gongjian/shared';
import { io, Socket } from 'socket.io-client';
import * as Y from 'yjs';

/** An ack of the sync protocol as a raw socket receives it. */
export type SyncAck = {
  ok: boolean;
  error?: string;
  role?: string;
  path?: string;
  reason?: string;
  conditions?: Array<{ code: string }>;
};

/** A raw socket.io connection to the sync namespace, with the given `Cookie` header, no reconnection. */
export function rawSocket(url: string, cookie?: string): Socket {
  return io(`${url}${SYNC_NAMESPACE}`, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: cookie ? { cookie } : undefined,
  });
}

/** Resolves once the socket is connected; rejects with the handshake's error. */
export async function connected(socket: Socket): Promise<void> {
  if (socket.connected) return;
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
}

export function emitAck(socket: Socket, event: string, ...args: unknown[]): Promise<SyncAck> {
  return socket.timeout(5000).emitWithAck(event, ...args) as Promise<SyncAck>;
}

/**
 * A `y` update message holding what `change` writes on a copy of `base`: a diff against the
 * copy's state, as a client that holds `base` would send it. The copy has a client id of its own.
 */
export function editUpdate(base: Y.Doc, change: (doc: Y.Doc) => void): Uint8Array {
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(base));
    const before = Y.encodeStateVector(doc);
    change(doc);
    return encodeSyncUpdate(Y.encodeStateAsUpdate(doc, before));
  } finally {
    doc.destroy();
  }
}

/** Applies to `doc` every document update (step 2 or update) the socket receives for `boardId`. */
export function mirror(socket: Socket, boardId: string, doc: Y.Doc): void {
  socket.on('y', (board: string, data: Uint8Array) => {
    if (board !== boardId) return;
    try {
      const message = decodeSyncMessage(new Uint8Array(data));
      if (message.kind === 'update') Y.applyUpdate(doc, message.update);
    } catch {
      // not a document message
    }
  });
}
