import { Injectable } from '@nestjs/common';
import type { BoardMembers, BoardRole, BoardSummary, CreateBoardBody, SessionUser } from '@gongjian/shared';
import { initBoard } from '@gongjian/shared';
import { randomUUID } from 'node:crypto';
import * as Y from 'yjs';
import { AppError } from '../../base/errors';
import { AccessEventsService } from '../access';
import { snapshotChecksum } from '../sync/snapshot-checksum';
import { BoardsRepository } from './boards.repository';

/** The year in China, where boards are planned (dates are shown in Asia/Shanghai). */
function currentYear(): number {
  return Number(new Intl.DateTimeFormat('en', { year: 'numeric', timeZone: 'Asia/Shanghai' }).format(new Date()));
}

@Injectable()
export class BoardsService {
  constructor(
    private readonly repository: BoardsRepository,
    private readonly accessEvents: AccessEventsService,
  ) {}

  list(user: SessionUser): Promise<BoardSummary[]> {
    return this.repository.listForUser(user);
  }

  /** The user's role on a board; `not_found` when the board is invisible to them. */
  async roleOf(user: SessionUser, boardId: string): Promise<BoardRole> {
    const role = await this.repository.roleOf(boardId, user.id);
    if (!role) throw new AppError('not_found');
    return role;
  }

  /** Requires the coordinator role (an admin is one everywhere); `not_found` for a board the user can't see. */
  async requireCoordinator(user: SessionUser, boardId: string): Promise<void> {
    if ((await this.roleOf(user, boardId)) !== 'coordinator') throw new AppError('forbidden', 'Only the board’s coordinators may do this.');
  }

  async get(user: SessionUser, boardId: string): Promise<BoardSummary> {
    const role = await this.roleOf(user, boardId);
    const board = (await this.repository.listForUser({ ...user, isAdmin: true })).find((b) => b.id === boardId);
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

  async members(user: SessionUser, boardId: string): Promise<BoardMembers> {
    await this.roleOf(user, boardId);
    return this.repository.members(boardId);
  }

  /** Sets or removes (role null) a user's or an org's membership; open sockets follow within a second. */
  async changeMember(user: SessionUser, boardId: string, member: { userId: string } | { orgId: string }, role: BoardRole | null): Promise<void> {
    await this.requireCoordinator(user, boardId);
    const exists = 'userId' in member ? await this.repository.userExists(member.userId) : await this.repository.orgExists(member.orgId);
    if (!exists) throw new AppError('not_found', 'userId' in member ? 'No such user.' : 'No such organization.');
    const changed = await this.repository.changeMember(boardId, member, role);
    if (!changed) throw new AppError('conflict', 'A board keeps at least one coordinator.');
    await this.accessEvents.boardChanged(boardId);
  }
}
