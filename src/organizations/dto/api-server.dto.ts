import { IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, IsUrl, Length, Max, MaxLength, Min } from 'class-validator';
import { PemsAuthType } from '../entities/api-server.entity';
import { IsPemsFieldMap } from './is-pems-field-map.validator';

/** The PEMS API server of an organization. Credentials are write-only: left out, the stored ones are kept. */
export class UpsertApiServerDto {
  @IsString()
  @Length(1, 255)
  name: string;

  /** e.g. https://us1.eam.hxgnsmartcloud.com:443/axis/restservices */
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  @MaxLength(2048)
  baseUrl: string;

  @IsString()
  @Length(1, 255)
  tenant: string;

  @IsIn(['basic', 'api_key'])
  authType: PemsAuthType;

  /** For authType basic. */
  @IsOptional()
  @IsString()
  @Length(1, 255)
  username?: string;

  /** For authType basic. Never returned. */
  @IsOptional()
  @IsString()
  @Length(1, 1024)
  password?: string;

  /** For authType api_key. Never returned. */
  @IsOptional()
  @IsString()
  @Length(1, 1024)
  apiKey?: string;

  @IsOptional()
  @IsBoolean()
  writeEnabled?: boolean;

  @IsOptional()
  @IsBoolean()
  isActive?: boolean;

  /**
   * Requests per second the server's PEMS tenant allows, one value for the tenant whichever
   * organizations use it (PEMS_RATE_LIMIT_PER_SECOND until set). Only a superadmin changes it; an
   * organization admin may send the current value back (403 for another). Left out: unchanged.
   */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  rateLimitPerSecond?: number;

  /** One call's timeout; PEMS_REQUEST_TIMEOUT_MS when left out. */
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(600000)
  timeoutMs?: number;

  /** PFA field -> PEMS field name, overriding the default map, e.g. {"monthlyRate": "PFS_F_MONTHLYRATE"}. */
  @IsOptional()
  @IsObject()
  @IsPemsFieldMap()
  fieldMap?: Record<string, string>;
}

/** A user as an answer names them: who paused a server's writes, who did an audited action. */
export class UserRefDto {
  id: string;
  username: string;
}

export class ApiServerDto {
  id: string;
  organizationId: string;
  name: string;
  baseUrl: string;
  tenant: string;
  authType: PemsAuthType;
  /** The username, for basic auth; passwords and keys are never shown. */
  username: string | null;
  hasCredentials: boolean;
  credentialsUpdatedAt: Date;
  /** Set while writes are paused because PEMS rejected the credentials; a PUT with new credentials ends it. */
  authPausedUntil: Date | null;
  authFailureMessage: string | null;
  /** Set while an admin has paused the server's writes (POST …/api-server/pause); nothing is claimed or sent meanwhile. */
  writesPausedAt: Date | null;
  /** Who paused them; null while not paused (or when that user no longer exists). */
  writesPausedBy: UserRefDto | null;
  /** Why, as the admin gave it (1 to 500 characters); null while not paused. */
  writesPauseReason: string | null;
  writeEnabled: boolean;
  isActive: boolean;
  /** The tenant's rate limit, shared by every organization on the tenant. */
  rateLimitPerSecond: number;
  timeoutMs: number | null;
  fieldMap: Record<string, string> | null;
  updatedAt: Date;
}

/** A change of the API server, as the audit keeps it. */
export class ApiServerChangeDto {
  id: string;
  changedAt: Date;
  /** The username of who changed it; null when the service itself did (demo mode, seeding). */
  changedBy: string | null;
  action: 'created' | 'updated';
  /**
   * Each changed field's value before and after, e.g. {"baseUrl": {"from": "https://a…", "to": "https://b…"}}.
   * Secrets never appear: a credentials change is {"credentials": {"from": "stored", "to": "given"}}.
   */
  changes: Record<string, { from: unknown; to: unknown }>;
}

export class ApiServerChangePageDto {
  items: ApiServerChangeDto[];
  total: number;
  page: number;
  pageSize: number;
}
