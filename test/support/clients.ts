import * as Y from 'yjs';
import { BoardSyncProvider } from '../../client/src/lib/sync/board-sync-provider';

export function openClient(url: string, boardId: string, cookie: string, options: { connect?: boolean } = {}): BoardSyncProvider {
  return new BoardSyncProvider({
    url,
    boardId,
    cookie,
    doc: new Y.Doc(),
    ackTimeoutMs: 5_000,
    reconnectDelayMs: 100,
    reconnectDelayMaxMs: 1_000,
    connect: options.connect,
  });
}

/** Polls until `check` passes (returns without throwing) or the time is up, then throws its last error. */
export async function eventually(check: () => void | Promise<void>, timeoutMs = 15_000, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}

/** A fresh Y.Doc holding what a new client receives from the server on join. */
export async function loadFresh(url: string, boardId: string, cookie: string): Promise<Y.Doc> {
  const provider = openClient(url, boardId, cookie);
  try {
    await provider.whenSaved(20_000);
    const copy = new Y.Doc();
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(provider.doc));
    return copy;
  } finally {
    provider.destroy();
  }
}
