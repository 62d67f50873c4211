import { Client } from 'pg';
import { DataSource } from 'typeorm';

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

/** Runs `work` while recording every DataSource.query of the app (the SQL and parameters the services send). */
export async function captureQueries(dataSource: DataSource, work: () => Promise<unknown>): Promise<CapturedQuery[]> {
  const captured: CapturedQuery[] = [];
  const original = dataSource.query.bind(dataSource);
  (dataSource as unknown as { query: unknown }).query = (sql: string, params?: unknown[], runner?: unknown) => {
    captured.push({ sql, params: params ?? [] });
    return (original as (...args: unknown[]) => Promise<unknown>)(sql, params, runner);
  };
  try {
    await work();
  } finally {
    delete (dataSource as unknown as { query?: unknown }).query;
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

/** Hands claimed items back: `pending` again, their modifications `queued` (what the reaper does, at once). */
export async function releaseClaimed(db: Client, ids: string[]): Promise<void> {
  const { rows } = await db.query<{ modification_id: string }>(
    `UPDATE pfa_write_queue SET status = 'pending', locked_by = NULL, locked_until = NULL WHERE id = ANY($1::uuid[]) RETURNING modification_id`,
    [ids],
  );
  await db.query(`UPDATE pfa_modification SET status = 'queued' WHERE id = ANY($1::uuid[])`, [rows.map((row) => row.modification_id)]);
}
