// Reference server: Hocuspocus 3.x (`@hocuspocus/server`) with `@hocuspocus/extension-redis`, as
// its documentation sets up several instances behind one Redis: documents in memory, no
// persistence extension, no authentication hook (every connection may read and write).
// Env: PORT, REDIS_URL (unset: a single instance without Redis), REDIS_PREFIX, NAME.
import { Server } from '@hocuspocus/server';
import { Redis } from '@hocuspocus/extension-redis';

const extensions = [];
if (process.env.REDIS_URL) {
  const url = new URL(process.env.REDIS_URL);
  extensions.push(
    new Redis({
      host: url.hostname,
      port: Number(url.port || 6379),
      prefix: process.env.REDIS_PREFIX || 'hocuspocus',
      identifier: process.env.NAME,
    }),
  );
}
const server = new Server({
  name: process.env.NAME,
  port: Number(process.env.PORT),
  address: '127.0.0.1',
  quiet: true,
  stopOnSignals: true,
  extensions,
});
server.listen().catch((err) => {
  console.error(err);
  process.exit(1);
});
