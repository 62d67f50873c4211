import { MigrationInterface, QueryRunner } from 'typeorm';
import { pemsTenantKey } from '../src/organizations/pems-tenant-key';

/**
 * Three mechanisms of the write-sync core (docs/write-sync.md, docs/rate-limiting.md):
 *
 * - **A lease token per claim.** `pfa_write_queue.lease_token` is new at every claim, and every
 *   completion, retry, failure and renewal matches it. The worker's id (`locked_by`) stays for
 *   people to read; it could not tell an old attempt from a newer claim of the same worker.
 * - **The tenant of each API server** (`api_servers.tenant_key`, as pemsTenantKey computes
 *   it), so that the claim can leave the items of a tenant PEMS paused (Retry-After) waiting.
 * - **The closed-loop rate limit.** `pems_rate_limits.sent_at` holds, for the last sends
 *   granted, the latest time each may have left; `sent_count` counts the grants. A send is
 *   granted only one window after the send that many places before it (function
 *   pems_rate_limit_grant), and a send that left later than granted moves its time on
 *   (pems_rate_limit_departed). `last_slot_at` is no longer read, and is kept for instances of
 *   the previous version during a rolling upgrade.
 */
export class LeaseTokensAndClosedLoopLimits1764000000006 implements MigrationInterface {
  name = 'LeaseTokensAndClosedLoopLimits1764000000006';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE pfa_write_queue ADD COLUMN lease_token uuid`);
    await queryRunner.query(`UPDATE pfa_write_queue SET lease_token = gen_random_uuid() WHERE status = 'processing'`);

    await queryRunner.query(`ALTER TABLE api_servers ADD COLUMN tenant_key varchar(2300)`);
    const servers: Array<{ id: string; base_url: string; tenant: string }> = await queryRunner.query(`SELECT id, base_url, tenant FROM api_servers`);
    for (const server of servers) {
      await queryRunner.query(`UPDATE api_servers SET tenant_key = $2 WHERE id = $1`, [server.id, pemsTenantKey({ baseUrl: server.base_url, tenant: server.tenant })]);
    }
    await queryRunner.query(`ALTER TABLE api_servers ALTER COLUMN tenant_key SET NOT NULL`);
    await queryRunner.query(`CREATE INDEX ix_api_servers_tenant_key ON api_servers (tenant_key)`);

    await queryRunner.query(`ALTER TABLE pems_rate_limits ADD COLUMN sent_at timestamptz[] NOT NULL DEFAULT '{}'`);
    await queryRunner.query(`ALTER TABLE pems_rate_limits ADD COLUMN sent_count bigint NOT NULL DEFAULT 0`);
    // How many of the last grants sent_at keeps: the most any caller's window has needed.
    await queryRunner.query(`ALTER TABLE pems_rate_limits ADD COLUMN sent_kept integer NOT NULL DEFAULT 0`);
    // last_slot_at is no longer used; it stays until a later release, so that instances of the
    // previous version keep working during a rolling upgrade.
    await queryRunner.query(`ALTER TABLE pems_rate_limits ALTER COLUMN last_slot_at SET DEFAULT now()`);

    // Late departures, as the caller reports them (p_numbers: grant numbers, p_left_at_ms: the
    // latest each may have left, epoch ms): each grant's time moves on to it (never back), so that
    // the send one window later is measured from when it really left. Grants no longer kept are
    // left alone.
    await queryRunner.query(`
      CREATE FUNCTION pems_rate_limit_departed(p_key text, p_numbers bigint[], p_left_at_ms float8[])
      RETURNS void LANGUAGE plpgsql AS $$
      DECLARE
        sent timestamptz[];
        granted_count bigint;
        slot int;
      BEGIN
        IF cardinality(p_numbers) = 0 THEN RETURN; END IF;
        SELECT l.sent_at, l.sent_count INTO sent, granted_count FROM pems_rate_limits l WHERE l.tenant_key = p_key FOR UPDATE;
        IF NOT FOUND THEN RETURN; END IF;
        FOR i IN 1..cardinality(p_numbers) LOOP
          slot := (p_numbers[i] - (granted_count - cardinality(sent)))::int;
          IF slot >= 1 AND slot <= cardinality(sent) THEN
            sent[slot] := GREATEST(sent[slot], to_timestamp(p_left_at_ms[i] / 1000));
          END IF;
        END LOOP;
        UPDATE pems_rate_limits SET sent_at = sent WHERE tenant_key = p_key;
      END $$`);

    // Grants up to p_count sends of a tenant, each one window (p_window_ms) after the send
    // p_entries grants before it and p_min_gap_ms after the one just before it (sends stay
    // spread, even when one left late), and never while the tenant is paused. A grant may lie up
    // to p_ahead_ms ahead (the caller waits for it); the time kept for it is the grant plus
    // p_allowance_ms, the latest the caller may leave without reporting. As many of the last
    // grants are kept as any caller's window has needed (sent_kept), so that callers of one tenant
    // with different rates judge one history.
    // Answers one row per grant (its number and its wait), then, if not all were granted, one
    // row with a null number and how long the rest must wait (paused: paused_ms). The row is
    // locked for the statement: grants never overlap, whichever instance asks.
    await queryRunner.query(`
      CREATE FUNCTION pems_rate_limit_grant(p_key text, p_count int, p_entries int, p_window_ms float8, p_min_gap_ms float8,
                                            p_allowance_ms float8, p_ahead_ms float8)
      RETURNS TABLE (grant_number bigint, wait_ms float8, paused_ms float8, db_now_ms float8)
      LANGUAGE plpgsql AS $$
      DECLARE
        kept int;
        now_at timestamptz := clock_timestamp();
        sent timestamptz[];
        granted timestamptz[] := '{}';
        granted_count bigint;
        paused timestamptz;
        grant_at timestamptz;
        n int;
        k int;
        earlier int;
      BEGIN
        INSERT INTO pems_rate_limits (tenant_key, next_slot_at) VALUES (p_key, now_at) ON CONFLICT (tenant_key) DO NOTHING;
        SELECT l.sent_at, l.sent_count, l.paused_until, GREATEST(l.sent_kept, p_entries) INTO sent, granted_count, paused, kept
        FROM pems_rate_limits l WHERE l.tenant_key = p_key FOR UPDATE;
        IF paused > now_at THEN
          RETURN QUERY SELECT NULL::bigint, NULL::float8, EXTRACT(EPOCH FROM paused - now_at)::float8 * 1000, EXTRACT(EPOCH FROM now_at)::float8 * 1000;
          RETURN;
        END IF;
        n := cardinality(sent);
        -- The kept times and this statement's new grants are read as one list (sent, then granted),
        -- and joined once at the end: the arrays are copied once per statement, not per grant.
        FOR i IN 1..p_count LOOP
          k := n + i - 1; -- grants before this one
          grant_at := now_at;
          earlier := k - p_entries + 1;
          IF earlier >= 1 THEN
            grant_at := GREATEST(grant_at, (CASE WHEN earlier <= n THEN sent[earlier] ELSE granted[earlier - n] END) + make_interval(secs => p_window_ms / 1000));
          END IF;
          IF k >= 1 THEN
            grant_at := GREATEST(grant_at, (CASE WHEN k <= n THEN sent[k] ELSE granted[k - n] END) + make_interval(secs => (p_min_gap_ms - p_allowance_ms) / 1000));
          END IF;
          IF grant_at > now_at + make_interval(secs => p_ahead_ms / 1000) THEN
            RETURN QUERY SELECT NULL::bigint, EXTRACT(EPOCH FROM grant_at - now_at)::float8 * 1000, NULL::float8, EXTRACT(EPOCH FROM now_at)::float8 * 1000;
            EXIT;
          END IF;
          granted := granted || (grant_at + make_interval(secs => p_allowance_ms / 1000));
          granted_count := granted_count + 1;
          RETURN QUERY SELECT granted_count, EXTRACT(EPOCH FROM grant_at - now_at)::float8 * 1000, NULL::float8, EXTRACT(EPOCH FROM now_at)::float8 * 1000;
        END LOOP;
        IF cardinality(granted) > 0 THEN
          sent := sent || granted;
          IF cardinality(sent) > kept THEN sent := sent[cardinality(sent) - kept + 1 : cardinality(sent)]; END IF;
          UPDATE pems_rate_limits SET sent_at = sent, sent_count = granted_count, sent_kept = kept WHERE tenant_key = p_key;
        END IF;
      END $$`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION pems_rate_limit_grant(text, int, int, float8, float8, float8, float8)`);
    await queryRunner.query(`DROP FUNCTION pems_rate_limit_departed(text, bigint[], float8[])`);
    await queryRunner.query(`ALTER TABLE pems_rate_limits ALTER COLUMN last_slot_at DROP DEFAULT`);
    await queryRunner.query(`ALTER TABLE pems_rate_limits DROP COLUMN sent_kept, DROP COLUMN sent_count, DROP COLUMN sent_at`);
    await queryRunner.query(`DROP INDEX ix_api_servers_tenant_key`);
    await queryRunner.query(`ALTER TABLE api_servers DROP COLUMN tenant_key`);
    await queryRunner.query(`ALTER TABLE pfa_write_queue DROP COLUMN lease_token`);
  }
}
