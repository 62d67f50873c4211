import { ClaimedItem, WriteQueueService } from '../../src/write-queue/write-queue.service';
import { Client } from 'pg';

export interface CapturedQuery {
  sql: string;
  params: unknown[];
}

export interface ExplainResult {
  name: string;
  sql: string;
  plan: string[];
  executionMs: number | null;
  planningMs: number | null;
}

/** Runs `work` while recording every statement sent to PostgreSQL (the SQL and parameters the services send). */
export async function captureQueries(work: () => Promise<unknown>): Promise<CapturedQuery[]> {
  // At the pg client, so that statements sent past TypeORM (preparedQuery) are seen too.
  const captured: CapturedQuery[] = [];
  const original = Client.prototype.query;
  (Client.prototype as unknown as { query: unknown }).query = function (this: Client, ...args: unknown[]) {
    const [first, second] = args as [string | { text: string; values?: unknown[] }, unknown];
    if (typeof first === 'string') captured.push({ sql: first, params: Array.isArray(second) ? second : [] });
    else if (first && typeof first.text === 'string') captured.push({ sql: first.text, params: first.values ?? [] });
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  };
  try {
    await work();
  } finally {
    Client.prototype.query = original;
  }
  return captured;
}

/** EXPLAIN (ANALYZE, BUFFERS) in a transaction that is rolled back; with `analyze` false, the plan only (nothing runs). */
export async function explain(db: Client, name: string, query: CapturedQuery, analyze = true): Promise<ExplainResult> {
  await db.query('BEGIN');
  try {
    const { rows } = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${analyze ? '(ANALYZE, BUFFERS) ' : ''}${query.sql}`, query.params);
    const plan = rows.map((row) => row['QUERY PLAN']);
    const number = (label: string) => {
      const line = plan.find((text) => text.startsWith(label));
      return line ? Number(/([\d.]+) ms/.exec(line)?.[1] ?? NaN) : null;
    };
    return { name, sql: query.sql.replace(/\s+/g, ' ').trim(), plan, executionMs: number('Execution Time'), planningMs: number('Planning Time') };
  } finally {
    await db.query('ROLLBACK');
  }
}

/**
 * Hands claimed items back through the queue's own transition: `pending` again and due at once,
 * costing no retry, their modifications `queued` (the end of an attempt that sent nothing).
 */
export async function releaseClaimed(queue: WriteQueueService, claimed: ClaimedItem[]): Promise<void> {
  const released = await Promise.all(claimed.map(({ item }) => queue.retryLater(item, 0, 'Handed back by the benchmark', null, false)));
  const lost = released.filter((done) => !done).length;
  if (lost > 0) throw new Error(`${lost} claimed items could not be handed back: their claim no longer held them`);
}

/** Whether `sql` is the write queue's claim statement (WriteQueueService.claim and claimProbe: their `claimed` CTE). */
export function isClaimStatement(sql: string): boolean {
  return /\bclaimed AS \(/.test(sql) && sql.includes('FOR UPDATE SKIP LOCKED');
}
