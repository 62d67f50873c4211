import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';

/**
 * A row lock held by the test on a connection of its own, so that a race can be set up step
 * by step: the app's transactions that need the row queue behind it, in the order they ask,
 * until the test lets go.
 */
export class HeldRowLock {
  private constructor(private readonly client: Client) {}

  static async on(table: string, id: string): Promise<HeldRowLock> {
    const client = new Client({ connectionString: process.env.DATABASE_URL, application_name: 'test-lock-holder' });
    await client.connect();
    await client.query('BEGIN');
    const { rowCount } = await client.query(`SELECT 1 FROM ${table} WHERE id = $1 FOR UPDATE`, [id]);
    if (rowCount !== 1) {
      await client.end();
      throw new Error(`No row ${id} in ${table} to lock`);
    }
    return new HeldRowLock(client);
  }

  async release(): Promise<void> {
    await this.client.query('COMMIT');
    await this.client.end();
  }
}

/**
 * An uncommitted insert into pfa_write_queue of a live item for `modificationId`: another
 * transaction that queues the same modification draws its `seq` and then waits on the unique
 * index until this one rolls back.
 */
export class HeldLiveItemInsert {
  private constructor(private readonly client: Client) {}

  static async for(modificationId: string): Promise<HeldLiveItemInsert> {
    const client = new Client({ connectionString: process.env.DATABASE_URL, application_name: 'test-lock-holder' });
    await client.connect();
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO pfa_write_queue (modification_id, organization_id, pfa_id, payload, status)
       SELECT m.id, m.organization_id, r.pfa_id, '{"changes": {}, "baseVersion": 0}', 'pending'
       FROM pfa_modification m JOIN pfa_records r ON r.id = m.record_id WHERE m.id = $1`,
      [modificationId],
    );
    return new HeldLiveItemInsert(client);
  }

  async rollBack(): Promise<void> {
    await this.client.query('ROLLBACK');
    await this.client.end();
  }
}

/** The app's connections now waiting for a row lock (the test's own lock holders, and the rate limiter's grants, left out). */
export async function lockWaiters(): Promise<number> {
  const probe = new Client({ connectionString: process.env.DATABASE_URL, application_name: 'test-lock-probe' });
  await probe.connect();
  try {
    const { rows } = await probe.query(
      `SELECT count(*)::int AS waiting FROM pg_stat_activity
       WHERE datname = current_database() AND wait_event_type = 'Lock' AND application_name NOT LIKE 'test-%'
         AND application_name <> 'pems-sync-rate-limit'`,
    );
    return rows[0].waiting as number;
  } finally {
    await probe.end();
  }
}

/** Waits until at least `count` of the app's connections wait for a lock; false after `timeoutMs`. */
export async function waitForLockWaiters(count: number, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await lockWaiters()) >= count) return true;
    await sleep(20);
  }
  return false;
}

/**
 * A trigger on pfa_write_queue that makes some of the app's writes fail, as a database that
 * refuses a statement would: `condition` is a boolean SQL expression over OLD and NEW. With
 * `times`, only that many matching writes fail (counted by a sequence, which a failed
 * transaction does not roll back). Dropped by `remove()`.
 */
export class FailingQueueWrites {
  private static nextId = 1;

  private constructor(
    private readonly run: (sql: string) => Promise<unknown>,
    private readonly name: string,
  ) {}

  static async install(run: (sql: string) => Promise<unknown>, condition: string, options: { message?: string; times?: number } = {}): Promise<FailingQueueWrites> {
    const name = `test_failing_queue_writes_${FailingQueueWrites.nextId++}_${process.pid}`;
    const message = (options.message ?? 'refused by the test').replace(/'/g, "''");
    const counted = options.times === undefined ? '' : ` AND nextval('${name}_count') <= ${options.times}`;
    await run(`CREATE SEQUENCE ${name}_count`);
    await run(`CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF (${condition})${counted} THEN RAISE EXCEPTION '${message}'; END IF;
        RETURN NEW;
      END $$`);
    await run(`CREATE TRIGGER ${name} BEFORE UPDATE ON pfa_write_queue FOR EACH ROW EXECUTE FUNCTION ${name}()`);
    return new FailingQueueWrites(run, name);
  }

  async remove(): Promise<void> {
    await FailingQueueWrites.drop(this.run, this.name);
  }

  /** Drops every such trigger, also those a test that died left behind. */
  static async removeAll(run: (sql: string) => Promise<unknown>): Promise<void> {
    const left = (await run(`SELECT tgname AS name FROM pg_trigger WHERE tgname LIKE 'test_failing_queue_writes_%'`)) as Array<{ name: string }>;
    for (const { name } of left) await FailingQueueWrites.drop(run, name);
  }

  private static async drop(run: (sql: string) => Promise<unknown>, name: string): Promise<void> {
    await run(`DROP TRIGGER IF EXISTS ${name} ON pfa_write_queue`);
    await run(`DROP FUNCTION IF EXISTS ${name}()`);
    await run(`DROP SEQUENCE IF EXISTS ${name}_count`);
  }
}
