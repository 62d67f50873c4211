import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Requests under one key (throttler, route and user) in the current window (PostgresThrottlerStorage). */
@Entity('request_throttle')
export class RequestThrottle {
  @PrimaryColumn({ type: 'varchar', length: 400 })
  key: string;

  @Column({ type: 'integer' })
  hits: number;

  @Column({ name: 'window_ends_at', type: 'timestamptz' })
  windowEndsAt: Date;

  @Column({ name: 'blocked_until', type: 'timestamptz', nullable: true })
  blockedUntil: Date | null;
}
