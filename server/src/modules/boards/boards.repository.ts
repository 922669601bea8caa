import { Inject, Injectable } from '@nestjs/common';
import type { BoardRole, BoardSummary } from '@gongjian/shared';
import { DB, Db } from '../../base/db';

@Injectable()
export class BoardsRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  listForUser(userId: string): Promise<BoardSummary[]> {
    return this.db
      .selectFrom('boards')
      .innerJoin('board_members', 'board_members.board_id', 'boards.id')
      .select(['boards.id', 'boards.title', 'board_members.role'])
      .where('board_members.user_id', '=', userId)
      .orderBy('boards.created_at')
      .orderBy('boards.id')
      .execute();
  }

  async roleOf(boardId: string, userId: string): Promise<BoardRole | null> {
    const row = await this.db
      .selectFrom('board_members')
      .select('role')
      .where('board_id', '=', boardId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row?.role ?? null;
  }

  async exists(boardId: string): Promise<boolean> {
    const row = await this.db.selectFrom('boards').select('id').where('id', '=', boardId).executeTakeFirst();
    return row !== undefined;
  }

  async create(board: { id: string; title: string; createdBy: string | null }): Promise<boolean> {
    const result = await this.db
      .insertInto('boards')
      .values({ id: board.id, title: board.title, created_by: board.createdBy })
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async putMember(boardId: string, userId: string, role: BoardRole): Promise<void> {
    await this.db
      .insertInto('board_members')
      .values({ board_id: boardId, user_id: userId, role })
      .onConflict((oc) => oc.columns(['board_id', 'user_id']).doUpdateSet({ role }))
      .execute();
  }

  async userIdByUsername(username: string): Promise<string | null> {
    const row = await this.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst();
    return row?.id ?? null;
  }
}
