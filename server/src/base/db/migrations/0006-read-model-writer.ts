import { Kysely } from 'kysely';

/**
 * Which projection wrote a board's rows last: a random id per write of a server's projector (null
 * for `reproject` and for projections from storage). A server writes only the projects that
 * changed when the rows are still those of its own last write, and everything otherwise.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('rm_boards').addColumn('projection_id', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('rm_boards').dropColumn('projection_id').execute();
}
