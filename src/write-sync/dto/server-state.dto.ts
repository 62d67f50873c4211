import { IsUUID } from 'class-validator';

export class ServerStateQueryDto {
  @IsUUID()
  organizationId: string;
}

export class ServerStateUserDto {
  id: string;
  username: string;
}

export class CredentialsPauseStateDto {
  /** When PEMS first rejected the credentials. */
  since: Date;
  /** When one item is next sent to see whether they work again (a PUT with new credentials ends the pause at once). */
  until: Date | null;
  message: string | null;
}

export class WritesPauseStateDto {
  at: Date;
  /** Null when that user no longer exists. */
  by: ServerStateUserDto | null;
  reason: string;
}

/** The organization's PEMS server as the console shows it. Never credentials. */
export class ServerStateDto {
  /** False when the organization has no API server: every other field is then null. */
  configured: boolean;
  name: string | null;
  /** Without any user or password part. */
  baseUrl: string | null;
  tenant: string | null;
  writeEnabled: boolean | null;
  isActive: boolean | null;
  /** Requests per second in force for the server's PEMS tenant (shared by every organization on it). */
  rateLimitPerSecond: number | null;
  /** PEMS requests of the tenant in the last 60 s, from every organization and instance (counted when granted by the rate limiter). */
  sentLastMinute: number | null;
  /** Requests of the tenant in the last 10 s, divided by 10. */
  usedPerSecondNow: number | null;
  /** Set while the server's writes are paused because PEMS rejected its credentials. */
  credentialsPaused: CredentialsPauseStateDto | null;
  /** Set while an admin has paused the server's writes. */
  writesPaused: WritesPauseStateDto | null;
  /** The end of a tenant-wide Retry-After pause PEMS asked for; null when none holds now. */
  retryAfterUntil: Date | null;
}
