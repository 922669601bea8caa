import { Injectable } from '@nestjs/common';
import type { BoardRole, BoardSummary, CreateBoardBody, PutMemberBody, SessionUser } from '@gongjian/shared';
import { randomUUID } from 'node:crypto';
import { AppError } from '../../base/errors';
import { BoardsRepository } from './boards.repository';

@Injectable()
export class BoardsService {
  constructor(private readonly repository: BoardsRepository) {}

  list(user: SessionUser): Promise<BoardSummary[]> {
    return this.repository.listForUser(user.id);
  }

  /** The user's role on a board; `not_found` when the board is invisible to them. */
  async roleOf(user: SessionUser, boardId: string): Promise<BoardRole> {
    const role = await this.repository.roleOf(boardId, user.id);
    if (!role) throw new AppError('not_found');
    return role;
  }

  async get(user: SessionUser, boardId: string): Promise<BoardSummary> {
    const role = await this.roleOf(user, boardId);
    const board = (await this.repository.listForUser(user.id)).find((b) => b.id === boardId);
    if (!board) throw new AppError('not_found');
    return { ...board, role };
  }

  async create(user: SessionUser, body: CreateBoardBody): Promise<BoardSummary> {
    const id = randomUUID();
    await this.repository.create({ id, title: body.title, createdBy: user.id });
    await this.repository.putMember(id, user.id, 'coordinator');
    return { id, title: body.title, role: 'coordinator' };
  }

  async putMember(user: SessionUser, boardId: string, body: PutMemberBody): Promise<void> {
    const role = await this.roleOf(user, boardId);
    if (role !== 'coordinator' && !user.isAdmin) throw new AppError('forbidden');
    const memberId = await this.repository.userIdByUsername(body.username);
    if (!memberId) throw new AppError('not_found', 'No such user.');
    await this.repository.putMember(boardId, memberId, body.role);
  }
}
