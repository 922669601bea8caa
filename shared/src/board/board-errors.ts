/**
 * Why a board command or migration refused to run. A refused command has written nothing.
 * Clients switch on `code`; `message` names what was wrong, for logs and developers.
 */
export const BOARD_COMMAND_ERROR_CODES = [
  /** The input failed its zod schema or a rule between its fields. */
  'invalid_input',
  /** The project, or the entry in it, does not exist. */
  'not_found',
  /** An entry with that id exists already. */
  'already_exists',
  /** The board has no `meta` yet (initBoard has not run), or already has one (initBoard twice). */
  'not_initialized',
  'already_initialized',
  /** An org scoring a project it leads, or one it takes no part in. */
  'self_score',
  'not_a_scorer',
  /** Criteria weights that don't sum to 100. */
  'weights',
  /** The board's schemaVersion is newer than this code knows, or not a version at all. */
  'unsupported_schema_version',
  /** A migration step between the board's version and the current one is missing. */
  'migration_missing',
] as const;

export type BoardCommandErrorCode = (typeof BOARD_COMMAND_ERROR_CODES)[number];

export class BoardCommandError extends Error {
  constructor(
    readonly code: BoardCommandErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'BoardCommandError';
  }
}
