import { DataSource } from 'typeorm';

/** Per table: its row count and a digest of every row, so that an update shows as well as an insert. */
export type DatabaseSnapshot = Record<string, { rows: number; digest: string }>;

/**
 * Tables a refused request changes by design: a failed login is counted (LoginThrottle), and so
 * is a throttled endpoint's every request (PostgresThrottlerStorage). They are
 * left out, so that "changed nothing" means nothing of the data.
 */
const BOOKKEEPING_TABLES = new Set(['login_failures', 'request_throttle']);

/**
 * The whole data model in one query. Two equal snapshots mean no row was added, removed or
 * changed in between; compare them with toEqual to see which table moved.
 */
export async function snapshotDatabase(dataSource: DataSource): Promise<DatabaseSnapshot> {
  const tables = [...new Set(dataSource.entityMetadatas.map((metadata) => metadata.tableName))].filter((table) => !BOOKKEEPING_TABLES.has(table)).sort();
  const columns = tables.map(
    (table, index) =>
      `(SELECT json_build_object('rows', count(*), 'digest', md5(coalesce(string_agg(t${index}::text, '|' ORDER BY t${index}::text), ''))) FROM "${table}" t${index}) AS "${table}"`,
  );
  const [row] = await dataSource.query(`SELECT ${columns.join(', ')}`);
  return row as DatabaseSnapshot;
}

/** Every row of a table as plain objects, ordered by id: for comparing contents column by column. */
export async function dumpTable(dataSource: DataSource, table: string): Promise<Record<string, unknown>[]> {
  return dataSource.query(`SELECT * FROM "${table}" ORDER BY id`);
}
