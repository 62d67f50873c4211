import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import request from 'supertest';
import { ConflictStore } from '../../src/conflicts/conflict-store';
import { PfaSyncConflict } from '../../src/conflicts/entities/pfa-sync-conflict.entity';
import { Organization } from '../../src/organizations/entities/organization.entity';
import { OrganizationsService } from '../../src/organizations/organizations.service';
import { ModificationDto } from '../../src/pfa/dto/pfa-record.dto';
import { PfaModification } from '../../src/pfa/entities/pfa-modification.entity';
import { PfaRecord } from '../../src/pfa/entities/pfa-record.entity';
import { PfaModificationsService } from '../../src/pfa/pfa-modifications.service';
import { WebhooksService } from '../../src/webhooks/webhooks.service';
import { Permission } from '../../src/auth/entities/user-organization.entity';
import { PfaWriteQueueItem } from '../../src/write-queue/entities/pfa-write-queue.entity';
import { Fixtures, TestUser, craneData } from './fixtures';
import { TestApp } from './test-app';

/**
 * Every endpoint of the API in one table, read by the authorization matrix, the malformed
 * request suite and the OpenAPI check. A new endpoint is one more row in ENDPOINTS: its
 * route as the controller declares it, who may call it, where the guard finds the
 * organization, and a request that a caller holding the permission gets `allowed` for.
 */

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Where the organization whose permission is checked comes from. */
export type OrganizationFrom =
  /** `?organizationId=`: a non-member gets 403. */
  | 'query'
  /** `organizationId` in the JSON body: a non-member gets 403. */
  | 'body'
  /** The route parameter is the organization's id (admin routes): a non-member gets 404. */
  | 'param'
  /** The organization of the resource addressed by the route parameter: a non-member gets 404. */
  | 'resource';

export type Access = { kind: 'public' } | { kind: 'any user' } | { kind: 'superadmin' } | { kind: 'permission'; permission: Permission; organizationFrom: OrganizationFrom };

export const PUBLIC: Access = { kind: 'public' };
export const ANY_USER: Access = { kind: 'any user' };
export const SUPERADMIN: Access = { kind: 'superadmin' };
export const needs = (permission: Permission, organizationFrom: OrganizationFrom): Access => ({ kind: 'permission', permission, organizationFrom });

/**
 * The data every row's builders draw on: organization A (where the callers' rights are
 * checked) and B (the other one), each with a record, an edit waiting in it, a PEMS API
 * server, an inactive webhook, and the write-sync state of three more edits of that record: a pending queue item,
 * a failed one and an unresolved conflict; and `member`, a plain member of A (the author of
 * A's edits, a target for member changes, and the login of the login row).
 */
export interface CatalogueContext {
  organization: Organization;
  otherOrganization: Organization;
  record: PfaRecord;
  otherRecord: PfaRecord;
  modification: ModificationDto;
  otherModification: ModificationDto;
  /** Pending, due tomorrow: cancellable, and no worker takes it meanwhile. */
  queueItem: PfaWriteQueueItem;
  otherQueueItem: PfaWriteQueueItem;
  /** Failed after its retries (a 503): retryable. */
  failedQueueItem: PfaWriteQueueItem;
  otherFailedQueueItem: PfaWriteQueueItem;
  /** Unresolved, on monthlyRate. */
  conflict: PfaSyncConflict;
  otherConflict: PfaSyncConflict;
  member: TestUser;
  /** A fresh name on each call, for rows that create something with a unique key. */
  unique(prefix: string): string;
}

export interface Endpoint {
  method: HttpMethod;
  /** As the router declares it, with the /api prefix: '/api/pfa/:id'. */
  route: string;
  access: Access;
  params?: (context: CatalogueContext) => Record<string, string>;
  query?: (context: CatalogueContext) => Record<string, string | number>;
  body?: (context: CatalogueContext) => Record<string, unknown>;
  /** Fields of `query` or `body` that may be left out (null is not an error for them). */
  optional?: string[];
  /** What a caller holding the permission gets for the request the builders make. */
  allowed: number;
  /**
   * An endless text/event-stream (SSE). `send` answers as soon as the stream's headers
   * arrive, with `{ stream: <content type> }` as the body, and closes the connection; a
   * refusal (401, 403, 404, 400) is an ordinary JSON answer.
   */
  stream?: true;
}

/** A day either side of now, as a queue filter's `from` and `to`. */
function aroundNow(): { from: string; to: string } {
  return { from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date(Date.now() + 86_400_000).toISOString() };
}

export const ENDPOINTS: Endpoint[] = [
  {
    method: 'post',
    route: '/api/auth/login',
    access: PUBLIC,
    body: (context) => ({ username: context.member.user.username, password: context.member.password }),
    allowed: 200,
  },
  { method: 'get', route: '/api/auth/me', access: ANY_USER, allowed: 200 },
  // The caller's own notifications: user-scoped, so any user may call it, and organizationId only filters.
  {
    method: 'get',
    route: '/api/notifications',
    access: ANY_USER,
    query: (context) => ({ unread: 'true', organizationId: context.organization.id, page: 1, pageSize: 20 }),
    optional: ['unread', 'organizationId', 'page', 'pageSize'],
    allowed: 200,
  },
  {
    method: 'post',
    route: '/api/notifications/read',
    access: ANY_USER,
    // The other form, `all: true`, cannot be given together with `ids`; ids not the caller's are left alone.
    body: () => ({ ids: [randomUUID()] }),
    allowed: 200,
  },
  {
    method: 'get',
    route: '/api/pfa',
    access: needs('perm_Read', 'query'),
    query: (context) => ({ organizationId: context.organization.id, search: 'crane', sort: 'forecastEnd', order: 'desc', page: 1, pageSize: 20 }),
    optional: ['search', 'sort', 'order', 'page', 'pageSize'],
    allowed: 200,
  },
  {
    method: 'get',
    route: '/api/pfa/:id',
    access: needs('perm_Read', 'resource'),
    params: (context) => ({ id: context.record.id }),
    allowed: 200,
  },
  {
    method: 'patch',
    route: '/api/pfa/:id',
    access: needs('perm_Edit', 'resource'),
    params: (context) => ({ id: context.record.id }),
    body: () => ({ changes: { monthlyRate: 14500 }, changeReason: 'Longer hire' }),
    optional: ['changeReason'],
    allowed: 201,
  },
  {
    method: 'get',
    route: '/api/pfa/:id/restore-preview',
    access: needs('perm_Read', 'resource'),
    params: (context) => ({ id: context.record.id }),
    // The record's only version (fixtures.record's): its forecastEnd and model have unsynced edits since.
    query: (context) => ({ version: context.record.version }),
    allowed: 200,
  },
  {
    method: 'post',
    route: '/api/pfa/:id/restore',
    access: needs('perm_Edit', 'resource'),
    params: (context) => ({ id: context.record.id }),
    body: (context) => ({ version: context.record.version, changeReason: 'Back to the plan we agreed' }),
    allowed: 201,
  },
  {
    method: 'get',
    route: '/api/pfa/modifications',
    access: needs('perm_Read', 'query'),
    query: (context) => ({ organizationId: context.organization.id, status: 'pending', recordId: context.record.id, mine: 'true', unsynced: 'true', page: 1, pageSize: 20 }),
    optional: ['status', 'recordId', 'mine', 'unsynced', 'page', 'pageSize'],
    allowed: 200,
  },
  {
    method: 'delete',
    route: '/api/pfa/modifications/:id',
    access: needs('perm_Edit', 'resource'),
    params: (context) => ({ id: context.modification.id }),
    allowed: 200,
  },
  {
    method: 'post',
    route: '/api/admin/organizations',
    access: SUPERADMIN,
    body: (context) => ({ code: context.unique('ORG'), name: 'A new project' }),
    allowed: 201,
  },
  {
    method: 'get',
    route: '/api/admin/organizations/:id/api-server',
    access: needs('perm_Admin', 'param'),
    params: (context) => ({ id: context.organization.id }),
    allowed: 200,
  },
  {
    method: 'get',
    route: '/api/admin/organizations/:id/api-server/changes',
    access: needs('perm_Admin', 'param'),
    params: (context) => ({ id: context.organization.id }),
    query: () => ({ page: 1, pageSize: 20 }),
    optional: ['page', 'pageSize'],
    allowed: 200,
  },
  {
    method: 'put',
    route: '/api/admin/organizations/:id/api-server',
    access: needs('perm_Admin', 'param'),
    params: (context) => ({ id: context.organization.id }),
    body: () => ({
      name: 'PEMS production',
      baseUrl: 'https://pems.example.com/axis/restservices',
      tenant: 'ACME_PRD',
      authType: 'basic',
      username: 'svc-pems',
      password: 'a-new-pems-password',
      writeEnabled: true,
      // The tenant's current rate (PEMS_RATE_LIMIT_PER_SECOND): an organization admin may send it back, not change it.
      rateLimitPerSecond: 10,
      fieldMap: { monthlyRate: 'PFS_F_MONTHLYRATE' },
    }),
    optional: ['username', 'password', 'writeEnabled', 'rateLimitPerSecond', 'fieldMap'],
    allowed: 200,
  },
  {
    method: 'post',
    route: '/api/admin/organizations/:id/api-server/pause',
    access: needs('perm_Admin', 'param'),
    params: (context) => ({ id: context.organization.id }),
    body: () => ({ reason: 'PEMS maintenance until 14:00' }),
    allowed: 200,
  },
  {
    method: 'post',
    route: '/api/admin/organizations/:id/api-server/resume',
    access: needs('perm_Admin', 'param'),
    params: (context) => ({ id: context.organization.id }),
    allowed: 200,
  },
  {
    method: 'get',
    route: '/api/admin/organizations/:id/webhook',
    access: needs('perm_Admin', 'param'),
    params: (context) => ({ id: context.organization.id }),
    allowed: 200,
  },
  {
    method: 'put',
    route: '/api/admin/organizations/:id/webhook',
    access: needs('perm_Admin', 'param'),
    params: (context) => ({ id: context.organization.id }),
    // Left inactive: nothing the other rows do may queue a delivery for a dispatcher to change while a test compares snapshots.
    body: () => ({ url: 'http://127.0.0.1:9/hooks/pems-sync', secret: 'a-new-webhook-signing-secret', events: ['sync.failed', 'conflict.created'], active: false }),
    optional: ['secret', 'events', 'active'],
    allowed: 200,
  },
  {
    method: 'delete',
    route: '/api/admin/organizations/:id/webhook',
    access: needs('perm_Admin', 'param'),
    params: (context) => ({ id: context.organization.id }),
    allowed: 200,
  },
  {
    method: 'get',
    route: '/api/admin/organizations/:id/webhook/deliveries',
    access: needs('perm_Admin', 'param'),
    params: (context) => ({ id: context.organization.id }),
    query: () => ({ status: 'pending', page: 1, pageSize: 20 }),
    optional: ['status', 'page', 'pageSize'],
    allowed: 200,
  },
  {
    method: 'post',
    route: '/api/admin/users',
    access: needs('perm_Admin', 'body'),
    body: (context) => ({
      username: context.unique('user'),
      email: 'new.user@example.com',
      password: 'a long enough password',
      organizationId: context.organization.id,
      permissions: ['perm_Read', 'perm_Edit'],
    }),
    allowed: 201,
  },
  {
    method: 'put',
    route: '/api/admin/organizations/:id/members/:userId',
    access: needs('perm_Admin', 'param'),
    params: (context) => ({ id: context.organization.id, userId: context.member.user.id }),
    body: () => ({ permissions: ['perm_Read', 'perm_Sync'] }),
    allowed: 200,
  },
  {
    method: 'post',
    route: '/api/pems/read-sync',
    access: needs('perm_Sync', 'body'),
    body: (context) => ({ organizationId: context.organization.id, confirmDeletions: false }),
    optional: ['confirmDeletions'],
    // The context's PEMS servers point at a closed loopback port: the sync is let through and PEMS is unreachable.
    allowed: 502,
  },
  {
    method: 'post',
    route: '/api/pems/write-sync',
    access: needs('perm_Sync', 'body'),
    body: (context) => ({ organizationId: context.organization.id, modificationIds: [context.modification.id], priority: 7, mine: false }),
    optional: ['modificationIds', 'priority', 'mine'],
    allowed: 200,
  },
  {
    method: 'get',
    route: '/api/pems/sync-status',
    access: needs('perm_Read', 'query'),
    query: (context) => ({ organizationId: context.organization.id, status: 'pending' }),
    optional: ['status'],
    allowed: 200,
  },
  {
    method: 'get',
    route: '/api/pems/sync-status/timeline',
    access: needs('perm_Read', 'query'),
    query: (context) => ({ organizationId: context.organization.id, minutes: 90 }),
    optional: ['minutes'],
    allowed: 200,
  },
  {
    method: 'get',
    route: '/api/pems/conflicts',
    access: needs('perm_Read', 'query'),
    query: (context) => ({ organizationId: context.organization.id, status: 'unresolved', page: 1, pageSize: 20 }),
    optional: ['status', 'page', 'pageSize'],
    allowed: 200,
  },
  {
    method: 'get',
    route: '/api/pems/conflicts/:conflictId',
    access: needs('perm_Read', 'resource'),
    params: (context) => ({ conflictId: context.conflict.id }),
    allowed: 200,
  },
  {
    method: 'post',
    route: '/api/pems/conflicts/:conflictId/check',
    access: needs('perm_Sync', 'resource'),
    params: (context) => ({ conflictId: context.conflict.id }),
    // Not a merge: the values of mergedData are what this endpoint judges (answered 200 with valid false), not a malformed request.
    body: () => ({ resolution: 'use_local' }),
    allowed: 200,
  },
  {
    method: 'post',
    route: '/api/pems/conflicts/resolve',
    access: needs('perm_Sync', 'body'),
    // The other form, `filter`, cannot be given with conflictIds.
    body: (context) => ({ organizationId: context.organization.id, conflictIds: [context.conflict.id], resolution: 'use_pems' }),
    allowed: 200,
  },
  {
    method: 'post',
    route: '/api/pems/conflicts/:conflictId/resolve',
    access: needs('perm_Sync', 'resource'),
    params: (context) => ({ conflictId: context.conflict.id }),
    body: () => ({ resolution: 'merge', mergedData: { monthlyRate: 13500 } }),
    allowed: 200,
  },
  {
    method: 'get',
    route: '/api/pems/write-queue',
    access: needs('perm_Read', 'query'),
    query: (context) => ({ organizationId: context.organization.id, status: 'pending', ...aroundNow(), pfaId: context.record.pfaId, page: 1, pageSize: 20 }),
    optional: ['status', 'from', 'to', 'pfaId', 'page', 'pageSize'],
    allowed: 200,
  },
  {
    method: 'get',
    route: '/api/pems/write-queue/:id',
    access: needs('perm_Read', 'resource'),
    params: (context) => ({ id: context.queueItem.id }),
    allowed: 200,
  },
  {
    method: 'post',
    route: '/api/pems/write-queue/retry',
    access: needs('perm_Sync', 'body'),
    body: (context) => ({ organizationId: context.organization.id, ids: [context.failedQueueItem.id] }),
    optional: ['ids'],
    allowed: 200,
  },
  {
    method: 'post',
    route: '/api/pems/write-queue/cancel',
    access: needs('perm_Sync', 'body'),
    // The other form, `ids`, is the retry row's; the two cannot be given together.
    body: (context) => ({ organizationId: context.organization.id, filter: { status: 'pending', ...aroundNow(), pfaId: context.record.pfaId } }),
    optional: ['filter'],
    allowed: 200,
  },
  {
    method: 'post',
    route: '/api/pems/write-queue/:id/cancel',
    access: needs('perm_Sync', 'resource'),
    params: (context) => ({ id: context.queueItem.id }),
    allowed: 200,
  },
  {
    method: 'get',
    route: '/api/pems/server-state',
    access: needs('perm_Read', 'query'),
    query: (context) => ({ organizationId: context.organization.id }),
    allowed: 200,
  },
  {
    method: 'get',
    route: '/api/audit',
    access: needs('perm_Admin', 'query'),
    query: (context) => ({ organizationId: context.organization.id, action: 'pfa.edit', page: 1, pageSize: 20 }),
    optional: ['action', 'page', 'pageSize'],
    allowed: 200,
  },
  {
    method: 'get',
    route: '/api/pems/events',
    access: needs('perm_Read', 'query'),
    query: (context) => ({ organizationId: context.organization.id }),
    allowed: 200,
    stream: true,
  },
  { method: 'get', route: '/health', access: PUBLIC, allowed: 200 },
  { method: 'get', route: '/metrics', access: PUBLIC, allowed: 200 },
];

export const endpointName = (endpoint: Endpoint): string => `${endpoint.method.toUpperCase()} ${endpoint.route}`;

/** The route with its parameters filled in; a parameter left out of `params` stays as written. */
export function pathOf(endpoint: Endpoint, params: Record<string, string> = {}): string {
  return endpoint.route.replace(/:([A-Za-z]+)/g, (whole, name: string) => (name in params ? encodeURIComponent(params[name]) : whole));
}

/** The path as an OpenAPI document names it: '/api/pfa/{id}'. */
export const openApiPathOf = (endpoint: Endpoint): string => endpoint.route.replace(/:([A-Za-z]+)/g, '{$1}');

export interface RequestOverrides {
  token?: string;
  params?: Record<string, string>;
  query?: Record<string, unknown> | string;
  body?: unknown;
  /** Sent as it is, with `contentType` (application/json unless given). */
  rawBody?: string;
  contentType?: string;
}

/** The row's request, with anything overridden; a raw query string is appended as it is. */
export function send(testApp: TestApp, endpoint: Endpoint, context: CatalogueContext, overrides: RequestOverrides = {}): request.Test {
  const params = overrides.params ?? endpoint.params?.(context) ?? {};
  let path = pathOf(endpoint, params);
  const query = 'query' in overrides ? overrides.query : endpoint.query?.(context);
  if (typeof query === 'string') path += `?${query}`;
  let call = request(testApp.app.getHttpServer())[endpoint.method](path);
  if (endpoint.stream) call = call.buffer(true).parse(untilStreamOpens as unknown as Parameters<request.Test['parse']>[0]);
  if (query && typeof query === 'object') call = call.query(query as Record<string, string>);
  if (overrides.token) call = call.set('Authorization', `Bearer ${overrides.token}`);
  if (overrides.rawBody !== undefined) return call.set('Content-Type', overrides.contentType ?? 'application/json').send(overrides.rawBody);
  const body = 'body' in overrides ? overrides.body : endpoint.body?.(context);
  return body === undefined ? call : call.send(body as object);
}

/**
 * A superagent parser for stream rows: an event stream is done as soon as it opens (its
 * connection is closed, which ends the server's subscription); anything else is read whole,
 * JSON as JSON.
 */
function untilStreamOpens(response: IncomingMessage, callback: (error: Error | null, body: unknown) => void): void {
  const contentType = response.headers['content-type'] ?? '';
  if (contentType.startsWith('text/event-stream')) {
    response.destroy();
    callback(null, { stream: contentType });
    return;
  }
  let text = '';
  response.setEncoding('utf8');
  response.on('data', (chunk: string) => (text += chunk));
  response.on('end', () => {
    try {
      callback(null, /json/.test(contentType) && text ? JSON.parse(text) : text);
    } catch (error) {
      callback(error as Error, undefined);
    }
  });
}

/**
 * The same context seen from B: its organization, record and edit where A's were. A row's
 * `params` built from it address B's resources. A new pair of resources added to the
 * context is swapped here too.
 */
export function mirrored(context: CatalogueContext): CatalogueContext {
  return {
    ...context,
    organization: context.otherOrganization,
    otherOrganization: context.organization,
    record: context.otherRecord,
    otherRecord: context.record,
    modification: context.otherModification,
    otherModification: context.modification,
    queueItem: context.otherQueueItem,
    otherQueueItem: context.queueItem,
    failedQueueItem: context.otherFailedQueueItem,
    otherFailedQueueItem: context.failedQueueItem,
    conflict: context.otherConflict,
    otherConflict: context.conflict,
  };
}

/** A closed port on loopback: a call to PEMS fails at once, without a timeout. */
export const UNREACHABLE_PEMS = 'http://127.0.0.1:9/axis/restservices';

interface WriteSyncState {
  queueItem: PfaWriteQueueItem;
  failedQueueItem: PfaWriteQueueItem;
  conflict: PfaSyncConflict;
}

/**
 * Three edits of `record` by `author`, each taken out of `pending` before the next (an
 * author's pending edit would absorb the next one): one queued (its item pending, due
 * tomorrow), one failed, one in conflict. The item due tomorrow comes first in the record's
 * order, so whatever the rows queue for this record waits behind it: the worker never sends
 * to the unreachable PEMS while a test compares database snapshots.
 */
async function writeSyncState(testApp: TestApp, record: PfaRecord, author: TestUser): Promise<WriteSyncState> {
  const edits = testApp.app.get(PfaModificationsService);
  const dataSource = testApp.dataSource;
  const modifications = dataSource.getRepository(PfaModification);
  const items = dataSource.getRepository(PfaWriteQueueItem);
  const itemOf = (modification: PfaModification, fields: Partial<PfaWriteQueueItem>) =>
    items.save(
      items.create({
        modificationId: modification.id,
        organizationId: record.organizationId,
        pfaId: record.pfaId,
        payload: { changes: modification.changes, baseVersion: modification.baseVersion },
        jobId: randomUUID(),
        ...fields,
      }),
    );
  const editAndSet = async (changes: Record<string, unknown>, status: PfaModification['status'], syncError: string | null = null) => {
    const { id } = await edits.edit(record.id, author.user, { changes });
    await modifications.update(id, { status, syncError });
    return modifications.findOneByOrFail({ id });
  };

  const queued = await editAndSet({ forecastEnd: '2026-10-31' }, 'queued');
  const queueItem = await itemOf(queued, { status: 'pending', scheduledAt: new Date(Date.now() + 24 * 3600_000) });

  const failedError = 'PEMS answered 503 Service Unavailable (gave up after 3 retries)';
  const failed = await editAndSet({ isFundsTransferable: false }, 'failed', failedError);
  const failedQueueItem = await itemOf(failed, {
    status: 'failed',
    retryCount: 3,
    lastError: failedError,
    lastStatusCode: 503,
    lastAttemptAt: new Date(),
    completedAt: new Date(),
  });

  // In `conflict`, as the worker leaves the modification of an unresolved conflict (a resolution moves it on from there).
  const conflicted = await editAndSet({ monthlyRate: 13000 }, 'conflict', 'VERSION_CONFLICT: PEMS changed monthlyRate meanwhile');
  const conflictItem = await itemOf(conflicted, { status: 'failed', lastError: 'VERSION_CONFLICT', lastStatusCode: 409, lastAttemptAt: new Date(), completedAt: new Date() });
  const conflict = await dataSource.transaction((manager) =>
    testApp.app.get(ConflictStore).record(manager, {
      modification: conflicted,
      pfaId: record.pfaId,
      queueItemId: conflictItem.id,
      pemsVersion: record.version + 1,
      conflictFields: ['monthlyRate'],
      localData: { monthlyRate: 13000 },
      pemsData: { monthlyRate: 12500 },
      baseData: { monthlyRate: conflicted.baseValues.monthlyRate ?? null },
    }),
  );
  return { queueItem, failedQueueItem, conflict };
}

/** Organizations A and B, each with a PEMS API server, a record, a pending edit of it and the write-sync state of writeSyncState; see CatalogueContext. */
export async function buildCatalogueContext(testApp: TestApp, fixtures: Fixtures): Promise<CatalogueContext> {
  const organization = await fixtures.organization('ALPHA');
  const otherOrganization = await fixtures.organization('BRAVO');
  const member = await fixtures.user('member', [[organization, ['perm_Read', 'perm_Edit']]]);
  const otherMember = await fixtures.user('other-member', [[otherOrganization, ['perm_Read', 'perm_Edit']]]);
  const organizations = testApp.app.get(OrganizationsService);
  for (const [target, tenant] of [
    [organization, 'ALPHA_PRD'],
    [otherOrganization, 'BRAVO_PRD'],
  ] as const) {
    await organizations.upsertApiServer(target.id, {
      name: `${tenant} server`,
      baseUrl: UNREACHABLE_PEMS,
      tenant,
      authType: 'basic',
      username: 'svc-pems',
      password: `${tenant}-secret-password`,
      writeEnabled: true,
    });
  }
  const record = await fixtures.record(organization, 'PFA-1001', craneData(), 3);
  const otherRecord = await fixtures.record(otherOrganization, 'PFA-9001', craneData(), 5);
  const state = await writeSyncState(testApp, record, member);
  const otherState = await writeSyncState(testApp, otherRecord, otherMember);
  // Each organization has a webhook, inactive, so that no delivery is ever queued for the dispatcher to move while a test compares snapshots.
  for (const target of [organization, otherOrganization]) {
    await testApp.app.get(WebhooksService).upsert(target.id, { url: 'http://127.0.0.1:9/hooks/pems-sync', secret: `${target.code}-webhook-signing-secret`, active: false });
  }
  const edits = testApp.app.get(PfaModificationsService);
  const modification = await edits.edit(record.id, member.user, { changes: { model: 'LR 1350' } });
  const otherModification = await edits.edit(otherRecord.id, otherMember.user, { changes: { model: 'LR 1350' } });
  let counter = 0;
  return {
    organization,
    otherOrganization,
    record,
    otherRecord,
    modification,
    otherModification,
    queueItem: state.queueItem,
    otherQueueItem: otherState.queueItem,
    failedQueueItem: state.failedQueueItem,
    otherFailedQueueItem: otherState.failedQueueItem,
    conflict: state.conflict,
    otherConflict: otherState.conflict,
    member,
    unique: (prefix) => `${prefix}-${Date.now().toString(36)}-${(counter += 1)}`,
  };
}
