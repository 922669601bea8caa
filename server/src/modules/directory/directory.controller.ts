import { Controller, Get, UseGuards } from '@nestjs/common';
import type { OrgSummary, RegionSummary } from '@gongjian/shared';
import { AuthGuard } from '../auth';
import { DirectoryRepository } from './directory.repository';

/** Read-only directory for pickers and labels; administration comes with the permissions issue. */
@Controller('api')
@UseGuards(AuthGuard)
export class DirectoryController {
  constructor(private readonly directory: DirectoryRepository) {}

  @Get('regions')
  regions(): Promise<RegionSummary[]> {
    return this.directory.listRegions();
  }

  @Get('orgs')
  orgs(): Promise<OrgSummary[]> {
    return this.directory.listOrgs();
  }
}
