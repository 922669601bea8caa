import type { Logger } from 'pino';
import * as Y from 'yjs';
import type { Db } from '../../base/db';
import { hashPassword } from '../auth/password';
import { snapshotChecksum } from '../sync/snapshot.repository';
import { DEMO_ORGS, DEMO_REGIONS } from './demo-directory';

export const DEMO_PASSWORD = 'demo12345';
export const DEMO_BOARD_ID = 'demo-liangxi-2026';

const DEMO_USERS = [
  { username: 'admin', displayName: '系统管理员', isAdmin: true, role: 'coordinator', orgId: null },
  { username: 'union', displayName: '梁溪区总工会 · 王工', isAdmin: false, role: 'editor', orgId: 'liangxi-union' },
  { username: 'youth', displayName: '共青团梁溪区委 · 李团', isAdmin: false, role: 'editor', orgId: 'liangxi-youth' },
  { username: 'women', displayName: '梁溪区妇联 · 陈主任', isAdmin: false, role: 'editor', orgId: 'liangxi-women' },
  { username: 'coord', displayName: '崇安寺街道 · 赵协调员', isAdmin: false, role: 'coordinator', orgId: 'chongansi-center' },
  { username: 'leader', displayName: '梁溪区委 · 周领导', isAdmin: false, role: 'viewer', orgId: 'liangxi-office' },
] as const;

/** Seeds the demo accounts and a demo board; running it again changes nothing. */
export async function seedDemo(db: Db, logger: Logger): Promise<void> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
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
          id: `demo-${user.username}`,
          username: user.username,
          display_name: user.displayName,
          password_hash: passwordHash,
          is_admin: user.isAdmin,
          org_id: user.orgId,
        })
        .onConflict((oc) => oc.column('username').doUpdateSet({ org_id: user.orgId }))
        .execute();
    }
    await trx
      .insertInto('boards')
      .values({ id: DEMO_BOARD_ID, title: '梁溪区 2026 群团共建项目', created_by: 'demo-admin' })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    for (const user of DEMO_USERS) {
      const row = await trx.selectFrom('users').select('id').where('username', '=', user.username).executeTakeFirstOrThrow();
      await trx
        .insertInto('board_members')
        .values({ board_id: DEMO_BOARD_ID, user_id: row.id, role: user.role })
        .onConflict((oc) => oc.columns(['board_id', 'user_id']).doNothing())
        .execute();
    }
    const state = demoBoardState();
    await trx
      .insertInto('board_snapshots')
      .values({ board_id: DEMO_BOARD_ID, state, state_sha256: snapshotChecksum(state), log_ms: 0, log_seq: 0 })
      .onConflict((oc) => oc.column('board_id').doNothing())
      .execute();
  });
  logger.info({ users: DEMO_USERS.length, orgs: DEMO_ORGS.length, boardId: DEMO_BOARD_ID }, 'demo data ready');
}

function demoBoardState(): Uint8Array {
  const doc = new Y.Doc();
  doc.transact(() => {
    const meta = doc.getMap('meta');
    meta.set('schemaVersion', 1);
    meta.set('title', '梁溪区 2026 群团共建项目');
    meta.set('year', 2026);
  }, 'seed');
  const state = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return state;
}
