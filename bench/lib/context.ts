import { Client } from 'pg';
import { WriteSyncWorker } from '../../src/write-sync/write-sync.worker';
import { BenchApp, BenchFileLogger } from './app';
import { BenchPrincipal } from './fixtures';
import { QueryCounter } from './query-counter';
import { BenchSimulator } from './simulator-host';

/** What every phase gets from the runner. */
export interface BenchContext {
  /** The harness's own connection (excluded from the query counter): seeding, polling, EXPLAIN. */
  db: Client;
  databaseUrl: string;
  principal: BenchPrincipal;
  simulator: BenchSimulator;
  logger: BenchFileLogger;
  counter: QueryCounter;
  /** The environment every app instance is booted with (ENABLE_PEMS_WRITE_SYNC added per instance). */
  appEnv: Record<string, string>;
  log(line: string): void;
}

/** Polls until every item of the job has ended (completed, failed or cancelled), or fails after `timeoutMs`. */
export async function waitForJob(
  db: Client,
  jobId: string,
  expected: number,
  timeoutMs: number,
  until: 'ended' | 'completed' = 'ended',
): Promise<{ completed: number; failed: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const {
      rows: [row],
    } = await db.query<{ completed: number; failed: number; ended: number }>(
      `SELECT count(*) FILTER (WHERE status = 'completed')::int AS completed, count(*) FILTER (WHERE status = 'failed')::int AS failed,
              count(*) FILTER (WHERE status IN ('completed', 'failed', 'cancelled'))::int AS ended
       FROM pfa_write_queue WHERE job_id = $1`,
      [jobId],
    );
    const reached = until === 'ended' ? row.ended : row.completed;
    if (reached >= expected) return { completed: row.completed, failed: row.failed };
    if (Date.now() > deadline) throw new Error(`Job ${jobId}: ${row.ended} of ${expected} items ended (${row.completed} completed) after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export async function httpJson<T>(method: 'GET' | 'POST', url: string, token: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(url, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}

export interface WriteSyncAnswer {
  success: boolean;
  jobId: string | null;
  queuedCount: number;
  estimatedCompletionTime: string;
}

/** The worker's room for PEMS calls in flight, as it computes it at the start of a run (WriteSyncWorker.inFlightLimit). */
export function workerConcurrency(app: BenchApp): Promise<number> {
  return app.app.get(WriteSyncWorker).inFlightLimit();
}
