import { Body, Controller, Get, HttpCode, Param, Post, Put, UseGuards } from '@nestjs/common';
import { boardIdSchema, BoardSummary, createBoardBodySchema, putMemberBodySchema, SessionUser } from '@gongjian/shared';
import { parseWith } from '../../base/errors';
import { AuthGuard, CurrentUser } from '../auth';
import { BoardsService } from './boards.service';

@Controller('api/boards')
@UseGuards(AuthGuard)
export class BoardsController {
  constructor(private readonly boards: BoardsService) {}

  @Get()
  list(@CurrentUser() user: SessionUser): Promise<BoardSummary[]> {
    return this.boards.list(user);
  }

  @Post()
  create(@CurrentUser() user: SessionUser, @Body() body: unknown): Promise<BoardSummary> {
    return this.boards.create(user, parseWith(createBoardBodySchema, body));
  }

  @Get(':id')
  get(@CurrentUser() user: SessionUser, @Param('id') id: string): Promise<BoardSummary> {
    return this.boards.get(user, parseWith(boardIdSchema, id));
  }

  @Put(':id/members')
  @HttpCode(204)
  async putMember(@CurrentUser() user: SessionUser, @Param('id') id: string, @Body() body: unknown): Promise<void> {
    await this.boards.putMember(user, parseWith(boardIdSchema, id), parseWith(putMemberBodySchema, body));
  }
}
