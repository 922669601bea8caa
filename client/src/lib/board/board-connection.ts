import { IndexeddbPersistence } from 'y-indexeddb';
import { BoardSyncProvider } from '../sync';

/**
 * Opens a board: its document from this browser's IndexedDB, then kept in sync with the server.
 * Each user keeps their own copy, so changes one person made offline on a shared computer are
 * never sent later in another person's name.
 */
export function openBoard(boardId: string, userId: string): BoardSyncProvider {
  return new BoardSyncProvider({
    url: '',
    boardId,
    persistence: (doc, id) => new IndexeddbPersistence(`gj-board-${userId}-${id}`, doc),
  });
}
