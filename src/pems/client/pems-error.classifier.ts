import { PEMS_HOST_NOT_ALLOWED } from '../../pems-hosts/pems-host-policy';
import { escapeControlCharacters } from '../../logging/control-characters';
import { PemsErrorKind } from './pems-api.error';

/**
 * Maps PEMS's answers and network failures to how the worker treats them
 * (PEMS_CONTRACT.md, Errors; SPEC §7).
 */
const VERSION_CONFLICT_ALERT = 'RecordUpdatedByAnotherUser';
const VERSION_CONFLICT_MESSAGE = /updated by another user/i;

export interface ErrorAlert {
  name: string | null;
  message: string | null;
}

/** The most of an ErrorAlert's Name and Message kept (they go into logs, errors and queue items). */
const MAX_ALERT_NAME_LENGTH = 100;
const MAX_ALERT_MESSAGE_LENGTH = 1000;

/** PEMS's text, kept as text: control characters escaped, cut at `max` characters. */
function upstreamText(value: string, max: number): string {
  const cut = value.length > max ? `${value.slice(0, max)}...` : value;
  return escapeControlCharacters(cut);
}

/** The first ErrorAlert of a body, if the body is one; its texts escaped and capped (upstreamText). */
export function readErrorAlert(body: unknown): ErrorAlert | null {
  if (typeof body !== 'object' || body === null) return null;
  const alerts = (body as Record<string, unknown>).ErrorAlert;
  const first = Array.isArray(alerts) ? alerts[0] : alerts;
  if (typeof first !== 'object' || first === null) return null;
  const { Name, Message } = first as Record<string, unknown>;
  return {
    name: typeof Name === 'string' ? upstreamText(Name, MAX_ALERT_NAME_LENGTH) : null,
    message: typeof Message === 'string' ? upstreamText(Message, MAX_ALERT_MESSAGE_LENGTH) : null,
  };
}

export function isVersionConflictAlert(alert: ErrorAlert | null): boolean {
  return alert !== null && (alert.name === VERSION_CONFLICT_ALERT || VERSION_CONFLICT_MESSAGE.test(alert.message ?? ''));
}

const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
/** 5xx that say the request itself can never work. */
const PERMANENT_SERVER_STATUSES = new Set([501, 505]);

export function classifyStatus(status: number, alert: ErrorAlert | null): PemsErrorKind {
  if (status === 401) return 'credentials_rejected';
  if (status === 409) return 'version_conflict';
  // Some EAM installations answer a stale recordid with 400 and the same ErrorAlert.
  if (isVersionConflictAlert(alert)) return 'version_conflict';
  if (RETRYABLE_STATUSES.has(status)) return 'retryable';
  if (status >= 500 && !PERMANENT_SERVER_STATUSES.has(status)) return 'retryable';
  return 'not_retryable';
}

/** Retry-After as delta seconds or an HTTP date, in ms from `now`; null when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** axios error codes that are the caller's own mistake, not trouble on the way to PEMS. */
const LOCAL_MISTAKE_CODES = new Set(['ERR_INVALID_URL', 'ERR_BAD_OPTION', 'ERR_BAD_OPTION_VALUE', 'ERR_NOT_SUPPORT', 'ERR_DEPRECATED']);

const NETWORK_DESCRIPTIONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed while sending',
  ETIMEDOUT: 'timed out',
  ECONNABORTED: 'timed out',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ERR_PEMS_SLOT_PASSED: 'not sent, the connection was not up before its send slot passed',
};

export interface NetworkFailure {
  kind: PemsErrorKind;
  description: string;
}

/**
 * A call that got no HTTP answer. Anything on the way to PEMS (timeouts, refused, reset,
 * "socket hang up", DNS) is worth retrying; only a request we could not even build is not.
 */
export function classifyNetworkFailure(code: string | undefined, message: string, timedOut: boolean): NetworkFailure {
  if (timedOut) return { kind: 'retryable', description: 'timed out' };
  if (code === PEMS_HOST_NOT_ALLOWED) return { kind: 'not_retryable', description: 'the host resolves to an address PEMS_ALLOWED_HOSTS does not allow' };
  if (code === 'ERR_BAD_RESPONSE' && /maxContentLength/.test(message)) return { kind: 'not_retryable', description: 'the answer was larger than pems-sync reads' };
  if (code && LOCAL_MISTAKE_CODES.has(code)) return { kind: 'not_retryable', description: `request could not be made (${code})` };
  if (/socket hang up/i.test(message)) return { kind: 'retryable', description: 'socket hang up' };
  if (code && NETWORK_DESCRIPTIONS[code]) return { kind: 'retryable', description: NETWORK_DESCRIPTIONS[code] };
  return { kind: 'retryable', description: `network error${code ? ` (${code})` : ''}` };
}
