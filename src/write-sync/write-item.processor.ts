import { Injectable, Logger } from '@nestjs/common';
import { SyncMetricsService } from '../metrics/sync-metrics.service';
import { PemsApiError } from '../pems/client/pems-api.error';
import { PemsConnection, PemsRecord } from '../pems/client/pems-client.types';
import { PemsRateLimiter } from '../pems/client/pems-rate-limiter';
import { PemsClient } from '../pems/client/pems.client';
import { OrganizationConnection, PemsConnectionFactory } from '../pems/pems-connection.factory';
import { SyncEventsService } from '../sync-events/sync-events.service';
import { PfaData } from '../validation/pfa-fields';
import { PfaWriteQueueItem } from '../write-queue/entities/pfa-write-queue.entity';
import { ClaimedItem } from '../write-queue/write-queue.service';
import { MAX_RESENDS, RetryPolicy } from './retry-policy';
import { ServerAuthPauseService, ServerPause } from './server-auth-pause.service';
import { WriteConflictCheck, WriteVerdict } from './write-conflict-check';
import { ItemOutcome, WriteOutcomes } from './write-outcomes';

/** A claimed item as the processor needs it (its tenant is the connection's). */
type ItemToSend = Pick<ClaimedItem, 'item' | 'mirroredVersion'>;

/** Thrown just before a send when the server was paused (rejected credentials, or an admin) during the rate-limit wait. */
class ServerPausedError extends Error {
  constructor(readonly pause: Exclude<ServerPause, null>) {
    super(`the server's ${pause === 'writes' ? 'writes are paused' : 'credentials were rejected'}`);
  }
}

/** PEMS took the write, but the completion could not be written. */
class CompletionNotRecorded extends Error {}

/**
 * One write-queue item from claim to outcome (SPEC §7, §8), the order of the steps and nothing
 * else: what may be sent is WriteConflictCheck's verdict, what a failure means is RetryPolicy's,
 * and each outcome is recorded by WriteOutcomes.
 * 1. If the mirror is ahead of the modification's base, the three-way check runs against it
 *    first: a conflict is recorded without sending, an already-applied write completes.
 * 2. The changed fields are sent on the newest known version.
 * 3. A version conflict reads the record back from PEMS into the mirror and checks again:
 *    already applied completes, overlapping changes are a conflict, otherwise it is sent again
 *    on the new version (not a retry; after MAX_RESENDS it counts as one).
 * 4. Retryable failures come back after 5, 10, 20 s (Retry-After also pauses the tenant);
 *    others fail with their reason; rejected credentials also pause the server.
 *
 * Every attempt ends with an outcome recorded: if recording the outcome itself fails, the
 * attempt is recorded as a retry with that reason; if even that cannot be written, the worker
 * stops renewing the item's lease and the reaper hands it back.
 */
@Injectable()
export class WriteItemProcessor {
  private readonly logger = new Logger('PemsWriteSync');

  constructor(
    private readonly client: PemsClient,
    private readonly connections: PemsConnectionFactory,
    private readonly rateLimiter: PemsRateLimiter,
    private readonly conflictCheck: WriteConflictCheck,
    private readonly outcomes: WriteOutcomes,
    private readonly authPause: ServerAuthPauseService,
    private readonly events: SyncEventsService,
    private readonly metrics: SyncMetricsService,
  ) {}

  /**
   * Starts a claim's items: their organizations' connections are looked up and their
   * `sync.processing` events published once for the claim; answers one promise per item,
   * resolved with its outcome (never rejected). `probe`: the one item sent to a server paused
   * for rejected credentials, to see whether they work again.
   */
  async begin(claimed: ItemToSend[], probe = false): Promise<Array<Promise<ItemOutcome>>> {
    const found = await this.connections
      .forOrganizations([...new Set(claimed.map(({ item }) => item.organizationId))], { forWriting: true })
      .catch((error: Error) => new Map<string, OrganizationConnection | Error>(claimed.map(({ item }) => [item.organizationId, error])));
    const ready = claimed.filter(({ item }) => !(found.get(item.organizationId) instanceof Error));
    await this.events.publishMany(
      ready.map(({ item }) => ({ type: 'sync.processing', organizationId: item.organizationId, modificationId: item.modificationId, queueItemId: item.id, pfaId: item.pfaId })),
    );
    return claimed.map((entry) => this.process(entry, found.get(entry.item.organizationId)!, probe));
  }

  private async process(claimed: ItemToSend, found: OrganizationConnection | Error, probe: boolean): Promise<ItemOutcome> {
    const { item } = claimed;
    try {
      return await this.tryToProcess(claimed, found, probe);
    } catch (error) {
      return this.recordAnyway(item, error as Error);
    }
  }

  private async tryToProcess(claimed: ItemToSend, found: OrganizationConnection | Error, probe: boolean): Promise<ItemOutcome> {
    const { item } = claimed;
    // The server was switched off or made read-only after the claim: wait for it, costing no retry.
    if (found instanceof Error) return this.outcomes.waitForServer(item, found.message);
    // An admin paused the server's writes between the claim and now: the item waits for the resume, costing no retry.
    if (found.server.writesPausedAt) return this.outcomes.waitForResume(item);
    if (found.server.authFailedAt && !probe) return this.outcomes.waitForCredentials(item);
    try {
      return await this.attempt(claimed, found.connection, probe);
    } catch (error) {
      if (error instanceof ServerPausedError) {
        return error.pause === 'writes' ? this.outcomes.waitForResume(item) : this.outcomes.waitForCredentials(item);
      }
      if (error instanceof PemsApiError) return this.handlePemsFailure(item, found.connection, error, probe);
      if (error instanceof CompletionNotRecorded) {
        // PEMS has the write; only our record of it failed. The next attempt finds it applied (a 409, then the
        // read-back) and completes: not a failed attempt, so it costs no retry.
        this.logger.error(`Write of ${item.pfaId} (item ${item.id}) reached PEMS, but its completion could not be recorded: ${error.message}`);
        // Never recorded as failed (PEMS holds it): if not even this can be written, the item is left to its lease.
        return this.outcomes.waitWithoutRetry(item, this.outcomes.retryDelay(item), `PEMS took the write; recording it failed: ${error.message}`).catch(() => 'released' as const);
      }
      // Our own trouble (the database, a bug): the item is kept and tried again, as a retry.
      this.logger.error(`Write of ${item.pfaId} (item ${item.id}) failed inside pems-sync: ${(error as Error).message}`, (error as Error).stack);
      return this.outcomes.afterFailure(item, `Internal error: ${(error as Error).message}`, null, null);
    }
  }

  /**
   * Recording the attempt's outcome failed (the database refused or went away, or a bug): the
   * attempt is recorded as a retry with that reason, or as failed after the last retry. When
   * not even that can be written, the item is left to its lease: the worker no longer renews
   * it, and the reaper hands it back.
   */
  private async recordAnyway(item: PfaWriteQueueItem, error: Error): Promise<ItemOutcome> {
    this.logger.error(`The outcome of the write of ${item.pfaId} (item ${item.id}) could not be recorded: ${error.message}`, error.stack);
    try {
      return await this.outcomes.afterFailure(item, `Internal error while recording the outcome: ${error.message}`, null, null);
    } catch (second) {
      this.logger.error(`Item ${item.id} is left to its lease (it will be taken back): ${(second as Error).message}`);
      return 'released';
    }
  }

  private async attempt({ item, mirroredVersion }: ItemToSend, connection: PemsConnection, probe: boolean): Promise<ItemOutcome> {
    const changes = item.payload.changes as PfaData;
    let version = item.payload.baseVersion;

    const onMirror = await this.conflictCheck.againstMirror(item, mirroredVersion);
    if (onMirror) {
      if (onMirror.verdict !== 'send') return this.act(item, onMirror);
      version = onMirror.version;
    }

    for (;;) {
      const started = process.hrtime.bigint();
      let stored: PemsRecord;
      try {
        stored = await this.client.updateRecord(connection, item.pfaId, version, changes, probe ? undefined : () => this.assertNotPaused(item.organizationId));
      } catch (error) {
        if (!(error instanceof PemsApiError) || error.kind !== 'version_conflict') throw error;
        const onPems = await this.conflictCheck.againstPems(item, await this.client.getRecord(connection, item.pfaId));
        if (onPems.verdict !== 'send') return this.act(item, onPems);
        if (!RetryPolicy.mayResend(item)) {
          return this.outcomes.afterFailure(item, `${error.message} (PEMS's record changed again before each of ${MAX_RESENDS} sends)`, error.status, null);
        }
        version = onPems.version;
        item.resendCount += 1;
        this.metrics.sends.inc({ outcome: 'resend' });
        continue;
      }
      this.metrics.sendLatency.observe(Number(process.hrtime.bigint() - started) / 1e9);
      return (await this.completeTaken(item, stored)) ? 'completed' : 'released';
    }
  }

  /** Acts on a verdict that is not 'send'. */
  private async act(item: PfaWriteQueueItem, verdict: Exclude<WriteVerdict, { verdict: 'send' }>): Promise<ItemOutcome> {
    switch (verdict.verdict) {
      case 'gone':
        return 'released';
      case 'already_applied':
        return (await this.outcomes.completed(item, verdict.stored, null)) ? 'already_applied' : 'released';
      case 'conflict':
        return this.outcomes.conflict(item, verdict);
    }
  }

  /** PEMS answered the write with the record: completes it, and says so if recording that fails (CompletionNotRecorded). */
  private async completeTaken(item: PfaWriteQueueItem, stored: PemsRecord): Promise<boolean> {
    try {
      return await this.outcomes.completed(item, stored, 200);
    } catch (error) {
      throw new CompletionNotRecorded((error as Error).message);
    }
  }

  /** `probe`: the one item sent to find out whether a credentials pause may end. */
  private async handlePemsFailure(item: PfaWriteQueueItem, connection: PemsConnection, error: PemsApiError, probe: boolean): Promise<ItemOutcome> {
    const judged = RetryPolicy.judgePemsFailure(error.kind, error.retryAfterMs);
    switch (judged.verdict) {
      case 'credentials_rejected':
        this.metrics.sends.inc({ outcome: 'credentials_rejected' });
        // Only the write that started the pause fails, or the probe that PEMS refused again (it pauses the server again);
        // writes already on their way wait for the pause to end.
        if (!(await this.authPause.credentialsRejected(item.organizationId, error.message)) && !probe) return this.outcomes.waitForCredentials(item);
        return this.outcomes.failed(item, `CREDENTIALS_REJECTED: ${error.message}`, error.status);
      case 'wait_for_tenant':
        return this.outcomes.waitWithoutRetry(item, judged.delayMs, error.message);
      case 'retry':
        if (judged.pauseTenantMs !== null) await this.rateLimiter.pause(connection.tenantKey, judged.pauseTenantMs);
        return this.outcomes.afterFailure(item, error.message, error.status, error.retryAfterMs);
      case 'fail':
        return this.outcomes.failed(item, error.message, error.status);
    }
  }

  /** Once PEMS has refused a server's credentials, or an admin paused its writes, no further write is thrown at it until the pause ends. */
  private async assertNotPaused(organizationId: string): Promise<void> {
    const pause = await this.authPause.pauseHolding(organizationId);
    if (pause) throw new ServerPausedError(pause);
  }
}
