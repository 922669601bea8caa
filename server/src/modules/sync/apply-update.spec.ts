import * as Y from 'yjs';
import { applyClientUpdate, updateWouldChange } from './apply-update';

function docWith(edit: (doc: Y.Doc) => void): Y.Doc {
  const doc = new Y.Doc();
  edit(doc);
  return doc;
}

describe(applyClientUpdate.name, () => {
  it('applies a new update and reports a change', () => {
    const sut = new Y.Doc();
    const source = docWith((d) => d.getMap('meta').set('title', 'a'));
    expect(applyClientUpdate(sut, Y.encodeStateAsUpdate(source), 'test')).toEqual({ ok: true, changed: true });
    expect(sut.getMap('meta').get('title')).toBe('a');
  });

  it('reports no change for an update the document already has', () => {
    const source = docWith((d) => d.getMap('meta').set('title', 'a'));
    const sut = new Y.Doc();
    Y.applyUpdate(sut, Y.encodeStateAsUpdate(source));
    expect(applyClientUpdate(sut, Y.encodeStateAsUpdate(source), 'test')).toEqual({ ok: true, changed: false });
  });

  it('reports a change for a deletion alone', () => {
    const source = docWith((d) => d.getText('t').insert(0, 'abc'));
    const sut = new Y.Doc();
    Y.applyUpdate(sut, Y.encodeStateAsUpdate(source));
    const before = Y.encodeStateVector(source);
    source.getText('t').delete(0, 1);
    expect(applyClientUpdate(sut, Y.encodeStateAsUpdate(source, before), 'test')).toEqual({ ok: true, changed: true });
    expect(sut.getText('t').toString()).toBe('bc');
  });

  it('reports a change for an update waiting on a missing dependency', () => {
    const source = docWith((d) => d.getText('t').insert(0, 'a'));
    const afterFirst = Y.encodeStateVector(source);
    source.getText('t').insert(1, 'b');
    const sut = new Y.Doc();
    expect(applyClientUpdate(sut, Y.encodeStateAsUpdate(source, afterFirst), 'test')).toEqual({
      ok: true,
      changed: true,
    });
    expect(sut.getText('t').toString()).toBe('');
  });

  it('refuses malformed bytes without touching the document', () => {
    const sut = docWith((d) => d.getMap('meta').set('title', 'a'));
    const result = applyClientUpdate(sut, new Uint8Array([1, 2, 3, 4, 200]), 'test');
    expect(result.ok).toBe(false);
    expect(sut.getMap('meta').toJSON()).toEqual({ title: 'a' });
  });

  it('refuses a truncated update', () => {
    const update = Y.encodeStateAsUpdate(docWith((d) => d.getMap('meta').set('title', 'a long enough title')));
    expect(applyClientUpdate(new Y.Doc(), update.subarray(0, update.length - 4), 'test').ok).toBe(false);
  });
});

describe(updateWouldChange.name, () => {
  const shared = docWith((d) => d.getText('t').insert(0, 'abc'));

  it('is false for the full state of a document that holds nothing new', () => {
    const sut = new Y.Doc();
    Y.applyUpdate(sut, Y.encodeStateAsUpdate(shared));
    expect(updateWouldChange(sut, Y.encodeStateAsUpdate(shared))).toBe(false);
  });

  it('is true for new content', () => {
    expect(updateWouldChange(new Y.Doc(), Y.encodeStateAsUpdate(shared))).toBe(true);
  });

  it('is true for a deletion the document has not seen, false once it has', () => {
    const sut = new Y.Doc();
    Y.applyUpdate(sut, Y.encodeStateAsUpdate(shared));
    const editor = new Y.Doc();
    Y.applyUpdate(editor, Y.encodeStateAsUpdate(shared));
    editor.getText('t').delete(1, 1);
    expect(updateWouldChange(sut, Y.encodeStateAsUpdate(editor))).toBe(true);
    Y.applyUpdate(sut, Y.encodeStateAsUpdate(editor));
    expect(updateWouldChange(sut, Y.encodeStateAsUpdate(editor))).toBe(false);
  });
});
