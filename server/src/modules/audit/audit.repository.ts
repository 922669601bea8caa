import { Inject, Injectable } from '@nestjs/common';
import type { AuditQuery, AuditRecord } from '@gongjian/shared';
import { sql, type Transaction } from 'kysely';
import { DB, Db, Database } from '../../base/db';
import type { LogId } from '../../base/storage';
import type { AuditFacts } from './audit-facts';

/** One audit row to write: an accepted update's log id, its size and its facts. */
export interface AuditRow {
  boardId: string;
  logId: LogId;
  bytes: number;
  facts: AuditFacts;
}

/** 10 parameters a row: 1,000 rows stay far below PostgreSQL's limit of 65,535 per statement. */
const INSERT_CHUNK = 1_000;

/** The append-only audit trail (table `audit_log`); rows are keyed by log id, so writing one twice is harmless. */
@Injectable()
export class AuditRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  /** Writes rows in statements of INSERT_CHUNK (PostgreSQL takes at most 65,535 parameters in one). */
  async insert(rows: readonly AuditRow[], trx: Db | Transaction<Database> = this.db): Promise<void> {
    for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
      await this.insertChunk(rows.slice(start, start + INSERT_CHUNK), trx);
    }
  }

  private async insertChunk(rows: readonly AuditRow[], trx: Db | Transaction<Database>): Promise<void> {
    await trx
      .insertInto('audit_log')
      .values(
        rows.map((row) => ({
          board_id: row.boardId,
          log_ms: row.logId.ms,
          log_seq: row.logId.seq,
          at: row.facts.at,
          user_id: row.facts.userId,
          org_id: row.facts.orgId,
          project_ids: row.facts.projectIds,
          summary: row.facts.summary,
          changes: JSON.stringify(row.facts.changes),
          bytes: row.bytes,
        })),
      )
      .onConflict((oc) => oc.columns(['board_id', 'log_ms', 'log_seq']).doNothing())
      .execute();
  }

  /** Newest first; `before` pages on (at, log id). */
  async query(boardId: string, query: AuditQuery): Promise<AuditRecord[]> {
    let select = this.db
      .selectFrom('audit_log')
      .leftJoin('users', 'users.id', 'audit_log.user_id')
      .select([
        'audit_log.log_ms',
        'audit_log.log_seq',
        'audit_log.at',
        'audit_log.user_id',
        'users.display_name',
        'audit_log.org_id',
        'audit_log.project_ids',
        'audit_log.summary',
        'audit_log.changes',
      ])
      .where('audit_log.board_id', '=', boardId);
    if (query.projectId) select = select.where(sql<boolean>`${sql.ref('audit_log.project_ids')} @> array[${query.projectId}]::text[]`);
    if (query.userId) select = select.where('audit_log.user_id', '=', query.userId);
    if (query.from) select = select.where('audit_log.at', '>=', new Date(query.from));
    if (query.to) select = select.where('audit_log.at', '<', new Date(query.to));
    const rows = await select
      .orderBy('audit_log.at', 'desc')
      .orderBy('audit_log.log_ms', 'desc')
      .orderBy('audit_log.log_seq', 'desc')
      .limit(query.limit)
      .execute();
    return rows.map((row) => ({
      id: `${row.log_ms}-${row.log_seq}`,
      at: new Date(row.at).toISOString(),
      userId: row.user_id,
      userName: row.display_name ?? null,
      orgId: row.org_id,
      projectIds: row.project_ids,
      summary: row.summary,
      changes: (typeof row.changes === 'string' ? JSON.parse(row.changes) : row.changes) as AuditRecord['changes'],
    }));
  }

  async count(boardId: string): Promise<number> {
    const row = await this.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('board_id', '=', boardId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
