import { Controller, Get, Header } from '@nestjs/common';
import { z } from 'zod';
import { ApiDoc } from '../openapi';
import { MetricsService } from './metrics.service';

@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiDoc({
    summary: 'Prometheus metrics of this instance',
    description: 'Sockets, loaded boards, updates, ack latency, stream lag, compaction, refusals by code. Keep it off the public network (infra/nginx.conf does not route it).',
    access: 'public',
    response: z.string(),
    contentType: 'text/plain; version=0.0.4; charset=utf-8',
  })
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
