import { createConnection, createServer, Server, Socket } from 'node:net';

/**
 * A TCP load balancer in front of server instances, as nginx or an L4 balancer would be: each
 * frontend port prefers one backend and falls back to the others when a connection to it is
 * refused. WebSocket-only clients need no stickiness, so a client whose instance died simply
 * reconnects through the same address and lands on a surviving one.
 */
export interface Balancer {
  /** One URL per backend: connections to it go to that backend while it accepts them. */
  urls: string[];
  close(): Promise<void>;
}

export async function startBalancer(backendPorts: number[]): Promise<Balancer> {
  const servers: Server[] = [];
  const open = new Set<Socket>();
  const urls: string[] = [];
  for (let preferred = 0; preferred < backendPorts.length; preferred++) {
    const order = [...backendPorts.slice(preferred), ...backendPorts.slice(0, preferred)];
    const server = createServer((client) => {
      open.add(client);
      client.on('close', () => open.delete(client));
      client.on('error', () => client.destroy());
      client.pause();
      connectTo(order, 0, client, open);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    urls.push(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
    servers.push(server);
  }
  return {
    urls,
    close: async () => {
      for (const socket of open) socket.destroy();
      await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    },
  };
}

function connectTo(order: number[], index: number, client: Socket, open: Set<Socket>): void {
  if (index >= order.length || client.destroyed) {
    client.destroy();
    return;
  }
  const upstream = createConnection({ host: '127.0.0.1', port: order[index] });
  let connected = false;
  upstream.once('connect', () => {
    connected = true;
    open.add(upstream);
    upstream.on('close', () => open.delete(upstream));
    client.pipe(upstream);
    upstream.pipe(client);
    client.resume();
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  upstream.on('error', () => {
    if (!connected) connectTo(order, index + 1, client, open);
    else client.destroy();
  });
}
