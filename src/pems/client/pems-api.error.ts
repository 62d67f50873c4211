/**
 * How the write-sync worker must treat a failed PEMS call (PEMS_CONTRACT.md, Errors):
 * retry it later, give up, resolve a version conflict, pause the server because its
 * credentials were rejected, or wait because PEMS asked the whole tenant to (Retry-After:
 * the call was not made).
 */
export type PemsErrorKind = 'retryable' | 'not_retryable' | 'version_conflict' | 'credentials_rejected' | 'tenant_paused';

export interface PemsApiErrorDetails {
  kind: PemsErrorKind;
  message: string;
  /** HTTP status, null when no answer came (timeout, connection refused or reset) or the call was never made. */
  status?: number | null;
  /** How long PEMS asked us to wait (Retry-After), in ms. */
  retryAfterMs?: number | null;
  /** The ErrorAlert Name PEMS answered with, if any. */
  errorName?: string | null;
}

/** Every failure of PemsClient. The message never carries credentials. */
export class PemsApiError extends Error {
  readonly kind: PemsErrorKind;
  readonly status: number | null;
  readonly retryAfterMs: number | null;
  readonly errorName: string | null;

  constructor(details: PemsApiErrorDetails) {
    super(details.message);
    this.name = 'PemsApiError';
    this.kind = details.kind;
    this.status = details.status ?? null;
    this.retryAfterMs = details.retryAfterMs ?? null;
    this.errorName = details.errorName ?? null;
  }
}
