import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { wakeAfter } from '../common/sleep';
import { AppConfig } from '../config/app-config';
import { PgListenerService } from '../database/pg-listener.service';
import { CredentialsCipher } from '../organizations/credentials-cipher.service';
import { ClaimedDelivery, WEBHOOK_DELIVERIES_CHANNEL, WebhookDeliveries } from './webhook-deliveries.service';
import { WebhookSender } from './webhook-sender';
import { webhookSecretContext } from './webhooks.service';

/** Looks for due deliveries at least this often, whatever it heard (a NOTIFY missed while the LISTEN connection was down). */
const SWEEP_MS = 30_000;
/** The soonest it looks again for a delivery about to fall due (a floor, so that a row due but not claimable cannot spin it). */
const MIN_WAKE_MS = 50;
/** After a claim failed (the database refused or went away), it looks again this much later, unless woken sooner. */
const CLAIM_RETRY_MS = 1000;
/** A claimed attempt's lease: its timeout and this margin to record the outcome. An instance that dies mid-attempt leaves the delivery due at the lease's end. */
const LEASE_MARGIN_MS = 30_000;

interface InFlightAttempt {
  abort: AbortController;
  done: Promise<void>;
}

/**
 * Sends the webhook deliveries, in every instance, on its own: not in the write-sync worker's
 * loop, on no connection of the worker's, so a slow receiver delays nothing but its own
 * deliveries. At most WEBHOOK_CONCURRENCY attempts in flight per instance, each bounded by
 * WEBHOOK_TIMEOUT_MS. Wakes when a delivery is queued (NOTIFY, from any instance), when an
 * attempt ends, when the next retry falls due, and every SWEEP_MS. Claims are FOR UPDATE SKIP
 * LOCKED with a lease (WebhookDeliveries.claim), so instances share the work and never send the
 * same delivery at once.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Webhooks');
  private readonly inFlight = new Map<string, InFlightAttempt>();
  private running = false;
  private lookAgain = false;
  private stopped = false;
  private sweepTimer?: NodeJS.Timeout;
  private cancelWakeUp?: () => void;

  constructor(
    private readonly config: AppConfig,
    private readonly deliveries: WebhookDeliveries,
    private readonly sender: WebhookSender,
    private readonly cipher: CredentialsCipher,
    private readonly listener: PgListenerService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.listener.listen(WEBHOOK_DELIVERIES_CHANNEL, () => this.wake());
    this.listener.onReconnect(() => this.wake());
    this.sweepTimer = setInterval(() => this.wake(), SWEEP_MS);
    this.sweepTimer.unref();
    this.wake();
  }

  /** Stops claiming; attempts in flight are given up and handed back (due at once, for this or another instance). */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sweepTimer);
    this.cancelWakeUp?.();
    for (const attempt of this.inFlight.values()) attempt.abort.abort();
    await Promise.all([...this.inFlight.values()].map((attempt) => attempt.done));
  }

  /** Looks for due deliveries now, or right after the look under way. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.lookAgain = true;
      return;
    }
    this.running = true;
    void this.claimAndSend().finally(() => {
      this.running = false;
      if (this.lookAgain) this.wake();
    });
  }

  private async claimAndSend(): Promise<void> {
    do {
      this.lookAgain = false;
      const room = this.config.WEBHOOK_CONCURRENCY - this.inFlight.size;
      // Full: an attempt that ends wakes the dispatcher.
      if (room <= 0) return;
      let claimed: ClaimedDelivery[];
      try {
        claimed = await this.deliveries.claim(room, this.config.WEBHOOK_TIMEOUT_MS + LEASE_MARGIN_MS);
      } catch (error) {
        this.logger.warn(`Could not claim webhook deliveries: ${(error as Error).message}`);
        this.wakeIn(CLAIM_RETRY_MS);
        return;
      }
      for (const delivery of claimed) this.start(delivery);
      if (claimed.length === room) this.lookAgain = true;
    } while (this.lookAgain && !this.stopped);
    await this.wakeWhenNextDue();
  }

  private start(claimed: ClaimedDelivery): void {
    const abort = new AbortController();
    const done = this.attempt(claimed, abort.signal)
      .catch((error: Error) =>
        this.logger.warn(`Webhook delivery ${claimed.delivery.id}: the attempt could not be recorded (${error.message}); it is due again when its lease ends`),
      )
      .finally(() => {
        this.inFlight.delete(claimed.leaseToken);
        this.wake();
      });
    this.inFlight.set(claimed.leaseToken, { abort, done });
  }

  private async attempt(claimed: ClaimedDelivery, signal: AbortSignal): Promise<void> {
    const { delivery } = claimed;
    let secret: string;
    try {
      secret = this.cipher.decryptSecret(claimed.secretEncrypted, webhookSecretContext(delivery.webhookId));
    } catch (error) {
      // The message is the cipher's fixed text: nothing of the stored value.
      this.logger.error(`Webhook of organization ${delivery.organizationId}: ${(error as Error).message}`);
      await this.deliveries.attemptFailed(
        claimed,
        null,
        "The webhook's secret cannot be read (was CREDENTIALS_KEY changed?): an admin must set it again",
        this.config.WEBHOOK_RETRY_DELAYS_MS,
      );
      return;
    }
    const result = await this.sender.send(claimed.url, secret, delivery, signal);
    if (result.outcome === 'interrupted') {
      await this.deliveries.handBack(claimed);
      return;
    }
    if (result.outcome === 'delivered') {
      await this.deliveries.delivered(claimed, result.statusCode);
      return;
    }
    const recorded = await this.deliveries.attemptFailed(claimed, result.statusCode, result.error, this.config.WEBHOOK_RETRY_DELAYS_MS);
    // The URL is not logged: its path or query may hold the receiver's own token.
    const what = `Webhook delivery ${delivery.id} (${delivery.event}) of organization ${delivery.organizationId}, attempt ${delivery.attempts}: ${result.error}`;
    if (recorded === 'failed') this.logger.warn(`${what}; no retry is left, the delivery failed`);
    else if (recorded === 'retry') this.logger.debug(`${what}; it will be retried`);
  }

  /** Sets the wake-up for the next pending delivery's due time (a retry, or the end of an attempt's lease). */
  private async wakeWhenNextDue(): Promise<void> {
    const inMs = await this.deliveries.nextDueInMs().catch(() => null);
    if (inMs !== null) this.wakeIn(Math.max(MIN_WAKE_MS, inMs));
  }

  private wakeIn(milliseconds: number): void {
    this.cancelWakeUp?.();
    if (this.stopped) return;
    this.cancelWakeUp = wakeAfter(milliseconds, () => this.wake());
  }
}
