import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { entityFromRow } from '../database/entity-from-row';
import { preparedQuery } from '../database/prepared-query';
import { returningRows } from '../database/returning-rows';
import { ModificationStatus } from '../pfa/entities/pfa-modification.entity';
import { ModificationStates, modificationTransitionSql } from '../pfa/modification-states';
import { lockRecordsByKey } from '../pfa/record-locks';
import { PfaWriteQueueItem, QueueStatus } from './entities/pfa-write-queue.entity';
import { QueueItemFilter, whereQueueItemsMatch } from './queue-item-filter';
import { WRITE_QUEUE_CHANNEL } from './write-queue-channel';
import { deleteInBatches } from '../database/delete-in-batches';

export { WRITE_QUEUE_CHANNEL };

/** The furthest a retry is put off (Retry-After is capped below this by PEMS_RETRY_AFTER_MAX_MS). */
const MAX_RETRY_DELAY_MS = 7 * 24 * 60 * 60 * 1000;

/** A claimed item, with the version of its record in the mirror at the claim (null: not mirrored). */
export interface ClaimedItem {
  item: PfaWriteQueueItem;
  /** The PEMS tenant it is sent to (pemsTenantKey). */
  tenantKey: string;
  mirroredVersion: number | null;
}

/**
 * What a claim took: its items, in the order they should be sent, and how many of the items it
 * chose another claim took or held at that moment (FOR UPDATE SKIP LOCKED passes them by). When
 * some were, more may be due than it took: the caller looks again rather than taking "fewer than
 * asked" for "nothing more is due".
 */
export interface Claim {
  items: ClaimedItem[];
  passedOver: number;
}

/** How a claim shares PEMS: the places free per tenant, and the items already in flight per organization. */
export interface ClaimShares {
  /** A tenant not listed gets no place. */
  roomByTenant: ReadonlyMap<string, number>;
  inFlightByOrganization: ReadonlyMap<string, number>;
}

/** An item an operator asked to retry, with what decides whether it may be. */
export interface RetryCandidate {
  id: string;
  status: string;
  lastError: string | null;
  modificationId: string;
  modificationStatus: ModificationStatus;
  /** No later item of its modification exists. */
  newest: boolean;
  /** Another item of its modification is pending or processing. */
  liveSibling: boolean;
}

/** Which items an operator's retry or cancel is about: listed ones, or all matching a filter. */
export type QueueSelection = { ids: string[] } | { filter: QueueItemFilter };

type CancelReason = 'Cancelled by a user' | 'Discarded by a user';

export interface EnqueueRequest {
  organizationId: string;
  /** In the order they must reach PEMS. */
  modificationIds: string[];
  priority: number;
  jobId: string;
}

/**
 * The only writer of `pfa_write_queue` (docs/write-sync.md draws its state machine): enqueue,
 * claim (FOR UPDATE SKIP LOCKED with a lease), complete, retry later, fail, hand back, reap,
 * an operator's retry and cancel, purge. A modification's status moves with its item through
 * ModificationStates, in the same transaction (or the same statement; after a cancel, its caller
 * moves it, since that depends on why). Each claim
 * gives the item a new lease token, and each change that ends or renews an attempt is
 * conditional on it: an attempt whose item was taken back and claimed again (by any worker,
 * this one included) can never finish or renew the newer claim.
 */
@Injectable()
export class WriteQueueService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly modifications: ModificationStates,
  ) {}

  /**
   * Queues the modifications as one job and marks them `queued`; tells every worker at
   * commit. The unique index on live items makes a second queueing of a modification a no-op.
   */
  async enqueue(manager: EntityManager, request: EnqueueRequest): Promise<number> {
    const [{ count }]: Array<{ count: number }> = await manager.query(
      `WITH wanted AS (
         SELECT m.id, m.organization_id, r.pfa_id, m.changes, m.base_version, ordinality
         FROM unnest($1::uuid[]) WITH ORDINALITY AS ids(id, ordinality)
         JOIN pfa_modification m ON m.id = ids.id
         JOIN pfa_records r ON r.id = m.record_id
         WHERE m.organization_id = $2
       ), inserted AS (
         INSERT INTO pfa_write_queue (modification_id, organization_id, pfa_id, payload, priority, max_retries, job_id)
         SELECT id, organization_id, pfa_id, jsonb_build_object('changes', changes, 'baseVersion', base_version), $3, $4, $5
         FROM wanted ORDER BY ordinality
         ON CONFLICT (modification_id) WHERE status IN ('pending', 'processing') DO NOTHING
         RETURNING modification_id
       ), marked AS (${modificationTransitionSql('queue', 'ARRAY(SELECT modification_id FROM inserted)')})
       SELECT count(*)::int AS count FROM inserted`,
      [request.modificationIds, request.organizationId, request.priority, this.config.PEMS_WRITE_SYNC_MAX_RETRIES, request.jobId],
    );
    if (count > 0) await this.wakeWorkers(manager, request.organizationId);
    return count;
  }

  /**
   * Claims up to `limit` due items, in one statement, sharing each PEMS tenant among its
   * organizations (docs/write-sync.md, "Sharing PEMS"):
   * - a tenant gives at most its `room` (shares.roomByTenant; without shares, every tenant
   *   `limit`), so a tenant whose backlog fills its own places never takes another tenant's;
   * - within a tenant, retries that have fallen due go first (a retry is on time even behind a
   *   long backlog), then the organizations take turns: the next place goes to the organization
   *   with the fewest items in flight (shares.inFlightByOrganization, plus those claimed before it
   *   in this statement), ties to the one whose item has waited longest;
   * - within an organization, retries by due time, then highest priority, then the longest waiting.
   * An item waits while another item of the same record is processing, or an earlier one is
   * pending (per-record order: one item of a record in flight at a time, whatever order their
   * transactions committed in), while its organization has no active, write-enabled server,
   * while that server is paused for rejected credentials or by an admin (ServerWritesPauseService;
   * both are read once per server, never per item), and while its PEMS tenant is paused by a
   * Retry-After. Each item comes with its PEMS tenant and its record's version in the mirror,
   * which the worker compares with the item's base version.
   */
  async claim(workerId: string, limit: number, shares?: ClaimShares): Promise<Claim> {
    if (limit <= 0) return { items: [], passedOver: 0 };
    const rooms = shares ? [...shares.roomByTenant].filter(([, room]) => room > 0) : null;
    if (rooms?.length === 0) return { items: [], passedOver: 0 };
    const busy = shares ? [...shares.inFlightByOrganization].filter(([, count]) => count > 0) : [];
    // Each organization's due items are walked in its own order on its own partial indexes
    // (ix_pfa_write_queue_org_due_retries, ix_pfa_write_queue_org_claim), at most its tenant's
    // room of each, and each candidate is checked with two lookups that OFFSET 0 keeps from being
    // turned into joins, whatever the statistics say:
    // - as an anti-join planned on statistics from before a burst, the per-record check went
    //   quadratic (a 7 to 45 s claim);
    // - as a join, api_servers drove the plan: all 10,000 pending items read and sorted (20 ms).
    // Only the chosen items are locked, at the end (FOR UPDATE SKIP LOCKED: an item another
    // instance claimed meanwhile is passed by), not every candidate in the scans: with the
    // candidates locked where they were found, one claim once ran for ten minutes at 100 % CPU
    // (50 tenants; the cause was not found, and it has not recurred since).
    // The claimed rows' mirror rows are looked up by index (LATERAL … LIMIT 1): as a plain join,
    // the planner hashed the whole table.
    const rows = await preparedQuery<Record<string, unknown>>(
      this.dataSource,
      'pems_sync_claim',
      `WITH room AS (
         SELECT tenant_key, room FROM unnest($4::text[], $5::int[]) AS r(tenant_key, room)
       ), in_flight AS (
         SELECT organization_id, count FROM unnest($6::uuid[], $7::int[]) AS f(organization_id, count)
       ), organizations AS (
         SELECT s.organization_id, s.tenant_key, coalesce(room.room, $2) AS room, coalesce(in_flight.count, 0) AS in_flight
         FROM api_servers s
         LEFT JOIN room ON room.tenant_key = s.tenant_key
         LEFT JOIN in_flight ON in_flight.organization_id = s.organization_id
         WHERE s.is_active AND s.write_enabled AND s.auth_failed_at IS NULL AND s.writes_paused_at IS NULL
           AND ($4::text[] IS NULL OR room.tenant_key IS NOT NULL)
           AND NOT EXISTS (SELECT 1 FROM pems_rate_limits l WHERE l.tenant_key = s.tenant_key AND l.paused_until > now())
       ), candidates AS (
         SELECT o.tenant_key, o.room, o.in_flight, c.id, c.retry, c.scheduled_at, c.seq,
                row_number() OVER (PARTITION BY o.organization_id ORDER BY c.retry DESC, CASE WHEN c.retry THEN c.scheduled_at END, c.priority DESC, c.scheduled_at, c.seq) AS turn
         FROM organizations o
         CROSS JOIN LATERAL (
           ${dueItemsOf('o.organization_id', 'o.room')}
         ) c
       ), chosen AS (
         SELECT id, retry, place, scheduled_at, seq FROM (
           SELECT id, room, retry, scheduled_at, seq, row_number() OVER (PARTITION BY tenant_key ORDER BY retry DESC, in_flight + turn, scheduled_at, seq) AS place
           FROM candidates
         ) ranked
         WHERE place <= room
         ORDER BY retry DESC, place, scheduled_at, seq
         LIMIT $2
       ), ${claimCtes('ARRAY(SELECT id FROM chosen)')}
       ${claimedRowsSql}`,
      [
        workerId,
        limit,
        this.config.PEMS_WRITE_SYNC_LEASE_MS,
        rooms?.map(([tenant]) => tenant) ?? null,
        rooms?.map(([, room]) => room) ?? null,
        busy.map(([id]) => id),
        busy.map(([, count]) => count),
      ],
    );
    return this.claimedItems(rows);
  }

  /**
   * Claims one due item of the organization, whatever its server's credentials pause: the probe
   * that tells whether the server's credentials work again. Otherwise as `claim` (nothing while
   * an admin has paused the server's writes).
   */
  async claimProbe(workerId: string, organizationId: string): Promise<Claim> {
    const rows = await preparedQuery<Record<string, unknown>>(
      this.dataSource,
      'pems_sync_claim_probe',
      `WITH chosen AS (
         SELECT c.id, c.retry, 1 AS place FROM api_servers s
         CROSS JOIN LATERAL (
           ${dueItemsOf('s.organization_id', '1')}
         ) c
         WHERE s.organization_id = $4 AND s.is_active AND s.write_enabled AND s.writes_paused_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM pems_rate_limits l WHERE l.tenant_key = s.tenant_key AND l.paused_until > now())
         ORDER BY c.retry DESC
         LIMIT $2
       ), ${claimCtes('ARRAY(SELECT id FROM chosen)')}
       ${claimedRowsSql}`,
      [workerId, 1, this.config.PEMS_WRITE_SYNC_LEASE_MS, organizationId],
    );
    return this.claimedItems(rows);
  }

  /** The rows of claimedRowsSql: one per claimed item, or a single row without an item when none was claimed. */
  private claimedItems(rows: Array<Record<string, unknown>>): Claim {
    const repository = this.dataSource.getRepository(PfaWriteQueueItem);
    const items = rows
      .filter((row) => row.id !== null)
      .map((row) => ({
        item: entityFromRow(repository, row),
        tenantKey: row.claimed_tenant_key as string,
        mirroredVersion: row.mirrored_version === null ? null : Number(row.mirrored_version),
      }));
    return { items, passedOver: Number(rows[0]?.chosen_count ?? 0) - items.length };
  }

  /**
   * Keeps the listed attempts' items from being reaped while they are in flight: only those, and
   * only while their claim is theirs. An item locked right now (its completion is being written)
   * is passed by: it needs no renewal, and waiting for it could deadlock.
   */
  async renewLeases(attempts: Array<Pick<PfaWriteQueueItem, 'id' | 'leaseToken'>>): Promise<void> {
    if (attempts.length === 0) return;
    await this.dataSource.query(
      `WITH held AS (
         SELECT q.id FROM pfa_write_queue q
         JOIN unnest($1::uuid[], $2::uuid[]) AS attempt(id, lease_token) ON q.id = attempt.id AND q.lease_token = attempt.lease_token
         WHERE q.status = 'processing'
         ORDER BY q.id FOR UPDATE OF q SKIP LOCKED
       )
       UPDATE pfa_write_queue SET locked_until = now() + make_interval(secs => $3::float8 / 1000) WHERE id IN (SELECT id FROM held)`,
      [attempts.map((attempt) => attempt.id), attempts.map((attempt) => attempt.leaseToken), this.config.PEMS_WRITE_SYNC_LEASE_MS],
    );
  }

  /**
   * Items whose lease ran out (their process died or stalled) go back to `pending`, due at
   * once, without losing a retry; their modifications back to `queued`. Items locked right now
   * are passed by (their attempt is finishing).
   */
  async reapExpiredLeases(): Promise<number> {
    const [{ count }]: Array<{ count: number }> = await this.dataSource.query(
      `WITH expired AS (
         SELECT id FROM pfa_write_queue WHERE status = 'processing' AND locked_until < now()
         ORDER BY id FOR UPDATE SKIP LOCKED
       ), reaped AS (
         UPDATE pfa_write_queue SET status = 'pending', locked_by = NULL, locked_until = NULL, lease_token = NULL,
                last_error = coalesce(last_error, 'Lease expired: the worker stopped while sending')
         WHERE id IN (SELECT id FROM expired)
         RETURNING modification_id
       ), requeued AS (${modificationTransitionSql('handBack', 'ARRAY(SELECT modification_id FROM reaped)')})
       SELECT count(*)::int AS count FROM reaped`,
    );
    return count;
  }

  /** Ends the attempt as failed, if its claim still holds the item (the item alone: `fail` moves the modification). */
  private async endAsFailed(manager: EntityManager, item: PfaWriteQueueItem, outcome: { error: string; statusCode: number | null }): Promise<boolean> {
    const rows = await returningRows<{ id: string }>(
      manager,
      `UPDATE pfa_write_queue
       SET status = 'failed', completed_at = now(), locked_by = NULL, locked_until = NULL, lease_token = NULL,
           last_error = $3, last_status_code = $4, resend_count = $5
       WHERE id = $1 AND lease_token = $2 AND status = 'processing'
       RETURNING id`,
      [item.id, item.leaseToken, outcome.error, outcome.statusCode, item.resendCount],
    );
    return rows.length === 1;
  }

  /**
   * Schedules the next attempt `delayMs` after now (the end of the failed attempt), counting
   * a retry unless `countsAsRetry` is false; the modification goes back to `queued`. False when
   * the attempt's claim no longer holds the item.
   */
  async retryLater(item: PfaWriteQueueItem, delayMs: number, error: string, statusCode: number | null, countsAsRetry = true): Promise<boolean> {
    // Never further than a week: a timestamp out of the database's range would make this fail.
    const delay = Math.min(Math.max(0, delayMs), MAX_RETRY_DELAY_MS);
    return this.dataSource.transaction(async (manager) => {
      const rows = await returningRows<{ modification_id: string }>(
        manager,
        `UPDATE pfa_write_queue
         SET status = 'pending', locked_by = NULL, locked_until = NULL, lease_token = NULL, last_error = $3, last_status_code = $4,
             retry_count = retry_count + $5, resend_count = $6,
             scheduled_at = now() + make_interval(secs => $7::float8 / 1000)
         WHERE id = $1 AND lease_token = $2 AND status = 'processing'
         RETURNING modification_id`,
        [item.id, item.leaseToken, error, statusCode, countsAsRetry ? 1 : 0, item.resendCount, delay],
      );
      if (rows.length === 0) return false;
      await this.modifications.move(manager, 'handBack', [rows[0].modification_id]);
      return true;
    });
  }

  /**
   * Completes the attempts whose claim still holds their item, and syncs their modifications, in
   * one statement of the caller's transaction (the completions of a group commit). Answers the
   * ids of the items completed.
   */
  async completeAll(manager: EntityManager, attempts: Array<{ item: PfaWriteQueueItem; statusCode: number | null }>): Promise<Set<string>> {
    const rows: Array<{ id: string }> = await manager.query(
      `WITH done AS (
         UPDATE pfa_write_queue q
         SET status = 'completed', completed_at = now(), locked_by = NULL, locked_until = NULL, lease_token = NULL,
             last_error = NULL, last_status_code = given.status_code, resend_count = given.resend_count
         FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::int[]) AS given(id, lease_token, status_code, resend_count)
         WHERE q.id = given.id AND q.lease_token = given.lease_token AND q.status = 'processing'
         RETURNING q.id, q.modification_id
       ), synced AS (${modificationTransitionSql('sync', 'ARRAY(SELECT modification_id FROM done)')})
       SELECT id FROM done`,
      [attempts.map((a) => a.item.id), attempts.map((a) => a.item.leaseToken), attempts.map((a) => a.statusCode), attempts.map((a) => a.item.resendCount)],
    );
    return new Set(rows.map((row) => row.id));
  }

  /**
   * Ends the attempt as failed, if its claim still holds the item, and its modification with
   * it: `failed` with the reason, or `conflict` (a version conflict; the conflict is recorded by
   * the caller in the same transaction). False when the claim no longer holds the item.
   */
  async fail(
    manager: EntityManager,
    item: PfaWriteQueueItem,
    outcome: { reason: string; statusCode: number | null; modification: 'fail' | 'conflict'; modificationError?: string },
  ): Promise<boolean> {
    const ended = await this.endAsFailed(manager, item, { error: outcome.reason, statusCode: outcome.statusCode });
    if (!ended) return false;
    await this.modifications.move(manager, outcome.modification, [item.modificationId], outcome.modificationError ?? outcome.reason);
    return true;
  }

  /**
   * What an operator's retry would act on (POST /api/pems/write-queue/retry): the listed items of
   * the organization, or its failed items matching the filter. Locked in the order of
   * record-locks.ts: records, items, modifications. The items are those found before the records
   * were locked, read again once locked (a concurrent retry may have moved them on meanwhile).
   */
  async lockRetryCandidates(manager: EntityManager, organizationId: string, selection: QueueSelection): Promise<RetryCandidate[]> {
    const wanted = await this.selected(manager, organizationId, selection, 'failed');
    await lockRecordsByKey(manager, wanted);
    const candidates: Array<Omit<RetryCandidate, 'modificationStatus'>> = await manager.query(
      `SELECT q.id, q.status, q.last_error AS "lastError", q.modification_id AS "modificationId",
              NOT EXISTS (SELECT 1 FROM pfa_write_queue later WHERE later.modification_id = q.modification_id AND later.seq > q.seq) AS newest,
              EXISTS (SELECT 1 FROM pfa_write_queue other WHERE other.modification_id = q.modification_id AND other.status IN ('pending', 'processing')) AS "liveSibling"
       FROM pfa_write_queue q
       WHERE q.organization_id = $1 AND q.id = ANY($2::uuid[])
       ORDER BY q.id FOR UPDATE OF q`,
      [organizationId, wanted.map((item) => item.id)],
    );
    const modifications: Array<{ id: string; status: ModificationStatus }> = await manager.query(
      `SELECT id, status FROM pfa_modification WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
      [[...new Set(candidates.map((candidate) => candidate.modificationId))]],
    );
    const statusOf = new Map(modifications.map((modification) => [modification.id, modification.status]));
    return candidates.map((candidate) => ({ ...candidate, modificationStatus: statusOf.get(candidate.modificationId)! }));
  }

  /**
   * The items an operator's cancel would act on (POST /api/pems/write-queue/cancel), with their
   * records locked (record-locks.ts): the listed items of the organization, or its pending items
   * matching the filter. The items themselves are locked by `cancelAll`, which cancels those
   * still pending.
   */
  async lockCancelCandidates(manager: EntityManager, organizationId: string, selection: QueueSelection): Promise<Array<Pick<PfaWriteQueueItem, 'id' | 'status'>>> {
    const wanted = await this.selected(manager, organizationId, selection, 'pending');
    await lockRecordsByKey(manager, wanted);
    return wanted;
  }

  /**
   * The items a selection names, not locked: the listed ones of the organization (in any
   * status), or those in `status` matching the filter.
   */
  private selected(manager: EntityManager, organizationId: string, selection: QueueSelection, status: QueueStatus): Promise<PfaWriteQueueItem[]> {
    const builder = manager.getRepository(PfaWriteQueueItem).createQueryBuilder('q').select(['q.id', 'q.organizationId', 'q.pfaId', 'q.status']);
    if ('ids' in selection) {
      if (selection.ids.length === 0) return Promise.resolve([]);
      return builder.where('q.organizationId = :organizationId AND q.id IN (:...ids)', { organizationId, ids: selection.ids }).getMany();
    }
    return whereQueueItemsMatch(builder, organizationId, selection.filter).andWhere('q.status = :selectedStatus', { selectedStatus: status }).getMany();
  }

  /**
   * Failed items back to `pending`, due now, with their retries counted afresh and the
   * modification's changes and base as they are now (a resolution may have changed them), at
   * the back of their record's line; their modifications back to `queued`. Wakes the workers.
   * Answers how many were retried (a listed item not `failed` is not).
   */
  async retryFailed(manager: EntityManager, organizationId: string, ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const retried = await returningRows<{ modification_id: string }>(
      manager,
      `UPDATE pfa_write_queue q
       SET status = 'pending', retry_count = 0, resend_count = 0, scheduled_at = now(), completed_at = NULL,
           locked_by = NULL, locked_until = NULL, lease_token = NULL, seq = DEFAULT,
           payload = jsonb_build_object('changes', m.changes, 'baseVersion', m.base_version)
       FROM pfa_modification m
       WHERE q.id = ANY($1::uuid[]) AND q.status = 'failed' AND m.id = q.modification_id
       RETURNING q.modification_id`,
      [ids],
    );
    await this.modifications.move(
      manager,
      'retry',
      retried.map((row) => row.modification_id),
    );
    await this.wakeWorkers(manager, organizationId);
    return retried.length;
  }

  /**
   * Cancels a waiting item: the item alone, because what becomes of its modification depends on
   * why (a cancel makes it editable again, a discard throws it away), and the caller moves it in
   * the same transaction. Answers the cancelled item; null when it was not pending. The caller
   * holds the record's lock (record-locks.ts).
   */
  async cancel(manager: EntityManager, id: string, reason: CancelReason): Promise<PfaWriteQueueItem | null> {
    const [cancelled] = await this.cancelAll(manager, [id], reason);
    return cancelled ?? null;
  }

  /**
   * `cancel` for many items at once: those still pending are cancelled, the others left alone.
   * The items are locked in id order; an item a claim holds is waited for and then, processing,
   * left alone (the claim's own locking skips an item locked here). The caller holds the
   * records' locks.
   */
  async cancelAll(manager: EntityManager, ids: string[], reason: CancelReason): Promise<PfaWriteQueueItem[]> {
    if (ids.length === 0) return [];
    const rows = await returningRows<Record<string, unknown>>(
      manager,
      `WITH locked AS (
         SELECT id FROM pfa_write_queue WHERE id = ANY($1::uuid[]) AND status = 'pending' ORDER BY id FOR UPDATE
       )
       UPDATE pfa_write_queue q SET status = 'cancelled', completed_at = now(), last_error = $2
       WHERE q.id IN (SELECT id FROM locked) AND q.status = 'pending'
       RETURNING q.*`,
      [ids, reason],
    );
    const items = manager.getRepository(PfaWriteQueueItem);
    return rows.map((row) => entityFromRow(items, row));
  }

  /** The live (pending or processing) item of a modification, locked; null when it has none. */
  liveItemOf(manager: EntityManager, modificationId: string): Promise<PfaWriteQueueItem | null> {
    return manager.getRepository(PfaWriteQueueItem).findOne({ where: { modificationId, status: In(['pending', 'processing']) }, lock: { mode: 'pessimistic_write' } });
  }

  /** Items queued or in flight for a PEMS tenant, across its organizations: the backlog an estimate of completion counts. */
  async liveItemsOfTenant(manager: EntityManager, tenantKey: string): Promise<number> {
    const [{ backlog }]: Array<{ backlog: number }> = await manager.query(
      `SELECT count(*)::int AS backlog FROM pfa_write_queue q JOIN api_servers s ON s.organization_id = q.organization_id
       WHERE q.status IN ('pending', 'processing') AND s.tenant_key = $1`,
      [tenantKey],
    );
    return backlog;
  }

  /** Fresh planner statistics for the queue (ANALYZE), after thousands of rows arrived at once. */
  async refreshPlannerStatistics(): Promise<void> {
    await this.dataSource.query('ANALYZE pfa_write_queue');
  }

  /** Wakes every instance's worker at commit: the organization's items may be claimable now. */
  async wakeWorkers(manager: EntityManager, organizationId: string): Promise<void> {
    await manager.query('SELECT pg_notify($1, $2)', [WRITE_QUEUE_CHANNEL, organizationId]);
  }

  /**
   * Deletes completed and cancelled items that finished more than `days` ago, in batches so
   * that no statement holds locks for long. Failed items stay until someone deals with them;
   * modifications and conflicts keep their own record.
   */
  purgeFinished(days: number, batchSize = 5000): Promise<number> {
    return deleteInBatches(this.dataSource, 'pfa_write_queue', "status IN ('completed', 'cancelled') AND completed_at < now() - make_interval(days => $1)", days, batchSize);
  }

  /** Sync-status's per-minute counts (migration WriteSyncMinutes) older than two days: it reads the last 24 hours. */
  async purgeOldMinutes(): Promise<void> {
    await this.dataSource.query(`DELETE FROM pfa_write_sync_minutes WHERE minute < now() - interval '2 days'`);
  }

  /**
   * How long until the worker should look again, in milliseconds counted by the database's clock
   * (the caller waits that long on its own monotonic clock); null when nothing waits. The first
   * of: an item falling due (also one that fell due in the last `lookedMsAgo`, since the caller
   * last looked: it is due now), a paused server that may be probed, a paused tenant that may be
   * sent to again, a lease that runs out (to take its item back).
   */
  async nextWakeUpInMs(lookedMsAgo = 0): Promise<number | null> {
    const [row]: Array<{ in_ms: number | null }> = await this.dataSource.query(
      `SELECT EXTRACT(EPOCH FROM least(
         (SELECT min(scheduled_at) FROM pfa_write_queue WHERE status = 'pending' AND scheduled_at > now() - make_interval(secs => $1::float8 / 1000)),
         (SELECT min(s.auth_paused_until) FROM api_servers s
          WHERE s.auth_failed_at IS NOT NULL AND s.auth_paused_until > now() AND s.writes_paused_at IS NULL
            AND EXISTS (SELECT 1 FROM pfa_write_queue q WHERE q.organization_id = s.organization_id AND q.status = 'pending')),
         (SELECT min(l.paused_until) FROM pems_rate_limits l
          WHERE l.paused_until > now()
            AND EXISTS (SELECT 1 FROM api_servers s JOIN pfa_write_queue q ON q.organization_id = s.organization_id
                        WHERE s.tenant_key = l.tenant_key AND q.status = 'pending')),
         (SELECT min(locked_until) FROM pfa_write_queue WHERE status = 'processing')
       ) - clock_timestamp())::float8 * 1000 AS in_ms`,
      [Math.max(0, lookedMsAgo)],
    );
    return row?.in_ms === null || row?.in_ms === undefined ? null : Math.max(0, row.in_ms);
  }
}

/** An organization's due retries (by due time) and its other due items (by priority, then age), at most `size` of each. */
function dueItemsOf(organization: string, size: string): string {
  return `SELECT * FROM (${dueOf(organization, 'AND q.retry_count > 0', 'q.scheduled_at ASC', size)}) retries
           UNION ALL
           SELECT * FROM (${dueOf(organization, 'AND q.retry_count = 0', 'q.priority DESC, q.scheduled_at ASC', size)}) backlog`;
}

/**
 * An organization's due items in one order, at most `size`: pending, due, and first in their
 * record's line (no other item of the record processing, none pending before it). Not locked:
 * the claim locks only the items it chose (claimCtes).
 */
function dueOf(organization: string, extra: string, order: string, size: string): string {
  return `SELECT q.id, q.retry_count > 0 AS retry, q.priority, q.scheduled_at, q.seq
           FROM pfa_write_queue q
           WHERE q.organization_id = ${organization} AND q.status = 'pending' AND q.scheduled_at <= now() ${extra}
             AND NOT EXISTS (
               SELECT 1 FROM pfa_write_queue other
               WHERE other.organization_id = q.organization_id AND other.pfa_id = q.pfa_id
                 AND other.status IN ('pending', 'processing') AND other.id <> q.id
                 AND (other.seq < q.seq OR other.status = 'processing')
               OFFSET 0)
           ORDER BY ${order}
           LIMIT ${size}`;
}

/**
 * The claim itself, as three CTEs (`locked`, `claimed`, `syncing`) that follow the caller's
 * `chosen`: the chosen items that are still pending and due, and not locked by another claim (FOR
 * UPDATE SKIP LOCKED: two instances that chose the same item claim it once; an item another
 * instance claimed, tried and put back for a retry meanwhile is due later), become processing,
 * leased to $1 for $3 ms with a new lease token; their modifications `syncing`.
 */
function claimCtes(chosen: string): string {
  return `locked AS (
         SELECT q.id FROM pfa_write_queue q
         WHERE q.id = ANY (${chosen}) AND q.status = 'pending' AND q.scheduled_at <= now()
         ORDER BY q.id FOR UPDATE SKIP LOCKED
       ), claimed AS (
         UPDATE pfa_write_queue q
         SET status = 'processing', locked_by = $1, lease_token = gen_random_uuid(), last_attempt_at = now(),
             locked_until = now() + make_interval(secs => $3::float8 / 1000)
         WHERE q.id IN (SELECT id FROM locked)
         RETURNING q.*
       ), syncing AS (${modificationTransitionSql('claim', 'ARRAY(SELECT modification_id FROM claimed)')})`;
}

/**
 * The claimed rows, in the order they should be sent (retries, then the turns), with their PEMS
 * tenant and their record's version in the mirror; each also says how many items were chosen
 * (`chosen_count`). When none was claimed, one row says only that (its item columns null).
 */
const claimedRowsSql = `SELECT claimed.*, s.tenant_key AS claimed_tenant_key, r.version AS mirrored_version, totals.chosen_count
       FROM (SELECT count(*)::int AS chosen_count FROM chosen) totals
       LEFT JOIN (
         claimed
         JOIN chosen ON chosen.id = claimed.id
         JOIN api_servers s ON s.organization_id = claimed.organization_id
       ) ON true
       LEFT JOIN LATERAL (
         SELECT version FROM pfa_records r
         WHERE r.organization_id = claimed.organization_id AND r.pfa_id = claimed.pfa_id LIMIT 1
       ) r ON true
       ORDER BY chosen.retry DESC, chosen.place, claimed.seq`;
