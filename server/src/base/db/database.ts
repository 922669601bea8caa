import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { Kysely, Migrator, PostgresDialect, sql } from 'kysely';
import { Pool, types } from 'pg';
import type { Logger } from 'pino';
import type { Database } from './database.types';
import { migrationProvider } from './migrations';
import { PGliteDialect } from './pglite-dialect';

export type Db = Kysely<Database>;

export interface DatabaseOptions {
  databaseUrl?: string;
  dataDir: string;
}

/**
 * int8 as number (ids, stream milliseconds and sums of fen stay far below 2^53), as PGlite returns
 * them; `date` as its `YYYY-MM-DD` text, as board documents keep dates (the drivers' default is a
 * Date at midnight in some time zone).
 */
const asText = (value: string) => value;
const pgTypes = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === types.builtins.INT8
      ? Number
      : oid === types.builtins.DATE
        ? asText
        : types.getTypeParser(oid, format ?? 'text'),
};

/** PostgreSQL when a URL is given, else embedded PGlite in `dataDir`: one query layer for both. */
export async function openDatabase(options: DatabaseOptions): Promise<{ db: Db; kind: 'postgres' | 'pglite' }> {
  if (options.databaseUrl) {
    const pool = new Pool({ connectionString: options.databaseUrl, types: pgTypes, max: 10 });
    // An idle pooled connection that PostgreSQL closes (a restart, a failover, a network cut) is
    // reported on the pool; with no listener Node would throw it and end the process. The pool
    // drops that connection and the next query opens a new one (or fails, and says so).
    pool.on('error', () => undefined);
    // The same for a connection that is checked out but between queries (inside a transaction,
    // say): its client reports the cut itself; the query that uses it next fails and says so.
    pool.on('connect', (client) => client.on('error', () => undefined));
    return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), kind: 'postgres' };
  }
  const dir = resolve(options.dataDir, 'pglite');
  mkdirSync(dir, { recursive: true });
  const releaseLock = lockDataDir(options.dataDir);
  // PGlite is ESM with a CommonJS build; load it lazily so PostgreSQL deployments never pay for it.
  const { PGlite } = await import('@electric-sql/pglite');
  const pglite = await PGlite.create(dir, { parsers: { [types.builtins.DATE]: asText } });
  process.once('exit', releaseLock);
  return { db: new Kysely<Database>({ dialect: new PGliteDialect(pglite, releaseLock) }), kind: 'pglite' };
}

/**
 * PGlite is one process's database: a second server on the same DATA_DIR would corrupt it.
 * A lock file holding the owner's pid refuses the second one; a stale file (owner gone) is taken over.
 */
function lockDataDir(dataDir: string): () => void {
  const file = resolve(dataDir, 'server.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        rmSync(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = Number(readFileSync(file, 'utf8'));
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
      throw new Error(`DATA_DIR ${dataDir} is in use by process ${owner}; embedded mode serves one instance`);
    }
    rmSync(file, { force: true });
  }
  throw new Error(`could not lock DATA_DIR ${dataDir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Applies every committed migration not yet applied; fails loudly on the first error. */
export async function migrateToLatest(db: Db, logger: Logger): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  for (const result of results ?? []) {
    if (result.status === 'Success') logger.info({ migration: result.migrationName }, 'migration applied');
    if (result.status === 'Error') logger.error({ migration: result.migrationName }, 'migration failed');
  }
  if (error) throw error instanceof Error ? error : new Error(String(error));
}

export async function pingDatabase(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
