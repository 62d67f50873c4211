import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { DataSource } from 'typeorm';

/**
 * The Prometheus metrics of SPEC §6, on a registry of the app's own. Counters and the
 * latency histogram count what this instance did; the queue gauges are read from the
 * database at each scrape, so every instance reports the same, true queue.
 */
@Injectable()
export class SyncMetricsService {
  readonly registry = new Registry();

  readonly sends = new Counter({
    name: 'pems_sync_sends_total',
    help: 'PEMS write attempts by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly sendLatency = new Histogram({
    name: 'pems_sync_send_duration_seconds',
    help: 'Duration of one PEMS update call (after the rate-limit wait)',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly conflicts = new Counter({
    name: 'pems_sync_conflicts_total',
    help: 'Conflicts recorded for a person to resolve',
    registers: [this.registry],
  });

  /** Audit entries of successful actions that could not be written (AuditLogService): each is in the error log, to be restored by hand. */
  readonly auditWriteFailures = new Counter({
    name: 'pems_sync_audit_write_failures_total',
    help: 'Audit entries of successful actions that could not be written (the entry is in the error log)',
    labelNames: ['action'] as const,
    registers: [this.registry],
  });

  constructor(@InjectDataSource() dataSource: DataSource) {
    collectDefaultMetrics({ register: this.registry, prefix: 'pems_sync_process_' });
    new Gauge({
      name: 'pems_sync_queue_depth',
      help: 'Write-queue items waiting or in flight, by status (failed: all kept failed items)',
      labelNames: ['status'] as const,
      registers: [this.registry],
      async collect() {
        const rows: Array<{ status: string; count: number }> = await dataSource.query(
          `SELECT status, count(*)::int AS count FROM pfa_write_queue WHERE status IN ('pending', 'processing') GROUP BY status
           UNION ALL SELECT 'failed', count(*)::int FROM pfa_write_queue WHERE status = 'failed'`,
        );
        this.reset();
        for (const status of ['pending', 'processing', 'failed']) this.set({ status }, rows.find((row) => row.status === status)?.count ?? 0);
      },
    });
    new Gauge({
      name: 'pems_sync_oldest_pending_age_seconds',
      help: 'Age of the oldest pending write-queue item (0 when none)',
      registers: [this.registry],
      async collect() {
        const [row]: Array<{ age: number | null }> = await dataSource.query(
          `SELECT EXTRACT(EPOCH FROM (now() - min(created_at)))::float8 AS age FROM pfa_write_queue WHERE status = 'pending'`,
        );
        this.set(row?.age ?? 0);
      },
    });
    new Gauge({
      name: 'pems_sync_unresolved_conflicts',
      help: 'Conflicts waiting for a person',
      registers: [this.registry],
      async collect() {
        const [row]: Array<{ count: number }> = await dataSource.query(`SELECT count(*)::int AS count FROM pfa_sync_conflict WHERE status = 'unresolved'`);
        this.set(row.count);
      },
    });
  }
}
