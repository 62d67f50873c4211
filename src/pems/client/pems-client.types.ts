import { PfaData } from '../../validation/pfa-fields';

/** One PEMS API server as the client needs it (credentials already decrypted). */
export interface PemsConnection {
  baseUrl: string;
  tenant: string;
  /** The tenant this server counts against for the rate limit (pemsTenantKey). */
  tenantKey: string;
  organizationCode: string;
  authType: 'basic' | 'api_key';
  username?: string;
  password?: string;
  apiKey?: string;
  timeoutMs: number;
  rateLimitPerSecond: number;
  /** PFA field -> PEMS field name overrides of PEMS_CONTRACT.md's defaults. */
  fieldMap?: Record<string, string> | null;
}

/**
 * A PEMS record in PFA terms. `data` holds the fields PEMS sent (a field PEMS left out is
 * absent, not null); `version` is PEMS's `recordid`.
 */
export interface PemsRecord {
  pfaId: string;
  version: number;
  data: PfaData;
  lastModified: string | null;
}

export interface PemsRecordPage {
  records: PemsRecord[];
  /** PEMS's RECORDS count when it sent one: informative only, it never ends a walk (EAM's count can be stale). */
  total: number | null;
  /** Where the next page starts; null on the last page. */
  nextCursor: number | null;
}
