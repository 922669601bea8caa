import { Injectable } from '@nestjs/common';
import type { BoardRole, BoardSummary, CreateBoardBody, PutMemberBody, SessionUser } from '@gongjian/shared';
import { initBoard } from '@gongjian/shared';
import { randomUUID } from 'node:crypto';
import * as Y from 'yjs';
import { AppError } from '../../base/errors';
import { snapshotChecksum } from '../sync/snapshot-checksum';
import { BoardsRepository } from './boards.repository';

/** The year in China, where boards are planned (dates are shown in Asia/Shanghai). */
function currentYear(): number {
  return Number(new Intl.DateTimeFormat('en', { year: 'numeric', timeZone: 'Asia/Shanghai' }).format(new Date()));
}

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

  /** Creates a board whose document starts with its meta: title, the creator's region, this year. */
  async create(user: SessionUser, body: CreateBoardBody): Promise<BoardSummary> {
    const id = randomUUID();
    const regionId = user.orgId ? await this.repository.regionOfOrg(user.orgId) : null;
    const doc = new Y.Doc();
    try {
      initBoard(doc, { title: body.title, regionId: regionId ?? undefined, year: currentYear() }, 'create-board');
      const state = Y.encodeStateAsUpdate(doc);
      await this.repository.create({ id, title: body.title, createdBy: user.id, state, stateSha256: snapshotChecksum(state) });
    } finally {
      doc.destroy();
    }
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
