import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import {
  createOrgBodySchema,
  createRegionBodySchema,
  idParamsSchema,
  orgsQuerySchema,
  orgSummarySchema,
  regionSummarySchema,
  updateOrgBodySchema,
  updateRegionBodySchema,
  type OrgSummary,
  type RegionSummary,
} from '@gongjian/shared';
import { z } from 'zod';
import { parseWith } from '../../base/errors';
import { ApiDoc } from '../../base/openapi';
import { AuthGuard } from '../auth';
import { AdminGuard } from './admin.guard';
import { DirectoryService } from './directory.service';

/** Regions and organizations: read by everyone signed in (pickers, labels), edited by administrators. */
@Controller('api')
@UseGuards(AuthGuard)
export class DirectoryController {
  constructor(private readonly directory: DirectoryService) {}

  @Get('regions')
  @ApiDoc({
    summary: 'List regions',
    description: 'Every region, city → district → township/street/park.',
    access: 'user',
    response: z.array(regionSummarySchema),
  })
  regions(): Promise<RegionSummary[]> {
    return this.directory.listRegions();
  }

  @Post('regions')
  @UseGuards(AdminGuard)
  @ApiDoc({
    summary: 'Create a region',
    description:
      'A city has no parent, a district’s parent is a city, a township’s parent is a district. The id is a uuid unless one is given; a taken id is a conflict.',
    access: 'admin',
    body: createRegionBodySchema,
    response: regionSummarySchema,
    errors: ['conflict'],
  })
  createRegion(@Body() body: unknown): Promise<RegionSummary> {
    return this.directory.createRegion(parseWith(createRegionBodySchema, body));
  }

  @Patch('regions/:id')
  @UseGuards(AdminGuard)
  @ApiDoc({
    summary: 'Rename or move a region',
    description: 'The parent must fit the level; a region with regions under it keeps its level (conflict).',
    access: 'admin',
    params: idParamsSchema,
    body: updateRegionBodySchema,
    response: regionSummarySchema,
    errors: ['not_found', 'conflict'],
  })
  updateRegion(@Param() params: unknown, @Body() body: unknown): Promise<RegionSummary> {
    return this.directory.updateRegion(parseWith(idParamsSchema, params).id, parseWith(updateRegionBodySchema, body));
  }

  @Delete('regions/:id')
  @UseGuards(AdminGuard)
  @HttpCode(204)
  @ApiDoc({
    summary: 'Delete a region',
    description: 'Only a region with no regions and no organizations under it (else conflict).',
    access: 'admin',
    params: idParamsSchema,
    errors: ['not_found', 'conflict'],
  })
  deleteRegion(@Param() params: unknown): Promise<void> {
    return this.directory.deleteRegion(parseWith(idParamsSchema, params).id);
  }

  @Get('regions/:id/orgs')
  @ApiDoc({
    summary: 'List the organizations of a region',
    access: 'user',
    params: idParamsSchema,
    response: z.array(orgSummarySchema),
    errors: ['not_found'],
  })
  regionOrgs(@Param() params: unknown): Promise<OrgSummary[]> {
    return this.directory.regionOrgs(parseWith(idParamsSchema, params).id);
  }

  @Get('orgs')
  @ApiDoc({
    summary: 'List organizations',
    description: 'Each with the level of its region; filtered by region and kind when given.',
    access: 'user',
    query: orgsQuerySchema,
    response: z.array(orgSummarySchema),
  })
  orgs(@Query() query: unknown): Promise<OrgSummary[]> {
    return this.directory.listOrgs(parseWith(orgsQuerySchema, query));
  }

  @Post('orgs')
  @UseGuards(AdminGuard)
  @ApiDoc({
    summary: 'Create an organization',
    description: 'The id is a uuid unless one is given; a taken id is a conflict.',
    access: 'admin',
    body: createOrgBodySchema,
    response: orgSummarySchema,
    errors: ['conflict'],
  })
  createOrg(@Body() body: unknown): Promise<OrgSummary> {
    return this.directory.createOrg(parseWith(createOrgBodySchema, body));
  }

  @Patch('orgs/:id')
  @UseGuards(AdminGuard)
  @ApiDoc({
    summary: 'Change an organization',
    access: 'admin',
    params: idParamsSchema,
    body: updateOrgBodySchema,
    response: orgSummarySchema,
    errors: ['not_found', 'conflict'],
  })
  updateOrg(@Param() params: unknown, @Body() body: unknown): Promise<OrgSummary> {
    return this.directory.updateOrg(parseWith(idParamsSchema, params).id, parseWith(updateOrgBodySchema, body));
  }

  @Delete('orgs/:id')
  @UseGuards(AdminGuard)
  @HttpCode(204)
  @ApiDoc({
    summary: 'Delete an organization',
    description: 'Only an organization without users (else conflict).',
    access: 'admin',
    params: idParamsSchema,
    errors: ['not_found', 'conflict'],
  })
  deleteOrg(@Param() params: unknown): Promise<void> {
    return this.directory.deleteOrg(parseWith(idParamsSchema, params).id);
  }
}
