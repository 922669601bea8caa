import { Inject, Injectable } from '@nestjs/common';
import type { BoardMembers, BoardRole, BoardSummary } from '@gongjian/shared';
import { sql } from 'kysely';
import { DB, Db } from '../../base/db';

/** What decides a user's access to a board, read in one query. */
export interface BoardAccess {
  /** The user's role: their own membership, else their org's, else coordinator for an admin. */
  role: BoardRole | null;
  orgId: string | null;
  disabled: boolean;
}

@Injectable()
export class BoardsRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  /** The boards a user sees (every board for an admin), with their role on each. */
  async listForUser(user: { id: string; orgId: string | null; isAdmin: boolean }): Promise<BoardSummary[]> {
    const rows = await this.db
      .selectFrom('boards')
      .leftJoin('board_members', (join) => join.onRef('board_members.board_id', '=', 'boards.id').on('board_members.user_id', '=', user.id))
      .leftJoin('board_org_members', (join) =>
        join.onRef('board_org_members.board_id', '=', 'boards.id').on('board_org_members.org_id', '=', user.orgId ?? ''),
      )
      .select(['boards.id', 'boards.title', 'board_members.role as userRole', 'board_org_members.role as orgRole'])
      .$if(!user.isAdmin, (query) =>
        query.where((eb) => eb.or([eb('board_members.role', 'is not', null), eb('board_org_members.role', 'is not', null)])),
      )
      .orderBy('boards.created_at')
      .orderBy('boards.id')
      .execute();
    return rows.map((row) => ({
      id: row.id,
      title: row.title,
      role: user.isAdmin ? 'coordinator' : (row.userRole ?? row.orgRole ?? 'viewer'),
    }));
  }

  /** A user's access to a board; role null when the board or the user does not exist or is not theirs. */
  async accessOf(boardId: string, userId: string): Promise<BoardAccess> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => [
        'users.is_admin',
        'users.disabled',
        'users.org_id',
        eb
          .selectFrom('board_members')
          .select('role')
          .where('board_members.board_id', '=', boardId)
          .whereRef('board_members.user_id', '=', 'users.id')
          .as('user_role'),
        eb
          .selectFrom('board_org_members')
          .select('role')
          .where('board_org_members.board_id', '=', boardId)
          .whereRef('board_org_members.org_id', '=', 'users.org_id')
          .as('org_role'),
        eb.exists(eb.selectFrom('boards').select(sql`1`.as('one')).where('boards.id', '=', boardId)).as('board_exists'),
      ])
      .where('users.id', '=', userId)
      .executeTakeFirst();
    if (!row) return { role: null, orgId: null, disabled: true };
    const role = !row.board_exists || row.disabled ? null : row.is_admin ? 'coordinator' : (row.user_role ?? row.org_role ?? null);
    return { role, orgId: row.org_id, disabled: row.disabled };
  }

  async roleOf(boardId: string, userId: string): Promise<BoardRole | null> {
    return (await this.accessOf(boardId, userId)).role;
  }

  async members(boardId: string): Promise<BoardMembers> {
    const users = await this.db
      .selectFrom('board_members')
      .innerJoin('users', 'users.id', 'board_members.user_id')
      .select(['users.id as userId', 'users.username', 'users.display_name as displayName', 'users.org_id as orgId', 'board_members.role'])
      .where('board_members.board_id', '=', boardId)
      .orderBy('users.username')
      .execute();
    const orgs = await this.db
      .selectFrom('board_org_members')
      .innerJoin('orgs', 'orgs.id', 'board_org_members.org_id')
      .select(['orgs.id as orgId', 'orgs.name', 'board_org_members.role'])
      .where('board_org_members.board_id', '=', boardId)
      .orderBy('orgs.name')
      .execute();
    return { users, orgs };
  }

  /**
   * Changes a membership (role null removes it) in a transaction that refuses to leave the board
   * without a coordinator membership (a user's or an org's); returns false when that would happen.
   */
  async changeMember(boardId: string, member: { userId: string } | { orgId: string }, role: BoardRole | null): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      // Serializes membership changes of one board.
      await trx.selectFrom('boards').select('id').where('id', '=', boardId).forUpdate().executeTakeFirst();
      if ('userId' in member) {
        if (role === null) {
          await trx.deleteFrom('board_members').where('board_id', '=', boardId).where('user_id', '=', member.userId).execute();
        } else {
          await trx
            .insertInto('board_members')
            .values({ board_id: boardId, user_id: member.userId, role })
            .onConflict((oc) => oc.columns(['board_id', 'user_id']).doUpdateSet({ role }))
            .execute();
        }
      } else if (role === null) {
        await trx.deleteFrom('board_org_members').where('board_id', '=', boardId).where('org_id', '=', member.orgId).execute();
      } else {
        await trx
          .insertInto('board_org_members')
          .values({ board_id: boardId, org_id: member.orgId, role })
          .onConflict((oc) => oc.columns(['board_id', 'org_id']).doUpdateSet({ role }))
          .execute();
      }
      const users = await trx
        .selectFrom('board_members')
        .innerJoin('users', 'users.id', 'board_members.user_id')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('board_members.board_id', '=', boardId)
        .where('board_members.role', '=', 'coordinator')
        .where('users.disabled', '=', false)
        .executeTakeFirstOrThrow();
      const orgs = await trx
        .selectFrom('board_org_members')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('board_id', '=', boardId)
        .where('role', '=', 'coordinator')
        .executeTakeFirstOrThrow();
      if (Number(users.count) + Number(orgs.count) === 0) throw new NoCoordinatorLeft();
      return true;
    }).catch((err: unknown) => {
      if (err instanceof NoCoordinatorLeft) return false;
      throw err;
    });
  }

  async userExists(userId: string): Promise<boolean> {
    return (await this.db.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst()) !== undefined;
  }

  async orgExists(orgId: string): Promise<boolean> {
    return (await this.db.selectFrom('orgs').select('id').where('id', '=', orgId).executeTakeFirst()) !== undefined;
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

  async userIdByUsername(username: string): Promise<string | null> {
    const row = await this.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst();
    return row?.id ?? null;
  }
}

class NoCoordinatorLeft extends Error {}
