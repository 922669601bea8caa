import * as Y from 'yjs';
import { boardMeta } from './board-doc';
import { BoardCommandError } from './board-errors';
import { CURRENT_SCHEMA_VERSION } from './board-schema';

/** One migration step: rewrites a board of version `n` (its key) into version `n + 1`, inside a transaction. */
export type MigrationStep = (doc: Y.Doc) => void;

/**
 * The registered steps, by the version they migrate from. To change the schema: bump
 * CURRENT_SCHEMA_VERSION, add the step from the old version here, and a spec that migrates a
 * board written at the old version (docs/document-schema.md, "Changing the schema").
 */
export const MIGRATIONS: Readonly<Record<number, MigrationStep>> = {};

export interface MigrationResult {
  from: number;
  to: number;
}

export interface MigrationOptions {
  /** The steps to run (the registered ones by default). */
  steps?: Readonly<Record<number, MigrationStep>>;
  /** The version to reach (the current one by default). */
  target?: number;
}

/**
 * Brings a stored board to the current schema version: runs every step from its version on in ONE
 * transaction with `origin`, then sets `meta.schemaVersion`. A board at the current version, or an
 * empty one (initBoard writes the version), is left as it is. A board of a newer version than this
 * code knows, or whose version is not a version, is reported (BoardCommandError
 * `unsupported_schema_version`) rather than touched; so is a missing step (`migration_missing`).
 *
 * Steps run where the board is loaded (the server, under the board's lock), once per board. Were
 * two replicas to migrate at once, both edits would merge, so a step writes what it computes
 * from the old shape rather than adding to it.
 */
export function migrateBoard(doc: Y.Doc, origin: unknown, options: MigrationOptions = {}): MigrationResult {
  const steps = options.steps ?? MIGRATIONS;
  const target = options.target ?? CURRENT_SCHEMA_VERSION;
  const meta = boardMeta(doc);
  const stored: unknown = meta.get('schemaVersion');
  if (stored === undefined && meta.size === 0) return { from: target, to: target };
  // A board whose meta was written without a version (the schema cannot require keys of a root
  // map) reads as version 1, the first; refusing it would make the board impossible to load.
  const version = stored === undefined ? 1 : stored;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new BoardCommandError(
      'unsupported_schema_version',
      `the board's schemaVersion ${String(version)} is not a version`,
    );
  }
  if (version > target) {
    throw new BoardCommandError(
      'unsupported_schema_version',
      `the board is at schema version ${version}; this code knows up to ${target}`,
    );
  }
  if (version === target) return { from: version, to: target };
  for (let from = version; from < target; from++) {
    if (!Object.hasOwn(steps, from))
      throw new BoardCommandError('migration_missing', `no migration from schema version ${from}`);
  }
  const run = (board: Y.Doc) =>
    board.transact(() => {
      for (let from = version; from < target; from++) steps[from](board);
      boardMeta(board).set('schemaVersion', target);
    }, origin);
  // Yjs can't roll a transaction back: a step that throws does so on a copy, leaving the board whole.
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  run(copy);
  copy.destroy();
  run(doc);
  return { from: version, to: target };
}
