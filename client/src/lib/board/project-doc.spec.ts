import { describe, expect, it } from '@jest/globals';
import * as Y from 'yjs';
import { insertProject, readProjects, renameProject } from './project-doc';

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
