import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { z } from 'zod';
import { DB, Db, pingDatabase } from '../../base/db';
import { ApiDoc } from '../../base/openapi';
import { UPDATE_LOG, UpdateLog } from '../../base/storage';

/** What the probes answer; for load balancers and orchestrators, so only documented here. */
const checkSchema = z.enum(['ok', 'fail']);
type Check = z.infer<typeof checkSchema>;
const livenessSchema = z.object({ status: z.literal('ok') });
const readinessSchema = z.object({ status: checkSchema, database: checkSchema, log: checkSchema });

@Controller()
export class HealthController {
  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(UPDATE_LOG) private readonly log: UpdateLog,
  ) {}

  /** Liveness: the process answers. */
  @Get('healthz')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Liveness probe',
    description: 'The process answers.',
    access: 'public',
    response: livenessSchema,
  })
  healthz(): z.infer<typeof livenessSchema> {
    return { status: 'ok' };
  }

  /** Readiness: the database and the update log (Redis, when configured) answer within a second. */
  @Get('readyz')
  @ApiDoc({
    summary: 'Readiness probe',
    description:
      'Whether the database and the update log (Redis, when configured) answer within a second. 200 when both do; otherwise 503 with the same body, naming the one that failed.',
    access: 'public',
    response: readinessSchema,
  })
  async readyz(@Res({ passthrough: true }) response: Response): Promise<z.infer<typeof readinessSchema>> {
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
