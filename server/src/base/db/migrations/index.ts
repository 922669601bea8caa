import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001-init';

/** Committed migrations, in order. Add new ones at the end; never edit a released one. */
const migrations: Record<string, Migration> = {
  '0001-init': m0001,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
