import { IndexeddbPersistence } from 'y-indexeddb';
import { BoardSyncProvider } from '../sync';

/** Opens a board: its document from this browser's IndexedDB, then kept in sync with the server. */
export function openBoard(boardId: string): BoardSyncProvider {
  return new BoardSyncProvider({
    url: '',
    boardId,
    persistence: (doc, id) => new IndexeddbPersistence(`gj-board-${id}`, doc),
  });
}
