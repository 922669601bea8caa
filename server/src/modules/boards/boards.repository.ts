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

  /** A new board with its creator as coordinator and its first document state, in one transaction. */
  async create(board: { id: string; title: string; createdBy: string; state: Uint8Array; stateSha256: string }): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('boards').values({ id: board.id, title: board.title, created_by: board.createdBy }).execute();
      await trx.insertInto('board_members').values({ board_id: board.id, user_id: board.createdBy, role: 'coordinator' }).execute();
      await trx
        .insertInto('board_snapshots')
        .values({ board_id: board.id, state: board.state, state_sha256: board.stateSha256, log_ms: 0, log_seq: 0 })
        .execute();
    });
  }

  async regionOfOrg(orgId: string): Promise<string | null> {
    const row = await this.db.selectFrom('orgs').select('region_id').where('id', '=', orgId).executeTakeFirst();
    return row?.region_id ?? null;
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
