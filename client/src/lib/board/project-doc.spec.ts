import { describe, expect, it } from '@jest/globals';
import * as Y from 'yjs';
import { insertProject, readProjects, renameProject, replaceText } from './project-doc';

function newProject(id: string, rank: string) {
  return {
    id,
    stage: 'planning' as const,
    rank,
    leadOrgId: 'liangxi-union',
    category: 'training',
    createdBy: 'u1',
    createdAt: '2026-01-01T00:00:00.000Z',
  };
}

describe(replaceText.name, () => {
  it.each([
    ['', 'abc'],
    ['abc', ''],
    ['共建项目', '共建示范项目'],
    ['aaa', 'aa'],
    ['abcdef', 'abXYef'],
  ])('turns %j into %j', (from, to) => {
    const text = new Y.Doc().getText('t');
    text.insert(0, from);
    replaceText(text, to);
    expect(text.toString()).toBe(to);
  });

  it('keeps a peer’s concurrent insert elsewhere in the text', () => {
    const a = new Y.Doc();
    a.getText('t').insert(0, '职工之家');
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    replaceText(a.getText('t'), '职工之家活动');
    b.getText('t').insert(0, '新');
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    expect(a.getText('t').toString()).toBe('新职工之家活动');
    expect(b.getText('t').toString()).toBe('新职工之家活动');
  });
});

describe(readProjects.name, () => {
  it('returns projects sorted by rank, then id', () => {
    const doc = new Y.Doc();
    insertProject(doc, newProject('b', 'r'), 'test');
    insertProject(doc, newProject('c', 'i'), 'test');
    insertProject(doc, newProject('a', 'r'), 'test');
    expect(readProjects(doc).map((p) => p.id)).toEqual(['c', 'a', 'b']);
  });

  it('leaves out entries of an unknown shape', () => {
    const doc = new Y.Doc();
    doc.getMap('projects').set('x', 'not a map');
    const odd = new Y.Map<unknown>();
    odd.set('stage', 'somewhere');
    odd.set('rank', 'i');
    doc.getMap('projects').set('y', odd);
    expect(readProjects(doc)).toEqual([]);
  });

  it('reads the title text after a rename', () => {
    const doc = new Y.Doc();
    insertProject(doc, newProject('p', 'i'), 'test');
    renameProject(doc, 'p', '巾帼建功', 'test');
    expect(readProjects(doc)).toEqual([{ id: 'p', stage: 'planning', rank: 'i', title: '巾帼建功' }]);
  });
});
