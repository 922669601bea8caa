import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { inspectUpdate, MAX_CLOCK, UpdateRejection } from './update-inspector';

const NOW = '2026-03-01T08:00:00.000Z';

function newProject(id: string, fields: Record<string, unknown> = {}): Y.Map<unknown> {
  const project = new Y.Map<unknown>();
  const values: Record<string, unknown> = {
    id,
    category: 'training',
    stage: 'planning',
    rank: 'a0',
    leadOrgId: 'union-liangxi',
    createdBy: 'u1',
    createdAt: NOW,
    ...fields,
  };
  for (const [key, value] of Object.entries(values)) project.set(key, value);
  project.set('title', new Y.Text('职工技能培训'));
  return project;
}

/** A server doc with one project, and a client replica of it. */
function setup() {
  const server = new Y.Doc();
  server.getMap('projects').set('p1', newProject('p1'));
  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
  return { server, client };
}

/** The update a client edit produces, inspected against the server's doc. */
function inspectEdit(server: Y.Doc, client: Y.Doc, edit: (doc: Y.Doc) => void) {
  const before = Y.encodeStateVector(client);
  edit(client);
  return inspectUpdate(server, Y.encodeStateAsUpdate(client, before));
}

function rejection(fn: () => unknown): { reason: string; path: string } {
  try {
    fn();
  } catch (err) {
    if (err instanceof UpdateRejection) return { reason: err.reason, path: err.path };
    throw err;
  }
  throw new Error('not rejected');
}

const project = (doc: Y.Doc, id = 'p1') => doc.getMap<Y.Map<unknown>>('projects').get(id)!;

describe(inspectUpdate.name, () => {
  it('lists a new project with every key it sets', () => {
    const { server, client } = setup();
    const changes = inspectEdit(server, client, (doc) => doc.getMap('projects').set('p2', newProject('p2')));
    expect(changes).toContainEqual({ kind: 'create', path: ['projects', 'p2'], container: 'map' });
    expect(changes).toContainEqual({ kind: 'set', path: ['projects', 'p2', 'stage'], value: 'planning' });
    expect(changes).toContainEqual({ kind: 'create', path: ['projects', 'p2', 'title'], container: 'text' });
  });

  it('locates a value set in an existing nested map', () => {
    const { server, client } = setup();
    const changes = inspectEdit(server, client, (doc) => project(doc).set('stage', 'approved'));
    expect(changes).toContainEqual({ kind: 'set', path: ['projects', 'p1', 'stage'], value: 'approved' });
    expect(changes).toContainEqual({ kind: 'delete', path: ['projects', 'p1', 'stage'] });
  });

  it('locates typing in an existing text, including inserts next to earlier characters', () => {
    const { server, client } = setup();
    const changes = inspectEdit(server, client, (doc) => {
      const title = project(doc).get('title') as Y.Text;
      title.insert(2, '骨干');
      title.insert(0, '2026');
    });
    expect(changes.every((c) => c.kind === 'text' && c.path.join('/') === 'projects/p1/title')).toBe(true);
    expect(changes.length).toBeGreaterThan(0);
  });

  it('locates a deletion in a text', () => {
    const { server, client } = setup();
    const changes = inspectEdit(server, client, (doc) => (project(doc).get('title') as Y.Text).delete(0, 2));
    expect(changes).toEqual([{ kind: 'text', path: ['projects', 'p1', 'title'] }]);
  });

  it('locates entries in collections created in the same update', () => {
    const { server, client } = setup();
    const changes = inspectEdit(server, client, (doc) => {
      const expenses = new Y.Map<unknown>();
      project(doc).set('expenses', expenses);
      const expense = new Y.Map<unknown>();
      expenses.set('e1', expense);
      for (const [key, value] of Object.entries({
        id: 'e1',
        date: '2026-03-02',
        amountFen: 120000,
        orgId: 'union-liangxi',
      }))
        expense.set(key, value);
    });
    expect(changes).toContainEqual({
      kind: 'set',
      path: ['projects', 'p1', 'expenses', 'e1', 'amountFen'],
      value: 120000,
    });
  });

  it('refuses structs and deletions whose clocks pass MAX_CLOCK (fuzzing found a GC struct that made the state undecodable)', () => {
    const { server } = setup();
    /** An update of one GC struct of `client` at `clock` with `length`, and the given delete range. */
    const crafted = (clock: number, length: number, deleted?: [number, number]) => {
      const encoder = new Y.UpdateEncoderV1();
      encoding.writeVarUint(encoder.restEncoder, 1);
      encoding.writeVarUint(encoder.restEncoder, 1);
      encoder.writeClient(4242);
      encoding.writeVarUint(encoder.restEncoder, clock);
      encoder.writeInfo(0); // GC
      encoder.writeLen(length);
      if (!deleted) encoding.writeVarUint(encoder.restEncoder, 0);
      else {
        encoding.writeVarUint(encoder.restEncoder, 1);
        encoding.writeVarUint(encoder.restEncoder, 4242);
        encoding.writeVarUint(encoder.restEncoder, 1);
        encoding.writeVarUint(encoder.restEncoder, deleted[0]);
        encoding.writeVarUint(encoder.restEncoder, deleted[1]);
      }
      return encoder.toUint8Array();
    };
    const refusal = (update: Uint8Array) => {
      try {
        inspectUpdate(server, update);
        return null;
      } catch (err) {
        return err instanceof UpdateRejection ? err.reason : String(err);
      }
    };
    expect(refusal(crafted(0, MAX_CLOCK + 1))).toBe('clock_out_of_range');
    expect(refusal(crafted(0, 2 ** 53))).toBe('clock_out_of_range');
    expect(refusal(crafted(0, 3, [0, MAX_CLOCK + 1]))).toBe('clock_out_of_range');
    expect(refusal(crafted(0, 3))).toBeNull();
  });

  it('refuses an unknown root', () => {
    const { server, client } = setup();
    expect(rejection(() => inspectEdit(server, client, (doc) => doc.getMap('secrets').set('a', 1)))).toEqual({
      reason: 'unknown_root',
      path: 'secrets',
    });
  });

  it('refuses an unknown key', () => {
    const { server, client } = setup();
    expect(rejection(() => inspectEdit(server, client, (doc) => project(doc).set('colour', 'red')))).toEqual({
      reason: 'unknown_key',
      path: 'projects/p1/colour',
    });
  });

  it('refuses a value that breaks its schema', () => {
    const { server, client } = setup();
    expect(rejection(() => inspectEdit(server, client, (doc) => project(doc).set('stage', 'finished')))).toEqual({
      reason: 'invalid_value',
      path: 'projects/p1/stage',
    });
  });

  it('refuses money that is not whole fen', () => {
    const { server, client } = setup();
    const funding = (doc: Y.Doc) => {
      const map = new Y.Map<unknown>();
      project(doc).set('funding', map);
      map.set('union-liangxi', 10.5);
    };
    expect(rejection(() => inspectEdit(server, client, funding))).toEqual({
      reason: 'invalid_value',
      path: 'projects/p1/funding/union-liangxi',
    });
  });

  it('refuses a plain value where the schema wants a text', () => {
    const { server, client } = setup();
    expect(rejection(() => inspectEdit(server, client, (doc) => project(doc).set('title', 'plain')))).toEqual({
      reason: 'wrong_type',
      path: 'projects/p1/title',
    });
  });

  it('refuses an array where the schema wants a map', () => {
    const { server, client } = setup();
    expect(rejection(() => inspectEdit(server, client, (doc) => project(doc).set('checklist', new Y.Array())))).toEqual(
      {
        reason: 'wrong_type',
        path: 'projects/p1/checklist',
      },
    );
  });

  it('refuses formatting inside a text', () => {
    const { server, client } = setup();
    expect(
      rejection(() =>
        inspectEdit(server, client, (doc) => (project(doc).get('title') as Y.Text).format(0, 2, { bold: true })),
      ),
    ).toEqual({
      reason: 'wrong_type',
      path: 'projects/p1/title',
    });
  });

  it('refuses a new project without its required keys', () => {
    const { server, client } = setup();
    const bare = () => {
      const map = new Y.Map<unknown>();
      client.getMap('projects').set('p3', map);
      map.set('id', 'p3');
    };
    expect(rejection(() => inspectEdit(server, client, bare))).toEqual({
      reason: 'missing_key',
      path: 'projects/p3/category',
    });
  });

  it('refuses removing a required key', () => {
    const { server, client } = setup();
    expect(rejection(() => inspectEdit(server, client, (doc) => project(doc).delete('stage')))).toEqual({
      reason: 'missing_key',
      path: 'projects/p1/stage',
    });
  });

  it('allows deleting a whole project', () => {
    const { server, client } = setup();
    expect(inspectEdit(server, client, (doc) => doc.getMap('projects').delete('p1'))).toEqual([
      { kind: 'delete', path: ['projects', 'p1'] },
    ]);
  });

  it('refuses an update that builds on content the document does not have', () => {
    const { server, client } = setup();
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(client));
    const base = Y.encodeStateVector(other);
    (project(other).get('title') as Y.Text).insert(0, 'A');
    const afterFirst = Y.encodeStateVector(other);
    (project(other).get('title') as Y.Text).insert(1, 'B');
    void base;
    expect(rejection(() => inspectUpdate(server, Y.encodeStateAsUpdate(other, afterFirst)))).toEqual({
      reason: 'missing_dependency',
      path: '',
    });
  });

  it('refuses a delete of content the document does not have yet (it would wait and hit it unchecked)', () => {
    const { server, client } = setup();
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(client));
    const before = Y.encodeStateVector(other);
    project(other).set('startDate', '2026-04-01');
    const unknown = Y.encodeStateAsUpdate(other, before);
    const afterSet = Y.encodeStateVector(other);
    project(other).delete('startDate');
    // Only the deletion, of an entry the server never received.
    const deletion = Y.encodeStateAsUpdate(other, afterSet);
    void unknown;
    expect(rejection(() => inspectUpdate(server, deletion))).toEqual({ reason: 'missing_dependency', path: '' });
  });

  it('lets through, as Yjs drops them, writes into a project another client deleted meanwhile', () => {
    const { server, client } = setup();
    server.getMap('projects').delete('p1');
    const changes = inspectEdit(server, client, (doc) => {
      project(doc).set('stage', 'approved');
      (project(doc).get('title') as Y.Text).insert(0, '新');
    });
    expect(changes).toEqual([]);
  });
});
