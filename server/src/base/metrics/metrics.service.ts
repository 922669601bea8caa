import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The server's Prometheus metrics, on a registry of its own (several apps may share a process in tests). */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly sockets = new Gauge({ name: 'gj_sockets', help: 'Connected sync sockets', registers: [this.registry] });
  readonly loadedBoards = new Gauge({
    name: 'gj_loaded_boards',
    help: 'Boards loaded in memory',
    registers: [this.registry],
  });
  readonly updatesIn = new Counter({
    name: 'gj_updates_in_total',
    help: 'Updates accepted from clients and appended to the log',
    registers: [this.registry],
  });
  readonly updatesOut = new Counter({
    name: 'gj_updates_out_total',
    help: 'Update messages sent to sockets',
    registers: [this.registry],
  });
  readonly updatesMerged = new Counter({
    name: 'gj_updates_merged_total',
    help: 'Updates forwarded merged with others of the same board and event-loop turn (one message per socket for all of them)',
    registers: [this.registry],
  });
  readonly refused = new Counter({
    name: 'gj_messages_refused_total',
    help: 'Messages refused, by error code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  readonly ackLatency = new Histogram({
    name: 'gj_ack_latency_seconds',
    help: 'From receiving an update to acknowledging it (durable in the log)',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly streamLag = new Histogram({
    name: 'gj_stream_lag_seconds',
    help: 'Age of log entries when this instance read them',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 5],
    registers: [this.registry],
  });
  readonly compactionDuration = new Histogram({
    name: 'gj_compaction_duration_seconds',
    help: 'Time to compact a board into a snapshot',
    buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly boardLoadDuration = new Histogram({
    name: 'gj_board_load_duration_seconds',
    help: 'Time to load a board from snapshot and log',
    buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly projectionDuration = new Histogram({
    name: 'gj_projection_duration_seconds',
    help: 'Time to project a board into the read model (rows built and written)',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly projectionOutcomes = new Counter<'outcome'>({
    name: 'gj_projection_outcomes_total',
    help: 'Projection attempts by outcome: full or incremental (rows written), unchanged (the read model had this state or a later one), covered (it already had every change of this instance: nothing derived), deferred (left to the instance that keeps projecting the board), busy (lease held elsewhere)',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  readonly projectionFailures = new Counter({
    name: 'gj_projection_failures_total',
    help: 'Projections of a board into the read model that failed (each is retried)',
    registers: [this.registry],
  });
  /** Read when scraped; the projector sets the source (see trackProjectionLag). */
  private projectionLagSource: () => number = () => 0;
  readonly projectionLag: Gauge = new Gauge({
    name: 'gj_projection_lag_seconds',
    help: 'Age of the oldest board change on this instance not yet in the read model (0 when caught up)',
    registers: [this.registry],
    collect: (): void => this.projectionLag.set(this.projectionLagSource()),
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  trackProjectionLag(source: () => number): void {
    this.projectionLagSource = source;
  }
}
