import * as Y from 'yjs';
import { addChecklistItem, updateProject } from './board-commands';
import { boardMeta, projectMap } from './board-doc';
import { checklistItemNode, criteriaNode, metaNode, projectNode } from './board-schema';
import { aBoardWithProject, ORIGIN } from './testing/board-fixture';
import { resolveSchemaNode, validateBoard, validateNode, validatePath } from './validate-board';

/** A valid board with project p1 and its checklist item c2. */
function aValidBoard(): Y.Doc {
  const doc = aBoardWithProject();
  addChecklistItem(doc, 'p1', { id: 'c2', text: '宣传发动' }, ORIGIN);
  return doc;
}

const p1 = (doc: Y.Doc) => projectMap(doc, 'p1')!;
const c2 = (doc: Y.Doc) => (p1(doc).get('checklist') as Y.Map<unknown>).get('c2') as Y.Map<unknown>;
const problemsOf = (doc: Y.Doc) => validateBoard(doc).map(({ path, code }) => ({ path, code }));

describe(validateBoard.name, () => {
  it('finds nothing wrong with a board the commands wrote', () => {
    expect(validateBoard(aValidBoard())).toEqual([]);
  });

  it('finds nothing wrong with an empty document', () => {
    const doc = new Y.Doc();
    doc.getMap('meta');
    expect(validateBoard(doc)).toEqual([]);
  });

  it('reports a root the board has not', () => {
    const doc = aValidBoard();
    doc.getArray('comments').push(['hi']);
    expect(problemsOf(doc)).toEqual([{ path: 'comments', code: 'unknown_root' }]);
  });

  it('reports a root of the wrong type', () => {
    const doc = new Y.Doc();
    doc.getText('meta').insert(0, 'title');
    expect(problemsOf(doc)).toEqual([{ path: 'meta', code: 'wrong_type' }]);
  });

  it('reports a key a map has not', () => {
    const doc = aValidBoard();
    p1(doc).set('color', 'red');
    expect(problemsOf(doc)).toEqual([{ path: 'projects/p1/color', code: 'unknown_key' }]);
  });

  it('reports a key its record does not accept', () => {
    const doc = aValidBoard();
    (p1(doc).get('funding') as Y.Map<unknown>).set('not an id!', 100);
    (p1(doc).get('linkages') as Y.Map<unknown>).set('joint_dinners', true);
    expect(problemsOf(doc)).toEqual([
      { path: 'projects/p1/linkages/joint_dinners', code: 'unknown_key' },
      { path: 'projects/p1/funding/not an id!', code: 'unknown_key' },
    ]);
  });

  it('reports a wrong type where a value, a text or a map belongs', () => {
    const doc = aValidBoard();
    p1(doc).set('title', '纯文本标题');
    p1(doc).set('stage', new Y.Map());
    p1(doc).set('expenses', new Y.Array());
    expect(problemsOf(doc)).toEqual([
      { path: 'projects/p1/stage', code: 'wrong_type' },
      { path: 'projects/p1/title', code: 'wrong_type' },
      { path: 'projects/p1/expenses', code: 'wrong_type' },
    ]);
  });

  it('reports an invalid value with its full path', () => {
    const doc = aValidBoard();
    c2(doc).set('status', 'finished');
    expect(problemsOf(doc)).toEqual([{ path: 'projects/p1/checklist/c2/status', code: 'invalid_value' }]);
  });

  it('reports a set member that is not true', () => {
    const doc = aValidBoard();
    (p1(doc).get('partnerOrgIds') as Y.Map<unknown>).set('org-x', 1);
    expect(problemsOf(doc)).toEqual([{ path: 'projects/p1/partnerOrgIds/org-x', code: 'invalid_value' }]);
  });

  it('reports formatting in a text', () => {
    const doc = aValidBoard();
    (c2(doc).get('text') as Y.Text).format(0, 2, { bold: true });
    expect(problemsOf(doc)).toEqual([{ path: 'projects/p1/checklist/c2/text', code: 'invalid_value' }]);
  });

  it('does not hold a text to the length commands write', () => {
    const doc = aValidBoard();
    (p1(doc).get('title') as Y.Text).insert(0, '长'.repeat(500));
    expect(validateBoard(doc)).toEqual([]);
  });

  it('reports a missing required key', () => {
    const doc = aValidBoard();
    c2(doc).delete('rank');
    boardMeta(doc).delete('title');
    expect(problemsOf(doc)).toEqual([
      { path: 'meta/title', code: 'missing_key' },
      { path: 'projects/p1/checklist/c2/rank', code: 'missing_key' },
    ]);
  });

  it('reports criteria weights that do not sum to 100', () => {
    const doc = aValidBoard();
    boardMeta(doc).set('criteria', [{ id: 'a', name: '成效', weight: 90 }]);
    expect(problemsOf(doc)).toEqual([{ path: 'meta/criteria', code: 'weights' }]);
  });

  it('reports an entry whose id is not its key', () => {
    const doc = aValidBoard();
    c2(doc).set('id', 'c3');
    expect(problemsOf(doc)).toEqual([{ path: 'projects/p1/checklist/c2/id', code: 'id_mismatch' }]);
  });

  it('reports every problem at once', () => {
    const doc = aValidBoard();
    c2(doc).set('status', 'finished');
    c2(doc).set('id', 'c3');
    p1(doc).set('color', 'red');
    doc.getMap('extra').set('x', 1);
    expect(validateBoard(doc)).toHaveLength(4);
  });

  it('reads roots an update brought before anyone asked for them', () => {
    const remote = new Y.Doc();
    Y.applyUpdate(remote, Y.encodeStateAsUpdate(aValidBoard()));
    const fresh = new Y.Doc();
    Y.applyUpdate(fresh, Y.encodeStateAsUpdate(remote));
    expect(validateBoard(fresh)).toEqual([]);
  });
});

describe(validateNode.name, () => {
  it('checks a plain value against its schema', () => {
    expect(
      validateNode(projectNode.kind === 'map' ? projectNode.fields.stage : projectNode, 'approved', 'x/stage'),
    ).toEqual([]);
    expect(validateNode(criteriaNode, [{ id: 'a', name: 'a', weight: 100 }], 'meta/criteria')).toEqual([]);
    expect(validateNode(criteriaNode, [{ id: 'a', name: 'a', weight: 10 }], 'meta/criteria')[0].code).toBe('weights');
  });

  it('refuses a shared type where a plain value belongs', () => {
    expect(validateNode(criteriaNode, new Y.Doc().getMap('m'), 'meta/criteria')[0].code).toBe('wrong_type');
  });

  it('checks a container and everything in it', () => {
    const doc = aValidBoard();
    c2(doc).set('due', 'soon');
    expect(validateNode(checklistItemNode, c2(doc), 'projects/p1/checklist/c2')).toEqual([
      expect.objectContaining({ path: 'projects/p1/checklist/c2/due', code: 'invalid_value' }),
    ]);
  });

  it('checks an entry id against the last key of its path', () => {
    const doc = aValidBoard();
    expect(validateNode(checklistItemNode, c2(doc), 'projects/p1/checklist/c9')).toEqual([
      expect.objectContaining({ path: 'projects/p1/checklist/c9/id', code: 'id_mismatch' }),
    ]);
  });

  it('does not take meta for an entry', () => {
    const doc = aValidBoard();
    expect(validateNode(metaNode, boardMeta(doc), 'meta')).toEqual([]);
  });
});

describe(resolveSchemaNode.name, () => {
  it('walks fields, records and other keys', () => {
    expect(resolveSchemaNode(['projects', 'p1', 'checklist', 'c2', 'status'])).toEqual({
      kind: 'value',
      schema: expect.anything(),
    });
    expect(resolveSchemaNode(['projects', 'p1', 'checklist', 'c2'])).toBe(checklistItemNode);
    expect(resolveSchemaNode(['projects', 'p1', 'scores', 'org-youth', 'plan'])?.kind).toBe('value');
    expect(resolveSchemaNode(['meta'])).toBe(metaNode);
  });

  it('finds no node for unknown places', () => {
    expect(resolveSchemaNode([])).toBeNull();
    expect(resolveSchemaNode(['comments'])).toBeNull();
    expect(resolveSchemaNode(['toString'])).toBeNull();
    expect(resolveSchemaNode(['projects', 'p1', 'color'])).toBeNull();
    expect(resolveSchemaNode(['projects', 'not an id!'])).toBeNull();
    expect(resolveSchemaNode(['projects', 'p1', 'linkages', 'joint_dinners'])).toBeNull();
    expect(resolveSchemaNode(['projects', 'p1', 'title', 'x'])).toBeNull();
  });
});

describe(validatePath.name, () => {
  it('checks what sits at a path and below it', () => {
    const doc = aValidBoard();
    c2(doc).set('status', 'finished');
    updateProject(doc, 'p1', { title: '新标题' }, ORIGIN);
    expect(validatePath(doc, ['projects', 'p1', 'title'])).toEqual([]);
    expect(validatePath(doc, ['projects', 'p1', 'checklist']).map((p) => p.path)).toEqual([
      'projects/p1/checklist/c2/status',
    ]);
  });

  it('reports a required key that is gone, and places the schema has not', () => {
    const doc = aValidBoard();
    c2(doc).delete('status');
    expect(validatePath(doc, ['projects', 'p1', 'checklist', 'c2', 'status'])[0].code).toBe('missing_key');
    expect(validatePath(doc, ['projects', 'p1', 'color'])[0].code).toBe('unknown_key');
    expect(validatePath(doc, ['comments'])[0].code).toBe('unknown_root');
  });

  it('checks a whole root', () => {
    const doc = aValidBoard();
    boardMeta(doc).set('year', 1999);
    expect(validatePath(doc, ['meta']).map((p) => p.path)).toEqual(['meta/year']);
  });
});
