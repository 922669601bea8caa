import { Inject, Injectable } from '@nestjs/common';
import type { OrgSummary, RegionSummary } from '@gongjian/shared';
import { DB, Db } from '../../base/db';

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

  listOrgs(): Promise<OrgSummary[]> {
    return this.db
      .selectFrom('orgs')
      .select(['id', 'name', 'kind', 'region_id as regionId'])
      .orderBy('region_id')
      .orderBy('id')
      .execute();
  }
}
