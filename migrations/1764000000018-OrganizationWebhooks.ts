import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outgoing webhooks per organization (docs/webhooks.md):
 *
 * - `organization_webhooks`: at most one per organization: the receiver's URL, its signing
 *   secret encrypted under CREDENTIALS_KEY (never in clear text), the events it takes, whether it
 *   is active.
 * - `webhook_deliveries`: one row per event, inserted in the transaction of the state change it
 *   tells of (WebhookDeliveries is its only writer). `pending` until the receiver answers 2xx
 *   (`delivered`) or the retries run out (`failed`). While an attempt is in flight the row holds
 *   its lease (`lease_token`, `next_attempt_at` = when the lease ends): an instance that dies
 *   mid-send leaves the row due again at the lease's end.
 */
export class OrganizationWebhooks1764000000018 implements MigrationInterface {
  name = 'OrganizationWebhooks1764000000018';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE organization_webhooks (
        id uuid PRIMARY KEY,
        organization_id uuid NOT NULL UNIQUE REFERENCES organizations(id) ON DELETE CASCADE,
        url varchar(2048) NOT NULL,
        secret_encrypted text NOT NULL,
        events text[] NOT NULL,
        active boolean NOT NULL DEFAULT true,
        secret_updated_at timestamptz NOT NULL DEFAULT now(),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_organization_webhooks_events CHECK (cardinality(events) > 0 AND events <@ ARRAY['conflict.created', 'sync.failed', 'credentials.rejected'])
      )`);

    await queryRunner.query(`
      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        webhook_id uuid NOT NULL REFERENCES organization_webhooks(id) ON DELETE CASCADE,
        organization_id uuid NOT NULL,
        event varchar(64) NOT NULL,
        data jsonb NOT NULL,
        status varchar(16) NOT NULL DEFAULT 'pending',
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NULL DEFAULT now(),
        lease_token uuid NULL,
        last_status_code integer NULL,
        last_error text NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz NULL,
        CONSTRAINT ck_webhook_deliveries_status CHECK (status IN ('pending', 'delivered', 'failed')),
        CONSTRAINT ck_webhook_deliveries_due CHECK ((status = 'pending') = (next_attempt_at IS NOT NULL))
      )`);
    // The dispatcher's claim and its look for the next due time: pending rows only, by due time.
    await queryRunner.query(`CREATE INDEX ix_webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending'`);
    // GET …/webhook/deliveries: one webhook's rows, newest first.
    await queryRunner.query(`CREATE INDEX ix_webhook_deliveries_webhook ON webhook_deliveries (webhook_id, created_at DESC)`);
    // Retention.
    await queryRunner.query(`CREATE INDEX ix_webhook_deliveries_created ON webhook_deliveries (created_at)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE webhook_deliveries`);
    await queryRunner.query(`DROP TABLE organization_webhooks`);
  }
}
