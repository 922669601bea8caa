import 'reflect-metadata';
import pino from 'pino';
import { ConfigError, loadConfig } from './base/config';
import { migrateToLatest, openDatabase } from './base/db';
import { openStorage, Storage } from './base/storage';
import { reprojectBoards } from './modules/readmodel/reproject';
import { ReadModelRepository } from './modules/readmodel/readmodel.repository';
import { SnapshotRepository } from './modules/sync/snapshot.repository';

/**
 * `npm run reproject [-- boardId …]`: rebuilds the read model from the stored boards, with the
 * server's configuration (DATABASE_URL or DATA_DIR, REDIS_URL, REDIS_PREFIX). Progress on stdout,
 * logs on stderr; exits 1 when a board failed. In embedded mode it refuses to run while a server
 * holds DATA_DIR.
 */
async function main(args: string[]): Promise<number> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`reproject: ${err.message}\n`);
    return 78;
  }
  const logger = pino(
    { level: config.LOG_LEVEL, base: { pid: process.pid } },
    pino.destination({ dest: 2, sync: true }),
  );
  let opened;
  try {
    opened = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`reproject: ${message}${config.DATABASE_URL ? '' : ' (stop the server first)'}\n`);
    return 1;
  }
  const { db, kind } = opened;
  let storage: Storage | undefined;
  try {
    await migrateToLatest(db, logger);
    storage = openStorage(config, db, logger, () => undefined);
    const print = (line: string) => process.stdout.write(`${line}\n`);
    print(
      `reproject: ${kind === 'pglite' ? `embedded database in ${config.DATA_DIR}` : 'PostgreSQL'}, ${storage.log.kind} update log`,
    );
    const summary = await reprojectBoards(
      {
        repository: new ReadModelRepository(db),
        snapshots: new SnapshotRepository(db),
        log: storage.log,
        locks: storage.locks,
        leaseMs: config.LOCK_LEASE_MS,
        leaseWaitMs: 3 * config.LOCK_LEASE_MS,
        print,
      },
      args,
    );
    const newer = summary.newer > 0 ? `, ${summary.newer} already newer` : '';
    const failed = summary.failed.length > 0 ? `; FAILED: ${summary.failed.join(', ')}` : '';
    print(
      `reproject: ${summary.written} of ${summary.boards} boards rewritten${newer}, ${summary.rows} rows in ${summary.seconds.toFixed(1)} s${failed}`,
    );
    return summary.failed.length > 0 ? 1 : 0;
  } catch (err) {
    process.stderr.write(`reproject failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  } finally {
    await storage?.close();
    await db.destroy();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`reproject failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
