import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { DB, Db } from '../../base/db';

export type ThrottleScope = 'user' | 'ip';

export interface ThrottleLimits {
  maxFailures: number;
  windowSeconds: number;
  lockSeconds: number;
}

export interface ThrottleCount {
  /** Failures in the current window, this one included. */
  failures: number;
  /** Seconds until the lock ends, if locked. */
  retryAfterSeconds: number | null;
}

const seconds = (value: number) => sql`(${value}::int * interval '1 second')`;

/** Rows of `login_failures`; times come from the database's clock, the same for every instance. */
@Injectable()
export class LoginThrottleRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  /**
   * Counts one failure in one statement (concurrent sign-ins on any instance each get their own
   * number). The count starts over once the window has passed or a lock has run out; a lock is
   * set when the count reaches the limit and is never extended while it holds.
   */
  async count(scope: ThrottleScope, key: string, limits: ThrottleLimits): Promise<ThrottleCount> {
    const max = sql`${limits.maxFailures}::int`;
    const fresh = sql`(f.locked_until <= now() or (f.locked_until is null and f.window_started_at <= now() - ${seconds(limits.windowSeconds)}))`;
    const next = sql`(case when ${fresh} then 1 else f.failures + 1 end)`;
    const { rows } = await sql<{ failures: number; retry_after: number | null }>`
      insert into login_failures as f (scope, key, failures, window_started_at, locked_until)
      values (${scope}, ${key}, 1, now(), case when 1 >= ${max} then now() + ${seconds(limits.lockSeconds)} end)
      on conflict (scope, key) do update set
        failures = ${next},
        window_started_at = case when ${fresh} then now() else f.window_started_at end,
        locked_until = case
          when f.locked_until > now() then f.locked_until
          when ${next} >= ${max} then now() + ${seconds(limits.lockSeconds)}
        end
      returning failures, ceil(extract(epoch from locked_until - now()))::int as retry_after
    `.execute(this.db);
    return { failures: rows[0].failures, retryAfterSeconds: rows[0].retry_after };
  }

  /** Seconds until the lock on this key ends, or null when it is not locked. */
  async lockedFor(scope: ThrottleScope, key: string): Promise<number | null> {
    const row = await this.db
      .selectFrom('login_failures')
      .select(sql<number>`ceil(extract(epoch from locked_until - now()))::int`.as('retry_after'))
      .where('scope', '=', scope)
      .where('key', '=', key)
      .where('locked_until', '>', sql<Date>`now()`)
      .executeTakeFirst();
    return row?.retry_after ?? null;
  }

  /** Takes one attempt back (a success), never below zero and never lifting a lock. */
  async uncount(scope: ThrottleScope, key: string): Promise<void> {
    await this.db
      .updateTable('login_failures')
      .set({ failures: sql<number>`greatest(failures - 1, 0)` })
      .where('scope', '=', scope)
      .where('key', '=', key)
      .execute();
  }

  async clear(scope: ThrottleScope, key: string): Promise<void> {
    await this.db.deleteFrom('login_failures').where('scope', '=', scope).where('key', '=', key).execute();
  }

  /** Deletes rows that neither lock nor count any more (window older than `windowSeconds`). */
  async deleteStale(windowSeconds: number): Promise<void> {
    await this.db
      .deleteFrom('login_failures')
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', sql<Date>`now()`)]))
      .where('window_started_at', '<=', sql<Date>`now() - ${seconds(windowSeconds)}`)
      .execute();
  }
}
