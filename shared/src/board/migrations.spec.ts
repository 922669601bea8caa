import * as Y from 'yjs';
import { boardMeta, projectsMap, readMeta } from './board-doc';
import { BoardCommandError } from './board-errors';
import { CURRENT_SCHEMA_VERSION } from './board-schema';
import { migrateBoard, MIGRATIONS } from './migrations';
import { aBoard, aBoardWithProject, ORIGIN } from './testing/board-fixture';

/** Expects `run` to throw a BoardCommandError with `code` and to leave the board as it was. */
function expectRefused(doc: Y.Doc, code: string, run: () => unknown): void {
  const before = Y.encodeStateAsUpdate(doc);
  expect(run).toThrow(BoardCommandError);
  expect(() => run()).toThrow(expect.objectContaining({ code }));
  expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
}

describe(migrateBoard.name, () => {
  it('has no step yet: version 1 is the first', () => {
    expect(CURRENT_SCHEMA_VERSION).toBe(1);
    expect(MIGRATIONS).toEqual({});
  });

  it('leaves a board at the current version alone', () => {
    const doc = aBoard();
    const before = Y.encodeStateAsUpdate(doc);
    expect(migrateBoard(doc, ORIGIN)).toEqual({ from: 1, to: 1 });
    expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
  });

  it('leaves an empty document alone', () => {
    const doc = new Y.Doc();
    expect(migrateBoard(doc, ORIGIN)).toEqual({ from: CURRENT_SCHEMA_VERSION, to: CURRENT_SCHEMA_VERSION });
    expect(boardMeta(doc).size).toBe(0);
  });

  it('runs every step from the board version on, in one transaction, and sets the version', () => {
    const doc = aBoardWithProject();
    const steps = {
      1: (board: Y.Doc) => boardMeta(board).set('title', `${boardMeta(board).get('title')} (v2)`),
      2: (board: Y.Doc) =>
        projectsMap(board).forEach((project) => (project as Y.Map<unknown>).set('stage', 'planning')),
    };
    const origins: unknown[] = [];
    doc.on('update', (_update: Uint8Array, origin: unknown) => origins.push(origin));
    expect(migrateBoard(doc, ORIGIN, { steps, target: 3 })).toEqual({ from: 1, to: 3 });
    expect(origins).toEqual([ORIGIN]);
    expect(readMeta(doc)).toMatchObject({ schemaVersion: 3, title: '梁溪区 2026 群团共建项目 (v2)' });
  });

  it('reports a board newer than the code, untouched', () => {
    const doc = aBoard();
    boardMeta(doc).set('schemaVersion', CURRENT_SCHEMA_VERSION + 1);
    expectRefused(doc, 'unsupported_schema_version', () => migrateBoard(doc, ORIGIN));
  });

  it('reports a version that is not a version', () => {
    const doc = aBoard();
    boardMeta(doc).set('schemaVersion', 'one');
    expectRefused(doc, 'unsupported_schema_version', () => migrateBoard(doc, ORIGIN));
  });

  it('reads a board with meta but no version as version 1', () => {
    const doc = aBoard();
    boardMeta(doc).delete('schemaVersion');
    expect(migrateBoard(doc, ORIGIN, { steps: { 1: (board) => boardMeta(board).set('title', 'v2') }, target: 2 })).toEqual({
      from: 1,
      to: 2,
    });
    expect(readMeta(doc)).toMatchObject({ schemaVersion: 2, title: 'v2' });
  });

  it('reports a missing step before writing anything', () => {
    const doc = aBoard();
    expectRefused(doc, 'migration_missing', () =>
      migrateBoard(doc, ORIGIN, { steps: { 1: () => undefined }, target: 3 }),
    );
  });

  it('leaves the board whole when a step throws', () => {
    const doc = aBoard();
    const steps = {
      1: (board: Y.Doc) => {
        boardMeta(board).set('title', 'half-way');
        throw new Error('step failed');
      },
    };
    const before = Y.encodeStateAsUpdate(doc);
    expect(() => migrateBoard(doc, ORIGIN, { steps, target: 2 })).toThrow('step failed');
    expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
  });
});
