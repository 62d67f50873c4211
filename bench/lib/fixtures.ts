import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AuthService } from '../../src/auth/auth.service';
import { OrganizationsService } from '../../src/organizations/organizations.service';
import { SimulatedPemsRecord } from '../../src/pems-simulator/pems-record.store';
import { PfaMirrorService } from '../../src/pfa/pfa-mirror.service';
import { User } from '../../src/auth/entities/user.entity';
import { BenchApp } from './app';

export const BENCH_ORGANIZATION = 'BENCH';
export const BENCH_TENANT = 'BENCH_TENANT';
export const BENCH_PEMS_CREDENTIALS = { username: 'svc-bench', password: 'bench-pems-password' };

export interface BenchPrincipal {
  organizationId: string;
  userId: string;
  username: string;
}

/** Organization BENCH and a planner holding every permission in it, straight in the database. */
export async function createPrincipal(db: Client): Promise<BenchPrincipal> {
  const {
    rows: [organization],
  } = await db.query<{ id: string }>(`INSERT INTO organizations (code, name) VALUES ($1, 'Benchmark project') RETURNING id`, [BENCH_ORGANIZATION]);
  const username = 'bench-planner';
  const {
    rows: [user],
  } = await db.query<{ id: string }>(
    `INSERT INTO users (username, email, password_hash, is_active, is_superadmin) VALUES ($1, 'bench@example.com', 'not-a-hash: the benchmark signs its token', true, false) RETURNING id`,
    [username],
  );
  await db.query(`INSERT INTO user_organizations (user_id, organization_id, perm_read, perm_edit, perm_sync, perm_admin) VALUES ($1, $2, true, true, true, true)`, [
    user.id,
    organization.id,
  ]);
  return { organizationId: organization.id, userId: user.id, username };
}

/** A bearer token issued by the app's own AuthService (with its expiry and token version), as test/support/fixtures.ts does. */
export async function tokenFor(app: BenchApp, principal: BenchPrincipal): Promise<string> {
  const user = await app.app.get(DataSource).getRepository(User).findOneByOrFail({ id: principal.userId });
  return app.app.get(AuthService).issueToken(user);
}

/** Points BENCH's API server at the simulator, write-enabled, with the given rate limit. */
export async function connectServer(app: BenchApp, principal: BenchPrincipal, baseUrl: string, rateLimitPerSecond: number): Promise<void> {
  await app.app.get(OrganizationsService).upsertApiServer(principal.organizationId, {
    name: 'PEMS simulator (benchmark)',
    baseUrl,
    tenant: BENCH_TENANT,
    authType: 'basic',
    ...BENCH_PEMS_CREDENTIALS,
    writeEnabled: true,
    isActive: true,
    rateLimitPerSecond,
  });
}

/** The mirror holds the simulator's records at the simulator's versions (PfaMirrorService.applyMany, 1,000 at a time). */
export async function mirrorRecords(app: BenchApp, principal: BenchPrincipal, records: SimulatedPemsRecord[]): Promise<void> {
  const mirror = app.app.get(PfaMirrorService);
  for (let start = 0; start < records.length; start += 1000) {
    const chunk = records.slice(start, start + 1000).map((record) => ({ pfaId: record.pfaId, version: record.recordid, data: record.data, lastModified: record.lastModified }));
    await mirror.applyMany(principal.organizationId, chunk, 'read_sync');
  }
}

/**
 * `count` modifications (one per record, the first records by pfaId) built in one INSERT ... SELECT
 * from the mirror as it stands: `model` changes to a new text, based on the record's current
 * version, so PEMS accepts each write without a conflict. Answers their ids, oldest first.
 */
export async function createModifications(db: Client, principal: BenchPrincipal, options: { count: number; tag: string; status?: 'pending' | 'syncing' }): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO pfa_modification (organization_id, record_id, user_id, changes, base_values, base_version, change_reason, status, created_at, updated_at)
     SELECT r.organization_id, r.id, $2, jsonb_build_object('model', 'Bench ' || $4 || ' ' || r.pfa_id), jsonb_build_object('model', r.data -> 'model'),
            r.version, 'benchmark', $5, clock_timestamp(), clock_timestamp()
     FROM (SELECT * FROM pfa_records WHERE organization_id = $1 ORDER BY pfa_id LIMIT $3) r
     ORDER BY r.pfa_id
     RETURNING id`,
    [principal.organizationId, principal.userId, options.count, options.tag, options.status ?? 'pending'],
  );
  return rows.map((row) => row.id);
}

/** VACUUM ANALYZE of the tables the runs churn, so that each run starts from comparable tables. */
export async function vacuumAnalyze(db: Client): Promise<void> {
  for (const table of ['pfa_write_queue', 'pfa_modification', 'pfa_records', 'pfa_record_history', 'pems_rate_limits', 'api_servers']) {
    await db.query(`VACUUM ANALYZE ${table}`);
  }
}

/** Every table of the data model emptied (for BENCH_DATABASE_URL, which may hold an earlier run). */
export async function emptyTables(dataSource: DataSource): Promise<void> {
  const tables = [...dataSource.entityMetadatas.map((metadata) => `"${metadata.tableName}"`), 'pems_rate_limits', 'write_sync_workers'];
  await dataSource.query(`TRUNCATE ${tables.join(', ')} CASCADE`);
}
