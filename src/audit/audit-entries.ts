import { AuditAction } from '../common/audited.decorator';

/** A successful call of an @Audited endpoint, as the audit sees it. */
export interface AuditedCall {
  params: Record<string, string>;
  /** The request's JSON body, as validated (unknown fields were refused); {} without one. */
  body: Record<string, unknown>;
  /** The handler's answer. */
  answer: unknown;
  /** What the handler added (@AuditNote). */
  added: Record<string, unknown>;
}

/** What an entry says beyond who and when. */
export interface AuditFacts {
  /** Where the entry belongs when the request named no organization (a new organization is its own). */
  organizationId?: string;
  target: string | null;
  detail: Record<string, unknown>;
}

/** Lists longer than this keep their first entries and their length (a write-sync of 100,000 ids is not copied whole). */
const MAX_LISTED = 100;

type Json = Record<string, unknown>;
const asObject = (value: unknown): Json => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {});
const text = (value: unknown): string | null => (typeof value === 'string' || typeof value === 'number' ? String(value) : null);

/** The request's fields but the organization (the entry has its own column), long lists cut to MAX_LISTED with their length. */
function requestFields(body: Json): Json {
  const fields: Json = {};
  for (const [key, value] of Object.entries(body)) {
    if (key === 'organizationId') continue;
    if (Array.isArray(value) && value.length > MAX_LISTED) {
      fields[key] = value.slice(0, MAX_LISTED);
      fields[`${key}Total`] = value.length;
    } else fields[key] = value;
  }
  return fields;
}

/** The answer's counts: its numbers, and the length of each of its lists (`skipped` -> `skippedCount`). */
function counts(answer: unknown): Json {
  const found: Json = {};
  for (const [key, value] of Object.entries(asObject(answer))) {
    if (typeof value === 'number') found[key] = value;
    else if (Array.isArray(value)) found[`${key}Count`] = value.length;
  }
  return found;
}

/**
 * What each action's entry takes from its call. Record<AuditAction, …>: an action added to
 * AUDIT_ACTIONS does not compile until it says what its entry holds. Secrets never get here by
 * design (each entry picks its fields; the API server's update names the fields it changed, not
 * their values), and withoutSecrets drops any that would.
 */
export const AUDIT_ENTRIES: Record<AuditAction, (call: AuditedCall) => AuditFacts> = {
  'pfa.edit': ({ params, body, answer }) => {
    const modification = asObject(answer);
    return {
      target: text(modification.pfaId),
      detail: { recordId: params.id, modificationId: modification.id, changes: body.changes, changeReason: body.changeReason ?? null },
    };
  },
  'pfa.restore': ({ params, body, answer }) => {
    const modification = asObject(answer);
    return {
      target: text(modification.pfaId),
      detail: { recordId: params.id, version: body.version, modificationId: modification.id, changes: modification.changes, changeReason: body.changeReason },
    };
  },
  'modification.discard': ({ params, answer }) => ({ target: text(asObject(answer).pfaId), detail: { modificationId: params.id } }),
  'write-sync.send': ({ body, answer }) => ({ target: text(asObject(answer).jobId), detail: { ...requestFields(body), ...counts(answer) } }),
  'queue.retry': ({ body, answer }) => ({ target: null, detail: { ...requestFields(body), ...counts(answer) } }),
  // One item (POST /write-queue/:id/cancel, answered with the item) or many (a body of ids or a filter, answered with counts).
  'queue.cancel': ({ params, body, answer }) =>
    params.id ? { target: params.id, detail: { pfaId: asObject(answer).pfaId } } : { target: null, detail: { ...requestFields(body), ...counts(answer) } },
  'server.pause': ({ body, answer, added }) => ({ target: text(asObject(answer).id), detail: { reason: body.reason, ...added } }),
  'server.resume': ({ answer, added }) => ({ target: text(asObject(answer).id), detail: { ...added } }),
  'conflict.resolve': ({ params, body, answer }) => ({
    target: params.conflictId,
    detail: { resolution: body.resolution, mergedData: body.mergedData ?? null, appliedFields: Object.keys(asObject(asObject(answer).appliedChanges)) },
  }),
  'read-sync.start': ({ body, answer }) => ({ target: null, detail: { confirmDeletions: body.confirmDeletions ?? false, ...counts(answer) } }),
  // Which fields changed (credentials as one "credentials"), never their values: the body carries the password or API key.
  'admin.api-server.update': ({ answer, added }) => ({ target: text(asObject(answer).id), detail: { ...added } }),
  'admin.organization.create': ({ answer }) => {
    const organization = asObject(answer);
    return { organizationId: text(organization.id) ?? undefined, target: text(organization.code), detail: { code: organization.code, name: organization.name } };
  },
  // The body carries the new user's password: only these fields are taken.
  'admin.user.create': ({ body, answer }) => ({
    target: text(asObject(answer).userId),
    detail: { username: body.username, email: body.email, permissions: body.permissions },
  }),
  'admin.member.update': ({ params, body, answer }) => ({
    target: params.userId,
    detail: { username: asObject(answer).username, permissions: body.permissions },
  }),
  // The body carries the webhook's secret, and its URL may hold the receiver's token: which fields changed and the URL's origin, never a value of either.
  'admin.webhook.update': ({ answer, added }) => ({ target: text(asObject(answer).id), detail: { ...added } }),
  'admin.webhook.delete': ({ answer, added }) => ({ target: text(asObject(answer).id), detail: { ...added } }),
};

/** Keys that name a secret, wherever they appear. */
const SECRET_KEY = /pass(word)?|secret|api[-_]?key|token|credential|authorization/i;

/**
 * The detail without any field whose name says it holds a secret, at any depth; a field that
 * only names which fields changed (a list of names) is kept. The entries above never put a
 * secret in; this is the second lock.
 */
export function withoutSecrets(detail: Json): Json {
  const clean = (value: unknown, depth: number): unknown => {
    if (Array.isArray(value)) return value.map((item) => clean(item, depth + 1));
    if (!value || typeof value !== 'object' || depth > 16) return value;
    const kept: Json = {};
    for (const [key, inner] of Object.entries(value as Json)) {
      if (SECRET_KEY.test(key)) continue;
      kept[key] = clean(inner, depth + 1);
    }
    return kept;
  };
  return clean(detail, 0) as Json;
}
