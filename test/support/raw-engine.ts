import WebSocket from 'ws';

/**
 * A socket.io connection spoken by hand over a raw WebSocket (engine.io v4 framing), so that a
 * test can send frames no socket.io client would: malformed packets, wrong attachment counts,
 * reserved event names, unknown namespaces. `open` resolves once the `/sync` namespace is
 * connected (or rejects with the server's connect error).
 */
export interface RawEngineSocket {
  ws: WebSocket;
  send(frame: string | Buffer): void;
  /** Frames received since the connection opened (text as string, binary as Buffer). */
  received: Array<string | Buffer>;
  /** Resolves with the close code once the connection is closed, by either side. */
  closed: Promise<number>;
  isOpen(): boolean;
  close(): void;
}

export function rawEngineSocket(
  url: string,
  headers: Record<string, string> = {},
  namespace = '/sync',
): Promise<RawEngineSocket> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, { headers });
  const received: Array<string | Buffer> = [];
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let opened = false;
    ws.on('error', (err) => !opened && reject(err));
    ws.on('unexpected-response', (_req, res) => reject(new Error(`handshake refused: ${res.statusCode}`)));
    ws.on('message', (data, isBinary) => {
      const frame = isBinary ? (data as Buffer) : data.toString();
      received.push(frame);
      if (typeof frame !== 'string') return;
      if (frame === '2') ws.send('3'); // engine.io ping → pong
      if (frame.startsWith('0{')) ws.send(`40${namespace},`);
      if (!opened && frame.startsWith(`44${namespace},`)) reject(new Error(`namespace refused: ${frame}`));
      if (!opened && frame.startsWith(`40${namespace},`)) {
        opened = true;
        resolve({
          ws,
          received,
          closed,
          send: (f) => ws.readyState === WebSocket.OPEN && ws.send(f),
          isOpen: () => ws.readyState === WebSocket.OPEN,
          close: () => ws.close(),
        });
      }
    });
    ws.once('close', () => !opened && reject(new Error('closed before the namespace opened')));
  });
}
