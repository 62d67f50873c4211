import { DataSource, EntityManager } from 'typeorm';

/**
 * Runs a statement and answers its rows. TypeORM answers UPDATE and DELETE with
 * `[rows, affectedCount]` instead of the rows, which silently breaks `UPDATE ... RETURNING`;
 * every such statement goes through here.
 */
export async function returningRows<T>(runner: DataSource | EntityManager, sql: string, parameters: unknown[] = []): Promise<T[]> {
  const result: unknown = await runner.query(sql, parameters);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}
