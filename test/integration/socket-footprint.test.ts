import type { Socket } from 'socket.io-client';
import { login } from '../support/api';
import { countObjects } from '../support/inspector';
import type { ServerProcess } from '../support/server-process';
import { startStack, TestStack } from '../support/stack';
import { connected, emitAck, rawSocket } from '../support/sync-sockets';

const BOARD = 'demo-liangxi-2026';
const SOCKETS = 20;

/**
 * What an idle sync socket keeps in the server (the s6 benchmark's subject, ~11 KB each): not the
 * upgrade request with its headers, and no rxjs observables (Nest's gateway binding made four a
 * socket).
 */
describe('an idle sync socket', () => {
  let stack: TestStack;
  let server: ServerProcess;
  let inspectPort: number;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    stack = await startStack({ inspect: true });
    [server] = stack.servers;
    inspectPort = stack.inspectPort!;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await stack?.stop();
  });

  const count = async () => ({
    requests: await countObjects(inspectPort, `require('node:http').IncomingMessage.prototype`),
    observables: await countObjects(inspectPort, `require('rxjs').Observable.prototype`),
  });

  it('keeps neither its upgrade request nor any rxjs observable', async () => {
    const cookie = await login(server.url, 'union', 'demo12345');
    const before = await count();
    for (let i = 0; i < SOCKETS; i++) {
      const socket = rawSocket(server.url, cookie);
      sockets.push(socket);
      await connected(socket);
      expect(await emitAck(socket, 'join', { boardId: BOARD })).toEqual({ ok: true, role: expect.any(String) });
    }
    expect(await count()).toEqual(before);
  });
});
