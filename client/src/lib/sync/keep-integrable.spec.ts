import { describe, expect, it } from '@jest/globals';
import * as Y from 'yjs';
import { keepIntegrable } from './keep-integrable';

/** A client's document and the updates of its transactions, one by one. */
function recorder(base: Y.Doc) {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(base));
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  return { doc, updates };
}

function serverWith(...setup: Array<(doc: Y.Doc) => void>): Y.Doc {
  const doc = new Y.Doc();
  for (const step of setup) doc.transact(() => step(doc));
  return doc;
}

describe(keepIntegrable.name, () => {
  const withText = (doc: Y.Doc) => doc.getMap('m').set('text', new Y.Text('abcdef'));

  it('keeps a change made before the refused one and applies it', () => {
    const server = serverWith(withText);
    const client = recorder(server);
    client.doc.getMap('m').set('before', 1);
    client.doc.getMap('m').set('refused', 2);
    const sut = keepIntegrable(server, [client.updates[0]], 'origin');
    expect(sut).toEqual({ kept: [client.updates[0]], dropped: 0 });
    expect(server.getMap('m').get('before')).toBe(1);
  });

  it('drops a later insertion of the same client, whose clock runs through the refused change', () => {
    const server = serverWith(withText);
    const client = recorder(server);
    client.doc.getMap('m').set('refused', 2);
    (client.doc.getMap('m').get('text') as Y.Text).insert(0, 'x');
    const sut = keepIntegrable(server, [client.updates[1]], 'origin');
    expect(sut).toEqual({ kept: [], dropped: 1 });
    expect(server.getMap('m').get('text')!.toString()).toBe('abcdef');
    expect(server.store.pendingStructs).toBeNull();
  });

  it('keeps a later deletion, which adds no items', () => {
    const server = serverWith(withText);
    const client = recorder(server);
    client.doc.getMap('m').set('refused', 2);
    (client.doc.getMap('m').get('text') as Y.Text).delete(0, 2);
    const sut = keepIntegrable(server, [client.updates[1]], 'origin');
    expect(sut.dropped).toBe(0);
    expect(server.getMap('m').get('text')!.toString()).toBe('cdef');
  });

  it('drops a change that builds on a dropped one, keeps what comes after it independently', () => {
    const server = serverWith(withText);
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(server));
    const client = recorder(server);
    client.doc.getMap('m').set('refused', 2);
    client.doc.getMap('m').set('later', 3);
    const otherUpdates: Uint8Array[] = [];
    other.on('update', (update: Uint8Array) => otherUpdates.push(update));
    other.getMap('m').set('independent', 4);
    const sut = keepIntegrable(server, [client.updates[1], otherUpdates[0]], 'origin');
    expect(sut).toEqual({ kept: [otherUpdates[0]], dropped: 1 });
    expect(server.getMap('m').toJSON()).toEqual({ text: 'abcdef', independent: 4 });
  });

  it('ignores what the document itself holds pending', () => {
    const server = serverWith(withText);
    const stray = recorder(server);
    stray.doc.getMap('m').set('gap', 1);
    stray.doc.getMap('m').set('pending', 2);
    Y.applyUpdate(server, stray.updates[1]);
    expect(server.store.pendingStructs).not.toBeNull();
    const client = recorder(server);
    client.doc.getMap('m').set('mine', 5);
    const sut = keepIntegrable(server, [client.updates[0]], 'origin');
    expect(sut.dropped).toBe(0);
    expect(server.getMap('m').get('mine')).toBe(5);
  });

  it('applies with the given origin', () => {
    const server = serverWith(withText);
    const client = recorder(server);
    client.doc.getMap('m').set('before', 1);
    const origins: unknown[] = [];
    server.on('update', (_update: Uint8Array, origin: unknown) => origins.push(origin));
    keepIntegrable(server, client.updates, 'origin');
    expect(origins).toEqual(['origin']);
  });
});
