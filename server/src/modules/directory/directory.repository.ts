import { Inject, Injectable } from '@nestjs/common';
import type { OrgsQuery, OrgSummary, RegionLevel, RegionSummary } from '@gongjian/shared';
import { DB, Db } from '../../base/db';

export interface NewRegion {
  id: string;
  name: string;
  level: RegionLevel;
  parentId: string | null;
}

export interface RegionChanges {
  name?: string;
  level?: RegionLevel;
  parentId?: string | null;
}

export interface NewOrg {
  id: string;
  name: string;
  kind: OrgSummary['kind'];
  regionId: string;
}

export type OrgChanges = Partial<Omit<NewOrg, 'id'>>;

/** Regions and organizations. */
@Injectable()
export class DirectoryRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  listRegions(): Promise<RegionSummary[]> {
    return this.db
      .selectFrom('regions')
      .select(['id', 'name', 'level', 'parent_id as parentId'])
      .orderBy('id')
      .execute();
  }

  findRegion(id: string): Promise<RegionSummary | undefined> {
    return this.db
      .selectFrom('regions')
      .select(['id', 'name', 'level', 'parent_id as parentId'])
      .where('id', '=', id)
      .executeTakeFirst();
  }

  async insertRegion(region: NewRegion): Promise<void> {
    await this.db
      .insertInto('regions')
      .values({ id: region.id, name: region.name, level: region.level, parent_id: region.parentId })
      .execute();
  }

  async updateRegion(id: string, changes: RegionChanges): Promise<void> {
    await this.db
      .updateTable('regions')
      .set({ name: changes.name, level: changes.level, parent_id: changes.parentId })
      .where('id', '=', id)
      .execute();
  }

  async deleteRegion(id: string): Promise<void> {
    await this.db.deleteFrom('regions').where('id', '=', id).execute();
  }

  /** How many regions and organizations hang under a region. */
  async regionDependents(id: string): Promise<{ regions: number; orgs: number }> {
    const row = await this.db
      .selectNoFrom((eb) => [
        eb.selectFrom('regions').select(eb.fn.countAll<number>().as('n')).where('parent_id', '=', id).as('regions'),
        eb.selectFrom('orgs').select(eb.fn.countAll<number>().as('n')).where('region_id', '=', id).as('orgs'),
      ])
      .executeTakeFirstOrThrow();
    return { regions: Number(row.regions), orgs: Number(row.orgs) };
  }

  /** Organizations with their region's level, filtered by region and kind. */
  listOrgs(query: OrgsQuery = {}): Promise<OrgSummary[]> {
    return this.db
      .selectFrom('orgs')
      .innerJoin('regions', 'regions.id', 'orgs.region_id')
      .select(['orgs.id', 'orgs.name', 'orgs.kind', 'orgs.region_id as regionId', 'regions.level'])
      .$if(query.regionId !== undefined, (q) => q.where('orgs.region_id', '=', query.regionId!))
      .$if(query.kind !== undefined, (q) => q.where('orgs.kind', '=', query.kind!))
      .orderBy('orgs.region_id')
      .orderBy('orgs.id')
      .execute();
  }

  findOrg(id: string): Promise<OrgSummary | undefined> {
    return this.db
      .selectFrom('orgs')
      .innerJoin('regions', 'regions.id', 'orgs.region_id')
      .select(['orgs.id', 'orgs.name', 'orgs.kind', 'orgs.region_id as regionId', 'regions.level'])
      .where('orgs.id', '=', id)
      .executeTakeFirst();
  }

  async insertOrg(org: NewOrg): Promise<void> {
    await this.db
      .insertInto('orgs')
      .values({ id: org.id, name: org.name, kind: org.kind, region_id: org.regionId })
      .execute();
  }

  async updateOrg(id: string, changes: OrgChanges): Promise<void> {
    await this.db
      .updateTable('orgs')
      .set({ name: changes.name, kind: changes.kind, region_id: changes.regionId })
      .where('id', '=', id)
      .execute();
  }

  async deleteOrg(id: string): Promise<void> {
    await this.db.deleteFrom('orgs').where('id', '=', id).execute();
  }

  async orgUserCount(id: string): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('org_id', '=', id)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
