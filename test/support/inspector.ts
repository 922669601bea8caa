import WebSocket from 'ws';

type Call = (method: string, params?: Record<string, unknown>) => Promise<Record<string, unknown>>;

/** A session on the V8 inspector of a server process started with `NODE_OPTIONS=--inspect=127.0.0.1:PORT`. */
async function withInspector<T>(inspectPort: number, use: (call: Call) => Promise<T>): Promise<T> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json()) as Array<{
    webSocketDebuggerUrl: string;
  }>;
  const ws = new WebSocket(targets[0].webSocketDebuggerUrl);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let nextId = 1;
  const call: Call = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      const onMessage = (data: Buffer) => {
        const message = JSON.parse(data.toString()) as {
          id?: number;
          result?: Record<string, unknown>;
          error?: unknown;
        };
        if (message.id !== id) return;
        ws.off('message', onMessage);
        if (message.error) reject(new Error(JSON.stringify(message.error)));
        else resolve(message.result ?? {});
      };
      ws.on('message', onMessage);
      ws.send(JSON.stringify({ id, method, params }));
    });
  try {
    // Twice: objects with finalizers or weak references are freed by the second pass.
    await call('HeapProfiler.collectGarbage');
    await call('HeapProfiler.collectGarbage');
    return await use(call);
  } finally {
    ws.close();
  }
}

/**
 * Forces a full garbage collection and reads the heap, so that a test can tell memory that is
 * still held from garbage not yet collected.
 */
export async function heapAfterGc(inspectPort: number): Promise<{ usedBytes: number; totalBytes: number }> {
  return withInspector(inspectPort, async (call) => {
    const usage = (await call('Runtime.getHeapUsage')) as { usedSize: number; totalSize: number };
    return { usedBytes: usage.usedSize, totalBytes: usage.totalSize };
  });
}

/**
 * How many objects the server holds, after a full garbage collection, whose prototype chain has
 * the object `prototype` evaluates to in the server's main module (e.g.
 * `require('node:http').IncomingMessage.prototype`).
 */
export async function countObjects(inspectPort: number, prototype: string): Promise<number> {
  return withInspector(inspectPort, async (call) => {
    const expression = `((require) => ${prototype})(process.mainModule.require)`;
    const { result: proto } = (await call('Runtime.evaluate', { expression })) as { result: { objectId: string } };
    const { objects } = (await call('Runtime.queryObjects', { prototypeObjectId: proto.objectId })) as {
      objects: { objectId: string };
    };
    const { result } = (await call('Runtime.callFunctionOn', {
      objectId: objects.objectId,
      functionDeclaration: 'function () { return this.length; }',
      returnByValue: true,
    })) as { result: { value: number } };
    return result.value;
  });
}
