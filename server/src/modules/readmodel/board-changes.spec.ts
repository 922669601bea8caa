import {
  addChecklistItem,
  createProject,
  deleteProject,
  initBoard,
  projectMap,
  replaceText,
  setChecklistStatus,
  setCriteria,
} from '@gongjian/shared';
import * as Y from 'yjs';
import { BoardChanges } from './board-changes';

const ORIGIN = 'spec';
const NOW = '2026-03-01T08:00:00.000Z';

function aBoard(...ids: string[]): Y.Doc {
  const doc = new Y.Doc();
  initBoard(doc, { title: '一', regionId: 'liangxi', year: 2026 }, ORIGIN);
  for (const id of ids) {
    createProject(
      doc,
      { id, category: 'culture', title: id, leadOrgId: 'o1', partnerOrgIds: ['o2'], createdBy: 'u', now: NOW },
      ORIGIN,
    );
  }
  return doc;
}

describe(BoardChanges.name, () => {
  it('names a project added, and one deleted', () => {
    const doc = aBoard('p1');
    const sut = new BoardChanges(doc);
    createProject(
      doc,
      { id: 'p2', category: 'culture', title: 'p2', leadOrgId: 'o1', createdBy: 'u', now: NOW },
      ORIGIN,
    );
    deleteProject(doc, 'p1', ORIGIN);
    expect([...sut.take()].sort()).toEqual(['p1', 'p2']);
  });

  it('names the project a change deep inside belongs to: a checklist item, a text', () => {
    const doc = aBoard('p1', 'p2', 'p3');
    addChecklistItem(doc, 'p1', { id: 'c1', text: '方案' }, ORIGIN);
    const sut = new BoardChanges(doc);
    setChecklistStatus(doc, 'p1', 'c1', { status: 'done' }, ORIGIN);
    doc.transact(() => replaceText(projectMap(doc, 'p3')!.get('title') as Y.Text, '新'), ORIGIN);
    expect([...sut.take()].sort()).toEqual(['p1', 'p3']);
  });

  it('names no project for a change of meta (the projector compares meta by value)', () => {
    const doc = aBoard('p1');
    const sut = new BoardChanges(doc);
    setCriteria(doc, [{ id: 'q', name: '质量', weight: 100 }], ORIGIN);
    doc.getMap('meta').set('title', '二');
    expect([...sut.take()]).toEqual([]);
  });

  it('names changes from a remote update as from a local one', () => {
    const doc = aBoard('p1');
    const replica = new Y.Doc();
    Y.applyUpdate(replica, Y.encodeStateAsUpdate(doc));
    addChecklistItem(replica, 'p1', { id: 'c1', text: '方案' }, ORIGIN);
    const sut = new BoardChanges(doc);
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(replica, Y.encodeStateVector(doc)), 'remote');
    expect([...sut.take()]).toEqual(['p1']);
  });

  it('starts afresh after take, keeps what is restored, and stops collecting when stopped', () => {
    const doc = aBoard('p1', 'p2');
    const sut = new BoardChanges(doc);
    deleteProject(doc, 'p1', ORIGIN);
    const taken = sut.take();
    expect([...sut.take()]).toEqual([]);
    sut.restore(taken);
    expect([...sut.take()]).toEqual(['p1']);
    sut.stop();
    deleteProject(doc, 'p2', ORIGIN);
    expect([...sut.take()]).toEqual([]);
  });
});
