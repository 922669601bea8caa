import { Kysely, sql } from 'kysely';

/** Regions (city → district → township/street/park), organizations, and each user's organization. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('regions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull().check(sql`level in ('city', 'district', 'township')`))
    .addColumn('parent_id', 'text', (c) => c.references('regions.id').onDelete('restrict'))
    .execute();
  await db.schema.createIndex('regions_parent_idx').on('regions').column('parent_id').execute();

  await db.schema
    .createTable('orgs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('union', 'youth', 'women', 'other')`))
    .addColumn('region_id', 'text', (c) => c.notNull().references('regions.id').onDelete('restrict'))
    .execute();
  await db.schema.createIndex('orgs_region_idx').on('orgs').column('region_id').execute();

  await db.schema
    .alterTable('users')
    .addColumn('org_id', 'text', (c) => c.references('orgs.id').onDelete('set null'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('org_id').execute();
  await db.schema.dropTable('orgs').execute();
  await db.schema.dropTable('regions').execute();
}
