import type { Logger } from 'pino';
import type { Db } from '../../base/db';
import { hashPassword } from '../auth/password';
import { snapshotChecksum } from '../sync/snapshot-checksum';
import { DEMO_BOARDS } from './demo-boards';
import { demoBoardState } from './demo-content';
import { DEMO_ORGS, DEMO_REGIONS } from './demo-directory';
import { DEMO_PASSWORD, DEMO_USERS, demoUserId } from './demo-users';

export { DEMO_BOARD_ID } from './demo-boards';
export { DEMO_PASSWORD } from './demo-users';

/**
 * Seeds the demo directory, accounts and boards (DEMO=1); running it again changes nothing.
 * Each board's document is built from the demo content (and checked with validateBoard) and
 * written as the board's initial snapshot only when the board has none: a board people have
 * edited keeps its edits.
 */
export async function seedDemo(db: Db, logger: Logger): Promise<void> {
  // Built before the transaction: a broken demo board stops the start before anything is written.
  const states = DEMO_BOARDS.map((board) => ({ board, state: demoBoardState(board) }));
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  let written = 0;
  await db.transaction().execute(async (trx) => {
    for (const region of DEMO_REGIONS) {
      await trx
        .insertInto('regions')
        .values({ id: region.id, name: region.name, level: region.level, parent_id: region.parentId })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
    }
    for (const org of DEMO_ORGS) {
      await trx
        .insertInto('orgs')
        .values({ id: org.id, name: org.name, kind: org.kind, region_id: org.regionId })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
    }
    for (const user of DEMO_USERS) {
      await trx
        .insertInto('users')
        .values({
          id: demoUserId(user.username),
          username: user.username,
          display_name: user.displayName,
          password_hash: passwordHash,
          is_admin: user.isAdmin,
          org_id: user.orgId,
        })
        .onConflict((oc) => oc.column('username').doUpdateSet({ org_id: user.orgId }))
        .execute();
    }
    for (const { board, state } of states) {
      await trx
        .insertInto('boards')
        .values({ id: board.id, title: board.title, created_by: demoUserId('admin'), created_at: board.createdAt })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      for (const [username, role] of Object.entries(board.members)) {
        const row = await trx
          .selectFrom('users')
          .select('id')
          .where('username', '=', username)
          .executeTakeFirstOrThrow();
        await trx
          .insertInto('board_members')
          .values({ board_id: board.id, user_id: row.id, role })
          .onConflict((oc) => oc.columns(['board_id', 'user_id']).doNothing())
          .execute();
      }
      for (const [orgId, role] of Object.entries(board.orgMembers ?? {})) {
        await trx
          .insertInto('board_org_members')
          .values({ board_id: board.id, org_id: orgId, role })
          .onConflict((oc) => oc.columns(['board_id', 'org_id']).doNothing())
          .execute();
      }
      const result = await trx
        .insertInto('board_snapshots')
        .values({ board_id: board.id, state, state_sha256: snapshotChecksum(state), log_ms: 0, log_seq: 0 })
        .onConflict((oc) => oc.column('board_id').doNothing())
        .executeTakeFirst();
      written += Number(result.numInsertedOrUpdatedRows ?? 0);
    }
  });
  logger.info(
    {
      users: DEMO_USERS.length,
      orgs: DEMO_ORGS.length,
      boards: DEMO_BOARDS.map((board) => board.id),
      projects: DEMO_BOARDS.reduce((sum, board) => sum + board.projects.length, 0),
      snapshotsWritten: written,
    },
    'demo data ready',
  );
}
