/** The socket.io room of a board's sockets on one instance. */
export function boardRoom(boardId: string): string {
  return `board:${boardId}`;
}
