import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001-init';
import * as m0002 from './0002-directory';
import * as m0003 from './0003-read-model';
import * as m0004 from './0004-access-audit';
import * as m0005 from './0005-login-security';
import * as m0006 from './0006-read-model-writer';

/** Committed migrations, in order. Add new ones at the end; never edit a released one. */
const migrations: Record<string, Migration> = {
  '0001-init': m0001,
  '0002-directory': m0002,
  '0003-read-model': m0003,
  '0004-access-audit': m0004,
  '0005-login-security': m0005,
  '0006-read-model-writer': m0006,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
