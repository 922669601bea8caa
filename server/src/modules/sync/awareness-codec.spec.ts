import { Awareness, encodeAwarenessUpdate as encodeWithYProtocols } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { decodeAwarenessUpdate, encodeAwarenessUpdate } from './awareness-codec';

describe('awareness codec', () => {
  it('decodes what y-protocols encodes', () => {
    const awareness = new Awareness(new Y.Doc());
    awareness.setLocalState({ cursor: 3 });
    const entries = decodeAwarenessUpdate(encodeWithYProtocols(awareness, [awareness.clientID]));
    expect(entries).toEqual([{ clientId: awareness.clientID, clock: 1, state: { cursor: 3 } }]);
    awareness.destroy();
  });

  it('round-trips a removal', () => {
    const entries = [{ clientId: 7, clock: 4, state: null }];
    expect(decodeAwarenessUpdate(encodeAwarenessUpdate(entries))).toEqual(entries);
  });

  it('rejects a state that is not an object', () => {
    expect(() =>
      decodeAwarenessUpdate(encodeAwarenessUpdate([{ clientId: 1, clock: 1, state: [1] as never }])),
    ).toThrow('awareness state must be an object or null');
  });

  it('rejects malformed JSON', () => {
    expect(() => decodeAwarenessUpdate(new Uint8Array([1, 1, 1, 2, 123, 123]))).toThrow();
  });

  it('rejects an absurd entry count', () => {
    expect(() => decodeAwarenessUpdate(new Uint8Array([0xff, 0xff, 0x03]))).toThrow('too many awareness entries');
  });
});
