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
const BENCH_PRINCIPAL = { code: BENCH_ORGANIZATION, name: 'Benchmark project', username: 'bench-planner' };

export interface BenchPrincipal {
  organizationId: string;
  userId: string;
  username: string;
}

/** An organization (BENCH unless told) and a planner holding every permission in it, straight in the database. */
export async function createPrincipal(db: Client, organization: { code: string; name: string; username: string } = BENCH_PRINCIPAL): Promise<BenchPrincipal> {
  const {
    rows: [created],
  } = await db.query<{ id: string }>(`INSERT INTO organizations (code, name) VALUES ($1, $2) RETURNING id`, [organization.code, organization.name]);
  const {
    rows: [user],
  } = await db.query<{ id: string }>(
    `INSERT INTO users (username, email, password_hash, is_active, is_superadmin) VALUES ($1, $2, 'not-a-hash: the benchmark signs its token', true, false) RETURNING id`,
    [organization.username, `${organization.username}@example.com`],
  );
  await db.query(`INSERT INTO user_organizations (user_id, organization_id, perm_read, perm_edit, perm_sync, perm_admin) VALUES ($1, $2, true, true, true, true)`, [
    user.id,
    created.id,
  ]);
  return { organizationId: created.id, userId: user.id, username: organization.username };
}

/** A bearer token issued by the app's own AuthService (with its expiry and token version), as test/support/fixtures.ts does. */
export async function tokenFor(app: BenchApp, principal: BenchPrincipal): Promise<string> {
  const user = await app.app.get(DataSource).getRepository(User).findOneByOrFail({ id: principal.userId });
  return app.app.get(AuthService).issueToken(user);
}

/**
 * Points the organization's API server at the simulator, write-enabled unless told, with the
 * given rate limit for its tenant; BENCH's server on BENCH_TENANT unless `server` says otherwise.
 */
export async function connectServer(
  app: BenchApp,
  principal: BenchPrincipal,
  baseUrl: string,
  rateLimitPerSecond: number,
  server: { tenant: string; credentials: { username: string; password: string }; writeEnabled: boolean } = {
    tenant: BENCH_TENANT,
    credentials: BENCH_PEMS_CREDENTIALS,
    writeEnabled: true,
  },
): Promise<void> {
  await app.app.get(OrganizationsService).upsertApiServer(principal.organizationId, {
    name: 'PEMS simulator (benchmark)',
    baseUrl,
    tenant: server.tenant,
    authType: 'basic',
    ...server.credentials,
    writeEnabled: server.writeEnabled,
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
