import { Client } from 'pg';
import * as Y from 'yjs';
import type { TestRedis } from './redis';

/**
 * Everything the server has stored about one board, to show that an attack stored nothing:
 * the update log (the Redis stream, or the embedded `update_log` table), the snapshot, the
 * history and the audit trail. Two footprints taken before and after must be equal.
 */
export interface BoardFootprint {
  logEntries: number;
  snapshotSha256: string | null;
  historyRows: number;
  auditRows: number;
}

export async function boardFootprint(databaseUrl: string, boardId: string, redis?: TestRedis): Promise<BoardFootprint> {
  const sql = new Client({ connectionString: databaseUrl });
  await sql.connect();
  try {
    const count = async (query: string) => Number((await sql.query(query, [boardId])).rows[0].n);
    const snapshot = await sql.query('select state_sha256 from board_snapshots where board_id = $1', [boardId]);
    const logEntries = redis
      ? await redis.client.xlen(`${redis.prefix}{board:${boardId}}:log`)
      : await count('select count(*) as n from update_log where board_id = $1');
    return {
      logEntries,
      snapshotSha256: (snapshot.rows[0]?.state_sha256 as string | undefined) ?? null,
      historyRows: await count('select count(*) as n from board_history where board_id = $1'),
      auditRows: await count('select count(*) as n from audit_log where board_id = $1'),
    };
  } finally {
    await sql.end();
  }
}

/** A document's content and state vector, comparable with toEqual. */
export function docFingerprint(doc: Y.Doc): { json: unknown; stateVector: string } {
  const json: Record<string, unknown> = {};
  for (const name of new Set(['meta', 'projects', ...doc.share.keys()])) json[name] = doc.getMap(name).toJSON();
  return { json, stateVector: Buffer.from(Y.encodeStateVector(doc)).toString('base64') };
}
