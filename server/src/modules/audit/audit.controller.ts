import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { auditQuerySchema, AuditRecord, auditRecordSchema, boardIdSchema, SessionUser } from '@gongjian/shared';
import { z } from 'zod';
import { parseWith } from '../../base/errors';
import { ApiDoc } from '../../base/openapi';
import { AuthGuard, CurrentUser } from '../auth';
import { BoardsService } from '../boards';
import { AuditRepository } from './audit.repository';
import { AuditWriterService } from './audit-writer.service';

@Controller('api/boards/:id/audit')
@UseGuards(AuthGuard)
export class AuditController {
  constructor(
    private readonly boards: BoardsService,
    private readonly repository: AuditRepository,
    private readonly writer: AuditWriterService,
  ) {}

  @Get()
  @ApiDoc({
    summary: 'The board’s audit trail: one record per accepted update, newest first',
    description: 'Filter by project, user and time range [from, to). Refused updates are counted in metrics, never recorded here.',
    access: 'board-member',
    params: z.object({ id: boardIdSchema }),
    query: auditQuerySchema,
    response: z.array(auditRecordSchema),
  })
  async list(@CurrentUser() user: SessionUser, @Param('id') id: string, @Query() query: unknown): Promise<AuditRecord[]> {
    const boardId = parseWith(boardIdSchema, id);
    const filters = parseWith(auditQuerySchema, query);
    await this.boards.roleOf(user, boardId);
    // What this instance accepted a moment ago is in the trail before it answers.
    await this.writer.flush();
    return this.repository.query(boardId, filters);
  }
}
