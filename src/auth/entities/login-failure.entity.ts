import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Failed logins under one key (`username:<name>` or `address:<ip>`) in the current window (LoginThrottle). */
@Entity('login_failures')
export class LoginFailure {
  @PrimaryColumn({ type: 'varchar', length: 400 })
  key: string;

  @Column({ type: 'integer' })
  failures: number;

  @Column({ name: 'window_started_at', type: 'timestamptz' })
  windowStartedAt: Date;
}
