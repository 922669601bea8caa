import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { DB, Db, pingDatabase } from '../../base/db';
import { UPDATE_LOG, UpdateLog } from '../../base/storage';

type Check = 'ok' | 'fail';

@Controller()
export class HealthController {
  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(UPDATE_LOG) private readonly log: UpdateLog,
  ) {}

  /** Liveness: the process answers. */
  @Get('healthz')
  @HttpCode(200)
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: the database and the update log (Redis, when configured) answer within a second. */
  @Get('readyz')
  async readyz(@Res({ passthrough: true }) response: Response): Promise<{ status: Check; database: Check; log: Check }> {
    const [database, log] = await Promise.all([probe(() => pingDatabase(this.db)), probe(() => this.log.ping())]);
    const status: Check = database === 'ok' && log === 'ok' ? 'ok' : 'fail';
    response.status(status === 'ok' ? 200 : 503);
    return { status, database, log };
  }
}

async function probe(check: () => Promise<void>): Promise<Check> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), 1000))),
    ]);
    return 'ok';
  } catch {
    return 'fail';
  } finally {
    clearTimeout(timer);
  }
}
