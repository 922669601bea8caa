import { Injectable } from '@nestjs/common';
import {
  PARENT_LEVEL,
  type CreateOrgBody,
  type CreateRegionBody,
  type OrgsQuery,
  type OrgSummary,
  type RegionLevel,
  type RegionSummary,
  type UpdateOrgBody,
  type UpdateRegionBody,
} from '@gongjian/shared';
import { randomUUID } from 'node:crypto';
import { AppError } from '../../base/errors';
import { lostRaceIsConflict } from './constraint-violation.util';
import { invalidField } from './directory.errors';
import { DirectoryRepository } from './directory.repository';

/** Regions and organizations: everyone reads them; the caller has checked that writers are admins. */
@Injectable()
export class DirectoryService {
  constructor(private readonly repository: DirectoryRepository) {}

  listRegions(): Promise<RegionSummary[]> {
    return this.repository.listRegions();
  }

  async createRegion(body: CreateRegionBody): Promise<RegionSummary> {
    await this.assertParentFits(body.level, body.parentId);
    const id = body.id ?? randomUUID();
    if (body.id !== undefined && (await this.repository.findRegion(id))) {
      throw new AppError('conflict', `A region with the id ${id} exists already.`);
    }
    await lostRaceIsConflict(
      this.repository.insertRegion({ id, name: body.name, level: body.level, parentId: body.parentId }),
    );
    return this.region(id);
  }

  async updateRegion(id: string, body: UpdateRegionBody): Promise<RegionSummary> {
    const region = await this.region(id);
    const level = body.level ?? region.level;
    const parentId = body.parentId === undefined ? region.parentId : body.parentId;
    if (level !== region.level || parentId !== region.parentId) await this.assertParentFits(level, parentId);
    if (level !== region.level && (await this.repository.regionDependents(id)).regions > 0) {
      throw new AppError('conflict', 'A region with regions under it keeps its level.');
    }
    if (body.name !== undefined || level !== region.level || parentId !== region.parentId) {
      await lostRaceIsConflict(this.repository.updateRegion(id, { name: body.name, level, parentId }));
    }
    return this.region(id);
  }

  async deleteRegion(id: string): Promise<void> {
    await this.region(id);
    const dependents = await this.repository.regionDependents(id);
    if (dependents.regions > 0 || dependents.orgs > 0) {
      throw new AppError('conflict', 'A region with regions or organizations under it cannot be deleted.', dependents);
    }
    await lostRaceIsConflict(this.repository.deleteRegion(id));
  }

  listOrgs(query: OrgsQuery): Promise<OrgSummary[]> {
    return this.repository.listOrgs(query);
  }

  /** The organizations of one region (404 when there is no such region). */
  async regionOrgs(regionId: string): Promise<OrgSummary[]> {
    await this.region(regionId);
    return this.repository.listOrgs({ regionId });
  }

  async createOrg(body: CreateOrgBody): Promise<OrgSummary> {
    await this.assertRegionExists(body.regionId);
    const id = body.id ?? randomUUID();
    if (body.id !== undefined && (await this.repository.findOrg(id))) {
      throw new AppError('conflict', `An organization with the id ${id} exists already.`);
    }
    await lostRaceIsConflict(
      this.repository.insertOrg({ id, name: body.name, kind: body.kind, regionId: body.regionId }),
    );
    return this.org(id);
  }

  async updateOrg(id: string, body: UpdateOrgBody): Promise<OrgSummary> {
    await this.org(id);
    if (body.regionId !== undefined) await this.assertRegionExists(body.regionId);
    if (body.name !== undefined || body.kind !== undefined || body.regionId !== undefined) {
      await lostRaceIsConflict(this.repository.updateOrg(id, body));
    }
    return this.org(id);
  }

  async deleteOrg(id: string): Promise<void> {
    await this.org(id);
    const users = await this.repository.orgUserCount(id);
    if (users > 0) throw new AppError('conflict', 'An organization with users cannot be deleted.', { users });
    await lostRaceIsConflict(this.repository.deleteOrg(id));
  }

  private async region(id: string): Promise<RegionSummary> {
    const region = await this.repository.findRegion(id);
    if (!region) throw new AppError('not_found', 'No such region.');
    return region;
  }

  private async org(id: string): Promise<OrgSummary> {
    const org = await this.repository.findOrg(id);
    if (!org) throw new AppError('not_found', 'No such organization.');
    return org;
  }

  /** A city has no parent; a district's parent is a city; a township's parent is a district. */
  private async assertParentFits(level: RegionLevel, parentId: string | null): Promise<void> {
    const parentLevel = PARENT_LEVEL[level];
    if (parentLevel === null) {
      if (parentId !== null) throw invalidField('parentId', 'A city has no parent region.');
      return;
    }
    if (parentId === null) throw invalidField('parentId', `A ${level} needs a parent ${parentLevel}.`);
    const parent = await this.repository.findRegion(parentId);
    if (!parent) throw invalidField('parentId', 'No such parent region.');
    if (parent.level !== parentLevel) throw invalidField('parentId', `A ${level}'s parent must be a ${parentLevel}.`);
  }

  private async assertRegionExists(regionId: string): Promise<void> {
    if (!(await this.repository.findRegion(regionId))) throw invalidField('regionId', 'No such region.');
  }
}
