import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A PEMS tenant's settings, one row per tenant (pemsTenantKey), whichever organizations use it:
 * its rate limit, set by a superadmin or the seed. A tenant without a row runs at
 * PEMS_RATE_LIMIT_PER_SECOND.
 */
@Entity('pems_tenants')
export class PemsTenant {
  @PrimaryColumn({ name: 'tenant_key', type: 'varchar', length: 2300 })
  tenantKey: string;

  @Column({ name: 'rate_limit_per_second', type: 'integer' })
  rateLimitPerSecond: number;

  /** The superadmin who set it; null when the seed or the service did. */
  @Column({ name: 'changed_by', type: 'uuid', nullable: true })
  changedBy: string | null;

  @Column({ name: 'changed_at', type: 'timestamptz', default: () => 'now()' })
  changedAt: Date;
}
