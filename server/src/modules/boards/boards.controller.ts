import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, UseGuards } from '@nestjs/common';
import {
  boardIdSchema,
  BoardMembers,
  boardMembersSchema,
  BoardSummary,
  boardSummarySchema,
  createBoardBodySchema,
  entityParamSchema,
  putRoleBodySchema,
  SessionUser,
} from '@gongjian/shared';
import { z } from 'zod';
import { parseWith } from '../../base/errors';
import { ApiDoc } from '../../base/openapi';
import { AuthGuard, CurrentUser } from '../auth';
import { BoardsService } from './boards.service';

const boardParams = z.object({ id: boardIdSchema });
const userMemberParams = z.object({ id: boardIdSchema, userId: entityParamSchema });
const orgMemberParams = z.object({ id: boardIdSchema, orgId: entityParamSchema });

@Controller('api/boards')
@UseGuards(AuthGuard)
export class BoardsController {
  constructor(private readonly boards: BoardsService) {}

  @Get()
  @ApiDoc({ summary: 'The boards the user sees, with their role on each', access: 'user', response: z.array(boardSummarySchema) })
  list(@CurrentUser() user: SessionUser): Promise<BoardSummary[]> {
    return this.boards.list(user);
  }

  @Post()
  @ApiDoc({
    summary: 'Create a board; its creator becomes its coordinator',
    access: 'user',
    body: createBoardBodySchema,
    response: boardSummarySchema,
    status: 201,
  })
  create(@CurrentUser() user: SessionUser, @Body() body: unknown): Promise<BoardSummary> {
    return this.boards.create(user, parseWith(createBoardBodySchema, body));
  }

  @Get(':id')
  @ApiDoc({ summary: 'One board and the user’s role on it', access: 'board-member', params: boardParams, response: boardSummarySchema })
  get(@CurrentUser() user: SessionUser, @Param('id') id: string): Promise<BoardSummary> {
    return this.boards.get(user, parseWith(boardIdSchema, id));
  }

  @Get(':id/members')
  @ApiDoc({
    summary: 'The board’s members: users and organizations with their roles',
    description: 'A user’s role is their own membership if any, else their organization’s; a system admin is a coordinator on every board.',
    access: 'board-member',
    params: boardParams,
    response: boardMembersSchema,
  })
  members(@CurrentUser() user: SessionUser, @Param('id') id: string): Promise<BoardMembers> {
    return this.boards.members(user, parseWith(boardIdSchema, id));
  }

  @Put(':id/members/users/:userId')
  @HttpCode(204)
  @ApiDoc({
    summary: 'Give a user a role on the board (or change it)',
    access: 'board-coordinator',
    params: userMemberParams,
    body: putRoleBodySchema,
    errors: ['conflict'],
  })
  async putUser(@CurrentUser() user: SessionUser, @Param() params: unknown, @Body() body: unknown): Promise<void> {
    const { id, userId } = parseWith(userMemberParams, params);
    await this.boards.changeMember(user, id, { userId }, parseWith(putRoleBodySchema, body).role);
  }

  @Delete(':id/members/users/:userId')
  @HttpCode(204)
  @ApiDoc({ summary: 'Remove a user’s own membership', access: 'board-coordinator', params: userMemberParams, errors: ['conflict'] })
  async deleteUser(@CurrentUser() user: SessionUser, @Param() params: unknown): Promise<void> {
    const { id, userId } = parseWith(userMemberParams, params);
    await this.boards.changeMember(user, id, { userId }, null);
  }

  @Put(':id/members/orgs/:orgId')
  @HttpCode(204)
  @ApiDoc({
    summary: 'Give every user of an organization a role on the board (or change it)',
    access: 'board-coordinator',
    params: orgMemberParams,
    body: putRoleBodySchema,
    errors: ['conflict'],
  })
  async putOrg(@CurrentUser() user: SessionUser, @Param() params: unknown, @Body() body: unknown): Promise<void> {
    const { id, orgId } = parseWith(orgMemberParams, params);
    await this.boards.changeMember(user, id, { orgId }, parseWith(putRoleBodySchema, body).role);
  }

  @Delete(':id/members/orgs/:orgId')
  @HttpCode(204)
  @ApiDoc({ summary: 'Remove an organization’s membership', access: 'board-coordinator', params: orgMemberParams, errors: ['conflict'] })
  async deleteOrg(@CurrentUser() user: SessionUser, @Param() params: unknown): Promise<void> {
    const { id, orgId } = parseWith(orgMemberParams, params);
    await this.boards.changeMember(user, id, { orgId }, null);
  }
}
