import * as syncProtocol from 'y-protocols/sync';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { decodeSyncMessage, encodeAwarenessMessage, encodeSyncStep1, encodeSyncStep2, encodeSyncUpdate } from './sync-codec';

describe('sync codec', () => {
  const doc = new Y.Doc();
  doc.getMap('meta').set('title', '共建');
  const update = Y.encodeStateAsUpdate(doc);

  it('encodes step 1 byte for byte as y-protocols does', () => {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, 0);
    syncProtocol.writeSyncStep1(encoder, doc);
    expect(encodeSyncStep1(Y.encodeStateVector(doc))).toEqual(encoding.toUint8Array(encoder));
  });

  it('encodes an update byte for byte as y-protocols does', () => {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, 0);
    syncProtocol.writeUpdate(encoder, update);
    expect(encodeSyncUpdate(update)).toEqual(encoding.toUint8Array(encoder));
  });

  it('round-trips every message kind', () => {
    expect(decodeSyncMessage(encodeSyncStep1(new Uint8Array([0])))).toEqual({ kind: 'step1', stateVector: new Uint8Array([0]) });
    expect(decodeSyncMessage(encodeSyncStep2(update))).toEqual({ kind: 'update', step: 'step2', update });
    expect(decodeSyncMessage(encodeSyncUpdate(update))).toEqual({ kind: 'update', step: 'update', update });
    expect(decodeSyncMessage(encodeAwarenessMessage(new Uint8Array([1, 2])))).toEqual({ kind: 'awareness', update: new Uint8Array([1, 2]) });
  });

  it('rejects an unknown message type', () => {
    expect(() => decodeSyncMessage(new Uint8Array([5, 0]))).toThrow('unknown message type 5');
  });

  it('rejects an unknown sync step', () => {
    expect(() => decodeSyncMessage(new Uint8Array([0, 3, 0]))).toThrow('unknown sync step 3');
  });

  it('rejects a length prefix longer than the message', () => {
    expect(() => decodeSyncMessage(new Uint8Array([0, 2, 100, 1, 2]))).toThrow();
  });

  it('rejects trailing bytes', () => {
    const message = encodeSyncUpdate(update);
    const longer = new Uint8Array(message.length + 1);
    longer.set(message);
    expect(() => decodeSyncMessage(longer)).toThrow('trailing bytes');
  });

  it('rejects an empty message', () => {
    expect(() => decodeSyncMessage(new Uint8Array(0))).toThrow();
  });
});
