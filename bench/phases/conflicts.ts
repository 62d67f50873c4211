import { BenchApp } from '../lib/app';
import { BenchContext, httpJson } from '../lib/context';
import { connectServer, tokenFor, vacuumAnalyze } from '../lib/fixtures';
import { ResourceUse, measureResources } from '../lib/resources';
import { preciseNow, round } from '../lib/stats';

const REASON = 'bench: bulk conflict resolution';

interface BulkAnswer {
  resolvedCount: number;
  results: Array<{ outcome: string }>;
  remaining: number;
}

export interface BulkRun {
  resolution: 'use_local' | 'use_pems';
  conflicts: number;
  /** The one POST /api/pems/conflicts/resolve, ms. */
  postMs: number;
  resolvedCount: number;
  /** Audit entries written by the call: one per conflict resolved. */
  auditEntries: number;
  resources: ResourceUse;
}

export interface ConflictsResult {
  runs: BulkRun[];
}

/**
 * `count` unresolved conflicts, as the worker leaves them: each a modification of its own record
 * (model changed, in `conflict`), its failed queue item and the conflict row; built in one
 * statement from the mirror, on records `offset`.. in pfaId order.
 */
async function createConflicts(ctx: BenchContext, count: number, offset: number): Promise<void> {
  const { db, principal } = ctx;
  await db.query(
    `WITH picked AS (
       SELECT id, organization_id, pfa_id, version, data FROM pfa_records WHERE organization_id = $1 ORDER BY pfa_id OFFSET $4 LIMIT $3
     ), modifications AS (
       INSERT INTO pfa_modification (organization_id, record_id, user_id, changes, base_values, base_version, change_reason, status, sync_error)
       SELECT organization_id, id, $2, jsonb_build_object('model', 'Bench conflict ' || pfa_id), jsonb_build_object('model', data -> 'model'), version, $5, 'conflict',
              'VERSION_CONFLICT: PEMS changed model meanwhile'
       FROM picked
       RETURNING id, record_id, changes, base_values, base_version
     ), items AS (
       INSERT INTO pfa_write_queue (modification_id, organization_id, pfa_id, payload, status, last_error, last_status_code, last_attempt_at, completed_at, job_id)
       SELECT m.id, $1, p.pfa_id, jsonb_build_object('changes', m.changes, 'baseVersion', m.base_version), 'failed', 'VERSION_CONFLICT', 409, now(), now(), gen_random_uuid()
       FROM modifications m JOIN picked p ON p.id = m.record_id
       RETURNING id, modification_id, pfa_id
     )
     INSERT INTO pfa_sync_conflict (organization_id, pfa_id, modification_id, queue_item_id, local_version, pems_version, conflict_fields, local_data, pems_data, base_data, status)
     SELECT $1, i.pfa_id, m.id, i.id, m.base_version, m.base_version, '["model"]', m.changes, jsonb_build_object('model', 'Changed in PEMS'), m.base_values, 'unresolved'
     FROM items i JOIN modifications m ON m.id = i.modification_id`,
    [principal.organizationId, principal.userId, count, offset, REASON],
  );
}

/** Everything the phase made, so the phases after it find the records as they were. */
async function removeConflicts(ctx: BenchContext): Promise<void> {
  // The queue items and conflicts go with their modifications (ON DELETE CASCADE).
  await ctx.db.query('DELETE FROM pfa_modification WHERE organization_id = $1 AND change_reason = $2', [ctx.principal.organizationId, REASON]);
  await ctx.db.query(`DELETE FROM audit_log WHERE organization_id = $1 AND action = 'conflict.resolve'`, [ctx.principal.organizationId]);
}

/**
 * Bulk resolution (issue 14): `count` conflicts resolved by one POST /api/pems/conflicts/resolve
 * ("all matching" an empty filter), once with use_local (each queued again: the heavier path)
 * and once with use_pems, on an instance whose worker is disabled, so the time is the call's
 * alone. Each conflict is its own transaction and its own audit entry, as in production.
 */
export async function runConflicts(ctx: BenchContext, app: BenchApp, count = 1000): Promise<ConflictsResult> {
  const { db, principal, simulator } = ctx;
  await connectServer(app, principal, simulator.baseUrl, 10);
  const token = await tokenFor(app, principal);
  const runs: BulkRun[] = [];
  for (const [index, resolution] of (['use_local', 'use_pems'] as const).entries()) {
    await createConflicts(ctx, count, index * count);
    await vacuumAnalyze(db);
    await db.query('VACUUM ANALYZE pfa_sync_conflict');
    const {
      rows: [{ before }],
    } = await db.query<{ before: number }>(`SELECT count(*)::int AS before FROM audit_log WHERE organization_id = $1 AND action = 'conflict.resolve'`, [principal.organizationId]);
    const stopMeasuring = measureResources();
    const started = preciseNow();
    const answer = await httpJson<BulkAnswer>('POST', `${app.url}/api/pems/conflicts/resolve`, token, { organizationId: principal.organizationId, filter: {}, resolution });
    const postMs = preciseNow() - started;
    const resources = stopMeasuring();
    if (answer.status !== 200) throw new Error(`POST /api/pems/conflicts/resolve answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 500)}`);
    const {
      rows: [{ after }],
    } = await db.query<{ after: number }>(`SELECT count(*)::int AS after FROM audit_log WHERE organization_id = $1 AND action = 'conflict.resolve'`, [principal.organizationId]);
    const run: BulkRun = { resolution, conflicts: count, postMs: round(postMs, 1), resolvedCount: answer.body.resolvedCount, auditEntries: after - before, resources };
    ctx.log(`  conflicts: ${run.resolvedCount} of ${count} resolved with ${resolution} by one POST in ${run.postMs} ms (${run.auditEntries} audit entries)`);
    if (run.resolvedCount !== count)
      throw new Error(`Only ${run.resolvedCount} of ${count} conflicts were resolved: ${JSON.stringify(answer.body.results.find((result) => result.outcome !== 'resolved'))}`);
    runs.push(run);
  }
  await removeConflicts(ctx);
  await vacuumAnalyze(db);
  return { runs };
}
