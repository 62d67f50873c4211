/**
 * Generated from the API's OpenAPI document (GET /api/docs-json) by openapi-typescript: do not edit.
 * Regenerate with `npm run openapi:types`; test/openapi-types.e2e-spec.ts fails while this file
 * differs from what the API serves.
 */

export interface paths {
  '/api/admin/organizations': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Create an organization (superadmin) */
    post: operations['AdminController_createOrganization'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/admin/organizations/{id}/api-server': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The organization's PEMS API server (credentials are never returned) */
    get: operations['AdminController_getApiServer'];
    /**
     * Set the organization's PEMS API server
     * @description The host must be one the deployment allows (PEMS_ALLOWED_HOSTS), else 400 HOST_NOT_ALLOWED. Credentials are write-only: left out, the stored ones are kept, but only while the base URL's origin, the tenant and the auth type stay the same. Every change is kept in the audit (GET …/api-server/changes).
     */
    put: operations['AdminController_putApiServer'];
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/admin/organizations/{id}/api-server/changes': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The audit of the organization's PEMS API server: every change, newest first (secrets are never shown) */
    get: operations['AdminController_getApiServerChanges'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/admin/organizations/{id}/api-server/pause': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Pause the organization's writes to PEMS (a maintenance window)
     * @description Nothing of the organization is claimed or sent until resumed: queued items stay pending (a send already on its way finishes). sync-status turns degraded and says why; server.paused goes to the event stream. Pausing a paused server changes nothing (200, the first pause stays).
     */
    post: operations['ServerWritesPauseController_pause'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/admin/organizations/{id}/api-server/resume': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Resume the organization's writes to PEMS
     * @description The workers of every instance are woken: the pending items are sent at once. Resuming a server that is not paused changes nothing (200).
     */
    post: operations['ServerWritesPauseController_resume'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/admin/organizations/{id}/members/{userId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    /**
     * Set a user's permissions in the organization (adds the membership if needed)
     * @description An organization admin reaches only users they already administer: members of this organization, or of another one where they hold perm_Admin (never a superadmin). Anyone else is 404, as if they did not exist. New people are created with POST /api/admin/users.
     */
    put: operations['AdminController_putMember'];
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/admin/organizations/{id}/webhook': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The organization's webhook (the secret is never returned) */
    get: operations['WebhooksController_get'];
    /**
     * Set the organization's webhook
     * @description conflict.created, sync.failed and credentials.rejected are POSTed to `url`, signed with `secret` (X-Pems-Sync-Signature). The URL must be https on a public host, unless the deployment allows the host (WEBHOOK_ALLOWED_HOSTS), else 400 HOST_NOT_ALLOWED. The secret is write-only: required to create the webhook, kept when left out later.
     */
    put: operations['WebhooksController_put'];
    post?: never;
    /** Remove the organization's webhook and its deliveries */
    delete: operations['WebhooksController_remove'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/admin/organizations/{id}/webhook/deliveries': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The webhook's deliveries, newest first, with their attempts and last error */
    get: operations['WebhooksController_deliveries'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/admin/users': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Create a user as a member of the organization named in the body */
    post: operations['AdminController_createUser'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/audit': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The organization's audit: every state-changing call that succeeded, newest first
     * @description Who, when, what (action), on what (target) and the meaningful fields of the request and counts of the answer (detail); never a password or credential.
     */
    get: operations['AuditController_list'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/auth/login': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Exchange a username and password for an access token (JWT)
     * @description The username is matched whatever its case. After LOGIN_MAX_FAILURES failed logins of one username, or from one client address, within LOGIN_FAILURE_WINDOW_MS, both answer 429 with Retry-After until the window ends; a success clears the username's count.
     */
    post: operations['AuthController_login'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/auth/me': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The caller and their organizations with permissions */
    get: operations['AuthController_me'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/notifications': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The caller's notifications, newest first, with their unread count
     * @description Only the caller's own, and only of the organizations they are a member of (a superadmin: all of theirs). The editor hears edit.synced, edit.conflict and edit.failed; the members holding perm_Sync hear conflict.created and credentials.rejected. Kept PEMS_WRITE_SYNC_RETENTION_DAYS days, read or not. The console refetches it when an event arrives on GET /api/pems/events.
     */
    get: operations['NotificationsController_list'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/notifications/read': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Mark the caller's notifications read: the listed ones, or all
     * @description Give `ids` or `all: true`, not both. Ids that are not the caller's, or already read, are left alone and not counted.
     */
    post: operations['NotificationsController_markRead'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/pems/conflicts': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The organization's conflicts, unresolved first, then newest first; filtered by status, record, editor and when found */
    get: operations['ConflictsController_list'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/pems/conflicts/resolve': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Resolve many conflicts with use_local or use_pems: listed, or every unresolved one matching a filter (at most 1000 a call)
     * @description Each conflict is resolved in its own transaction, exactly as POST /pems/conflicts/{conflictId}/resolve does it, and audited as its own conflict.resolve. The answer says for each: resolved, already_resolved (with who did), invalid (with the errors) or not_found.
     */
    post: operations['ConflictsController_resolveMany'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/pems/conflicts/{conflictId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One conflict, as the list shows it */
    get: operations['ConflictsController_getOne'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/pems/conflicts/{conflictId}/check': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Check a resolution by the rules resolve applies, changing nothing
     * @description What POST /pems/conflicts/{conflictId}/resolve would refuse with 400 VALIDATION_FAILED is answered 200 with valid false and the same errors.
     */
    post: operations['ConflictsController_check'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/pems/conflicts/{conflictId}/resolve': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Resolve a conflict: use_local, use_pems or merge (with mergedData) */
    post: operations['ConflictsController_resolve'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/pems/events': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Server-sent events of the organization's sync: sync.processing, sync.completed, sync.failed, conflict.created, conflict.resolved, server.paused, server.resumed, server.credentials-rejected
     * @description Each event has the type as its SSE event name and a JSON body with organizationId, at, and the ids concerned. The caller's token and perm_Read are checked again every EVENT_STREAM_RECHECK_MS (30 s) and before events are sent; when they no longer hold (expired, deactivated, permission taken away, password changed) the stream sends `stream.closed` with the reason and ends. At most EVENT_STREAMS_PER_USER streams per user and EVENT_STREAMS_PER_INSTANCE per instance (429 beyond). Browsers: read it with fetch() and an Authorization header (response.body.getReader()), not EventSource, so that no token goes into a URL.
     */
    get: operations['SyncEventsController_stream'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/pems/read-sync': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Pull the organization's PEMS records into the mirror now; answers when done, with counts
     * @description Records PEMS no longer lists are marked deleted only after a complete walk of the grid, and only up to PEMS_READ_SYNC_MAX_DELETE_PERCENT of the organization's records; beyond that none are marked (deletionsWithheld, warning) until the request says confirmDeletions: true.
     */
    post: operations['PemsReadSyncController_sync'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/pems/server-state': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The organization's PEMS server: its tenant's rate limit and use of it, and what holds its writes (never credentials)
     * @description sentLastMinute and usedPerSecondNow count every PEMS request of the tenant (reads, writes, grid pages; every organization and instance), when the rate limiter granted it, to the second. configured: false (and every other field null) when the organization has no API server.
     */
    get: operations['WriteSyncController_serverState'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/pems/sync-status': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The organization's write queue in figures, and its health */
    get: operations['WriteSyncController_status'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/pems/sync-status/timeline': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The organization's write sync minute by minute: completed, failed, conflicts and queue depth
     * @description One entry per minute, oldest first, the current minute last, minutes with nothing as zeros. queueDepth counts the items waiting or in flight at the end of the minute, from when each was queued and finished.
     */
    get: operations['WriteSyncController_timeline'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/pems/write-queue': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Queue items, newest first, with their attempts and last error
     * @description Filters by status, by when the item was queued (`from` inclusive, `to` exclusive) and by pfaId (exactly).
     */
    get: operations['WriteQueueController_list'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/pems/write-queue/cancel': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Cancel pending items (the listed ones, all matching a filter, or all); their modifications become pending again
     * @description Give `ids` or `filter`, not both. Items not pending are skipped with the reason.
     */
    post: operations['WriteQueueController_cancelMany'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/pems/write-queue/retry': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Failed items (the listed ones, all matching a filter, or all) back to pending, with their retries counted afresh
     * @description Give `ids` or `filter`, not both. Items that cannot be retried are skipped with the reason.
     */
    post: operations['WriteQueueController_retry'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/pems/write-queue/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One queue item with its attempts, due time, lease and modification */
    get: operations['WriteQueueController_getOne'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/pems/write-queue/{id}/cancel': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Cancel a pending item; its modification becomes pending again */
    post: operations['WriteQueueController_cancel'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/pems/write-sync': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Queue the organization's pending modifications (or the listed ones) for PEMS
     * @description Each modification is validated again; if any is invalid nothing is queued. A modification is never queued twice.
     */
    post: operations['WriteSyncController_queue'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/pfa': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Mirror records with their effective values (PEMS plus unsynced edits) and sync state */
    get: operations['PfaRecordsController_list'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/pfa/modifications': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The organization's modifications, newest first */
    get: operations['PfaModificationsController_list'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/pfa/modifications/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** Discard a modification that is not sent yet (pending, or queued and not yet claimed) */
    delete: operations['ModificationDiscardController_discard'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/pfa/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One record with its modifications and history */
    get: operations['PfaRecordsController_getOne'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    /**
     * Edit a record: creates a pending modification (or updates your own pending one)
     * @description Every rule of the PFA validation applies to the record as it would be after the change; all errors come back at once.
     */
    patch: operations['PfaRecordsController_edit'];
    trace?: never;
  };
  '/api/pfa/{id}/restore': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Restore a version: a modification setting the editable fields back to their values in that version
     * @description Made exactly as PATCH /pfa/{id} makes an edit (validation on the effective record, your pending edit folded, then queued like any edit); a reason is required.
     */
    post: operations['PfaRecordsController_restore'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/pfa/{id}/restore-preview': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** What restoring a version from the record's history would change: its editable fields whose effective value now differs */
    get: operations['PfaRecordsController_restorePreview'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/health': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Liveness and readiness: 200 when the database answers and this instance's write-sync worker runs, 503 otherwise */
    get: operations['HealthController_check'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/metrics': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Prometheus metrics: queue depth by status, sends by outcome, send latency, conflicts, oldest pending age
     * @description No user token. When the deployment sets METRICS_TOKEN, send it as Authorization: Bearer <METRICS_TOKEN>; in production without one, metrics are off (404).
     */
    get: operations['MetricsController_scrape'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    ApiServerChangeDto: {
      id: string;
      /** Format: date-time */
      changedAt: string;
      /** @description The username of who changed it; null when the service itself did (demo mode, seeding). */
      changedBy: string | null;
      /** @enum {string} */
      action: 'created' | 'updated';
      /**
       * @description Each changed field's value before and after, e.g. {"baseUrl": {"from": "https://a…", "to": "https://b…"}}.
       *     Secrets never appear: a credentials change is {"credentials": {"from": "stored", "to": "given"}}.
       */
      changes: {
        [key: string]: unknown;
      };
    };
    ApiServerChangePageDto: {
      items: components['schemas']['ApiServerChangeDto'][];
      total: number;
      page: number;
      pageSize: number;
    };
    ApiServerDto: {
      id: string;
      organizationId: string;
      name: string;
      baseUrl: string;
      tenant: string;
      /** @enum {string} */
      authType: 'api_key' | 'basic';
      /** @description The username, for basic auth; passwords and keys are never shown. */
      username: string | null;
      hasCredentials: boolean;
      /** Format: date-time */
      credentialsUpdatedAt: string;
      /**
       * Format: date-time
       * @description Set while writes are paused because PEMS rejected the credentials; a PUT with new credentials ends it.
       */
      authPausedUntil: string | null;
      authFailureMessage: string | null;
      /**
       * Format: date-time
       * @description Set while an admin has paused the server's writes (POST …/api-server/pause); nothing is claimed or sent meanwhile.
       */
      writesPausedAt: string | null;
      /** @description Who paused them; null while not paused (or when that user no longer exists). */
      writesPausedBy: components['schemas']['UserRefDto'] | null;
      /** @description Why, as the admin gave it (1 to 500 characters); null while not paused. */
      writesPauseReason: string | null;
      writeEnabled: boolean;
      isActive: boolean;
      /** @description The tenant's rate limit, shared by every organization on the tenant. */
      rateLimitPerSecond: number;
      timeoutMs: number | null;
      fieldMap: {
        [key: string]: string;
      } | null;
      /** Format: date-time */
      updatedAt: string;
    };
    AuditEntryDto: {
      /** @description The entry's number (a bigint, as text), increasing: newer entries have larger numbers. */
      id: string;
      /** Format: date-time */
      at: string;
      user: components['schemas']['AuditUserDto'];
      organizationId: string | null;
      /** @enum {string} */
      action:
        | 'admin.api-server.update'
        | 'admin.member.update'
        | 'admin.organization.create'
        | 'admin.user.create'
        | 'admin.webhook.delete'
        | 'admin.webhook.update'
        | 'conflict.resolve'
        | 'modification.discard'
        | 'pfa.edit'
        | 'pfa.restore'
        | 'queue.cancel'
        | 'queue.retry'
        | 'read-sync.start'
        | 'server.pause'
        | 'server.resume'
        | 'write-sync.send';
      /** @description What the action was done to (an id, a pfaId, a username); null when the organization itself. */
      target: string | null;
      /** @description The request's meaningful fields and the answer's counts; never a password, secret or credential. */
      detail: {
        [key: string]: unknown;
      };
    };
    AuditPageDto: {
      items: components['schemas']['AuditEntryDto'][];
      total: number;
      page: number;
      pageSize: number;
    };
    AuditUserDto: {
      /** @description Null once the user no longer exists. */
      id: string | null;
      username: string;
    };
    BulkResolutionResultDto: {
      conflictId: string;
      /** @description null for not_found. */
      pfaId: string | null;
      /** @enum {string} */
      outcome: 'already_resolved' | 'invalid' | 'not_found' | 'resolved';
      /** @description resolved: what will be written to PEMS (null for use_pems). */
      appliedChanges?: {
        [key: string]: unknown;
      } | null;
      /** @description invalid: why our values cannot be sent. */
      errors?: components['schemas']['ResolutionErrorDto'][];
      /** @description resolved: the caller; already_resolved: who resolved it first (null once that user is gone). */
      resolvedBy?: components['schemas']['ConflictResolverDto'] | null;
    };
    BulkResolveConflictsDto: {
      /** Format: uuid */
      organizationId: string;
      /** @description These conflicts (at most 1000); not together with `filter`. */
      conflictIds?: string[];
      /** @description Every unresolved conflict matching it ("all matching"), at most 1000 per call (`remaining` tells how many are left); not together with `conflictIds`. */
      filter?: components['schemas']['ConflictFilterDto'];
      /**
       * @description Bulk resolution keeps one side for every field; merge is for one conflict at a time.
       * @enum {string}
       */
      resolution: 'use_local' | 'use_pems';
    };
    BulkResolveConflictsResponseDto: {
      resolvedCount: number;
      /** @description One per conflict, in the order of conflictIds, or of the list (unresolved first, newest first) for a filter. */
      results: components['schemas']['BulkResolutionResultDto'][];
      /** @description With a filter: the unresolved conflicts still matching after this call (more than 1000 matched); else 0. */
      remaining: number;
    };
    CancelQueueItemsDto: {
      /** Format: uuid */
      organizationId: string;
      /** @description Only these items; without ids and filter, every pending item of the organization. */
      ids?: string[];
      /** @description Every pending item matching it ("all matching"); not together with `ids`. */
      filter?: components['schemas']['QueueItemFilterDto'];
    };
    CancelQueueItemsResponseDto: {
      cancelledCount: number;
      /** @description Listed items that could not be cancelled (not pending, or not found), and matching items that stopped being pending meanwhile. */
      skipped: components['schemas']['SkippedQueueItemDto'][];
    };
    CheckResolutionResponseDto: {
      valid: boolean;
      /** @description Every rule the resolution breaks, beside its field; empty when valid. */
      errors: components['schemas']['ResolutionErrorDto'][];
      /** @description What resolving would write to PEMS now (null for use_pems, and when not valid); {} when PEMS holds every value already. */
      appliedChanges: {
        [key: string]: unknown;
      } | null;
    };
    ConflictDto: {
      id: string;
      pfaId: string;
      /** @description The mirror record's id (GET /api/pfa/:id). */
      recordId: string;
      /** @description The modification's base version. */
      localVersion: number;
      /** @description PEMS's recordid when the conflict was found. */
      pemsVersion: number;
      conflictFields: string[];
      /** @description Ours, for every field the modification changes. */
      localData: {
        [key: string]: unknown;
      };
      /** @description PEMS's, for every field the modification changes. */
      pemsData: {
        [key: string]: unknown;
      };
      /** @description What the user saw, for every field the modification changes. */
      baseData: {
        [key: string]: unknown;
      };
      /**
       * @description The fields PEMS changed between localVersion and pemsVersion that the modification does not
       *     touch, in field order; null when the mirror's history no longer holds one of the two versions.
       */
      pemsOnlyChanges: components['schemas']['PemsOnlyChangeDto'][] | null;
      /** @enum {string} */
      status: 'resolved' | 'unresolved';
      /** Format: date-time */
      createdAt: string;
      modifiedBy: components['schemas']['ConflictUserDto'] | null;
      modificationId: string;
      /** @enum {string|null} */
      resolution: 'merge' | 'use_local' | 'use_pems' | null;
      /** @description Who resolved it; null while unresolved. */
      resolvedBy: components['schemas']['ConflictResolverDto'] | null;
      /** Format: date-time */
      resolvedAt: string | null;
      /** @description With merge: the values chosen for the conflicting fields. */
      mergedData: {
        [key: string]: unknown;
      } | null;
      appliedChanges: {
        [key: string]: unknown;
      } | null;
    };
    ConflictFilterDto: {
      /** @enum {string} */
      status?: 'resolved' | 'unresolved';
      /** @description The record's PEMS key, exactly. */
      pfaId?: string;
      /**
       * Format: uuid
       * @description The id of the user whose modification conflicted.
       */
      modifiedBy?: string;
      /** @description Found at or after this moment (createdAt, inclusive); an ISO-8601 date-time with its time zone. */
      from?: string;
      /** @description Found before this moment (createdAt, exclusive). */
      to?: string;
    };
    ConflictListDto: {
      conflicts: components['schemas']['ConflictDto'][];
      total: number;
    };
    ConflictResolverDto: {
      id: string;
      username: string;
    };
    ConflictUserDto: {
      username: string;
      email: string;
    };
    CreateOrganizationDto: {
      /** @description The PEMS organization code. */
      code: string;
      name: string;
    };
    CreateUserDto: {
      /** @description The permissions held in the organization; an empty list keeps the membership with no rights. */
      permissions: ('perm_Admin' | 'perm_Edit' | 'perm_Read' | 'perm_Sync')[];
      /**
       * Format: uuid
       * @description The organization the user joins, with `permissions`; the caller needs perm_Admin there.
       */
      organizationId: string;
      username: string;
      /** Format: email */
      email: string;
      /** @description At least MIN_PASSWORD_LENGTH characters, and not one of the most common passwords. */
      password: string;
    };
    CredentialsPauseStateDto: {
      /**
       * Format: date-time
       * @description When PEMS first rejected the credentials.
       */
      since: string;
      /**
       * Format: date-time
       * @description When one item is next sent to see whether they work again (a PUT with new credentials ends the pause at once).
       */
      until: string | null;
      message: string | null;
    };
    EditPfaRecordDto: {
      /**
       * @description Field -> new value, e.g. {"forecastStart": "2026-03-01", "monthlyRate": 12500}.
       *     Editable: forecastStart, forecastEnd, monthlyRate, purchasePrice, dor, category, class,
       *     source, manufacturer, model, isDiscontinued, isFundsTransferable.
       */
      changes: {
        [key: string]: unknown;
      };
      changeReason?: string;
    };
    LoginDto: {
      username: string;
      password: string;
    };
    LoginResponseDto: {
      accessToken: string;
      /** @description Seconds until the token expires. */
      expiresIn: number;
      user: components['schemas']['UserSummaryDto'];
    };
    MarkNotificationsReadDto: {
      /** @description These of the caller's notifications; ids that are not theirs are left alone and not counted. Required unless `all` is given. */
      ids?: string[];
      /** @description Every one of the caller's unread notifications; not together with `ids`. */
      all?: boolean;
    };
    MarkNotificationsReadResponseDto: {
      /** @description How many went from unread to read. */
      markedCount: number;
    };
    MeResponseDto: {
      id: string;
      username: string;
      email: string;
      isSuperadmin: boolean;
      organizations: components['schemas']['MembershipDto'][];
    };
    MemberDto: {
      userId: string;
      username: string;
      email: string;
      organizationId: string;
      permissions: ('perm_Admin' | 'perm_Edit' | 'perm_Read' | 'perm_Sync')[];
    };
    MembershipDto: {
      organizationId: string;
      code: string;
      name: string;
      permissions: ('perm_Admin' | 'perm_Edit' | 'perm_Read' | 'perm_Sync')[];
    };
    ModificationDto: {
      id: string;
      organizationId: string;
      recordId: string;
      pfaId: string;
      userId: string;
      username: string | null;
      changes: {
        [key: string]: unknown;
      };
      baseValues: {
        [key: string]: unknown;
      };
      baseVersion: number;
      changeReason: string | null;
      /** @enum {string} */
      status: 'conflict' | 'discarded' | 'failed' | 'pending' | 'queued' | 'synced' | 'syncing';
      /** Format: date-time */
      syncedAt: string | null;
      syncError: string | null;
      /** Format: date-time */
      createdAt: string;
      /** Format: date-time */
      updatedAt: string;
    };
    ModificationPageDto: {
      items: components['schemas']['ModificationDto'][];
      total: number;
      page: number;
      pageSize: number;
    };
    NotificationDto: {
      id: string;
      /**
       * @description edit.synced, edit.conflict, edit.failed (to the editor); conflict.created, credentials.rejected (to the members holding perm_Sync).
       * @enum {string}
       */
      kind: 'conflict.created' | 'credentials.rejected' | 'edit.conflict' | 'edit.failed' | 'edit.synced';
      organizationId: string;
      /** @description The record's PEMS key; null for credentials.rejected. */
      pfaId: string | null;
      recordId: string | null;
      modificationId: string | null;
      /** @description edit.conflict and conflict.created: the conflict to resolve. */
      conflictId: string | null;
      /** @description A short sentence saying what happened, as plain text. */
      text: string;
      /** Format: date-time */
      createdAt: string;
      /**
       * Format: date-time
       * @description Null while unread.
       */
      readAt: string | null;
    };
    NotificationPageDto: {
      items: components['schemas']['NotificationDto'][];
      total: number;
      page: number;
      pageSize: number;
      /** @description The caller's unread notifications (of `organizationId` when given), whatever `unread` and the page. */
      unreadCount: number;
    };
    Object: Record<string, unknown>;
    OrganizationDto: {
      id: string;
      code: string;
      name: string;
      /** Format: date-time */
      createdAt: string;
    };
    PauseWritesDto: {
      /** @description Why the writes pause, e.g. "PEMS maintenance until 14:00": shown in sync-status, the event and the audit. 1 to 500 characters. */
      reason: string;
    };
    PemsOnlyChangeDto: {
      /** @description A PFA field value: text (dates as YYYY-MM-DD), a number, a boolean, or null */
      base: (string | null) | number | boolean;
      /** @description A PFA field value: text (dates as YYYY-MM-DD), a number, a boolean, or null */
      pems: (string | null) | number | boolean;
      field: string;
    };
    PermissionsDto: {
      /** @description The permissions held in the organization; an empty list keeps the membership with no rights. */
      permissions: ('perm_Admin' | 'perm_Edit' | 'perm_Read' | 'perm_Sync')[];
    };
    PfaHistoryEntryDto: {
      version: number;
      data: Record<string, unknown>;
      /** @enum {string} */
      source: 'conflict_check' | 'read_sync' | 'write_sync';
      /** Format: date-time */
      createdAt: string;
    };
    PfaRecordDetailDto: {
      id: string;
      organizationId: string;
      pfaId: string;
      /** @description PEMS's recordid of the mirrored data. */
      version: number;
      /** @description The effective values: the mirror with the unsynced edits applied. */
      values: Record<string, unknown>;
      /** @description The values as PEMS last gave them. */
      pemsValues: Record<string, unknown>;
      /** @description Fields whose effective value differs from PEMS's. */
      changedFields: string[];
      /**
       * @description conflict > syncing > queued > pending > failed (the latest edit failed) > synced.
       * @enum {string}
       */
      syncState: 'conflict' | 'failed' | 'pending' | 'queued' | 'synced' | 'syncing';
      /** Format: date-time */
      lastSyncedAt: string | null;
      /**
       * Format: date-time
       * @description When the record's latest edit (not discarded) last changed state; null when no one edited it here.
       */
      lastEditAt: string | null;
      /** @description Why the latest edit failed, when its state is `failed`. */
      lastEditError: string | null;
      /**
       * Format: date-time
       * @description When a read sync stopped finding the record in PEMS; null while PEMS has it.
       */
      deletedInPemsAt: string | null;
      /** Format: date-time */
      updatedAt: string;
      /** @description Newest first, at most 100. */
      modifications: components['schemas']['ModificationDto'][];
      /** @description Mirror snapshots, newest first, at most 100. */
      history: components['schemas']['PfaHistoryEntryDto'][];
    };
    PfaRecordDto: {
      id: string;
      organizationId: string;
      pfaId: string;
      /** @description PEMS's recordid of the mirrored data. */
      version: number;
      /** @description The effective values: the mirror with the unsynced edits applied. */
      values: Record<string, unknown>;
      /** @description The values as PEMS last gave them. */
      pemsValues: Record<string, unknown>;
      /** @description Fields whose effective value differs from PEMS's. */
      changedFields: string[];
      /**
       * @description conflict > syncing > queued > pending > failed (the latest edit failed) > synced.
       * @enum {string}
       */
      syncState: 'conflict' | 'failed' | 'pending' | 'queued' | 'synced' | 'syncing';
      /** Format: date-time */
      lastSyncedAt: string | null;
      /**
       * Format: date-time
       * @description When the record's latest edit (not discarded) last changed state; null when no one edited it here.
       */
      lastEditAt: string | null;
      /** @description Why the latest edit failed, when its state is `failed`. */
      lastEditError: string | null;
      /**
       * Format: date-time
       * @description When a read sync stopped finding the record in PEMS; null while PEMS has it.
       */
      deletedInPemsAt: string | null;
      /** Format: date-time */
      updatedAt: string;
    };
    PfaRecordPageDto: {
      items: components['schemas']['PfaRecordDto'][];
      total: number;
      page: number;
      pageSize: number;
    };
    QueueItemDetailDto: {
      id: string;
      modificationId: string;
      organizationId: string;
      pfaId: string;
      operation: string;
      /** @enum {string} */
      status: 'cancelled' | 'completed' | 'failed' | 'pending' | 'processing';
      priority: number;
      /** @description Retries made so far (the first attempt is not a retry). */
      retryCount: number;
      maxRetries: number;
      /** Format: date-time */
      scheduledAt: string;
      /** Format: date-time */
      lastAttemptAt: string | null;
      lastError: string | null;
      lastStatusCode: number | null;
      /** Format: date-time */
      completedAt: string | null;
      jobId: string | null;
      /** Format: date-time */
      createdAt: string;
      changes: {
        [key: string]: unknown;
      };
      baseVersion: number;
      /**
       * @description Sends made so far since the item was queued (or last retried by an operator, which counts
       *     afresh): its retries, its resends on a newer version, and the attempt in flight or that ended it.
       */
      attempts: number;
      /**
       * Format: date-time
       * @description When a pending item is due (not before; it may wait behind an earlier item of its record); null unless pending.
       */
      nextAttemptAt: string | null;
      /**
       * Format: date-time
       * @description The lease of an item being sent: taken back if not finished by then.
       */
      lockedUntil: string | null;
      modification: components['schemas']['QueueItemModificationDto'];
    };
    QueueItemDto: {
      id: string;
      modificationId: string;
      organizationId: string;
      pfaId: string;
      operation: string;
      /** @enum {string} */
      status: 'cancelled' | 'completed' | 'failed' | 'pending' | 'processing';
      priority: number;
      /** @description Retries made so far (the first attempt is not a retry). */
      retryCount: number;
      maxRetries: number;
      /** Format: date-time */
      scheduledAt: string;
      /** Format: date-time */
      lastAttemptAt: string | null;
      lastError: string | null;
      lastStatusCode: number | null;
      /** Format: date-time */
      completedAt: string | null;
      jobId: string | null;
      /** Format: date-time */
      createdAt: string;
      changes: {
        [key: string]: unknown;
      };
      baseVersion: number;
    };
    QueueItemFilterDto: {
      /** @enum {string} */
      status?: 'cancelled' | 'completed' | 'failed' | 'pending' | 'processing';
      /** @description Queued at or after this moment (createdAt, inclusive); an ISO-8601 date-time with its time zone. */
      from?: string;
      /** @description Queued before this moment (createdAt, exclusive). */
      to?: string;
      /** @description The record's PEMS key, exactly. */
      pfaId?: string;
    };
    QueueItemModificationDto: {
      id: string;
      /** @enum {string} */
      status: 'conflict' | 'discarded' | 'failed' | 'pending' | 'queued' | 'synced' | 'syncing';
      changeReason: string | null;
      /** @description Its author. */
      username: string | null;
    };
    QueueItemPageDto: {
      items: components['schemas']['QueueItemDto'][];
      total: number;
      page: number;
      pageSize: number;
    };
    ReadSyncReportDto: {
      organizationId: string;
      /** @description Records new to the mirror. */
      created: number;
      /** @description Records whose PEMS version moved on (each leaves a history snapshot). */
      updated: number;
      /** @description Records PEMS holds at the version the mirror has. */
      unchanged: number;
      /** @description Records the mirror had that PEMS no longer lists, marked deletedInPemsAt by this sync (kept with their history). */
      markedDeleted: number;
      /**
       * @description Records PEMS no longer lists that this sync did not mark, because they are more than
       *     PEMS_READ_SYNC_MAX_DELETE_PERCENT of the organization's records and `confirmDeletions`
       *     was not sent; 0 when nothing was withheld.
       */
      deletionsWithheld: number;
      /**
       * @description Records PEMS sent with text no record may hold (a NUL character, an unpaired surrogate), by
       *     id (escaped) and field: not mirrored, not marked deleted; the rest of the sync went on.
       */
      skipped: components['schemas']['SkippedRecordDto'][];
      /** @description What was withheld and how to proceed; null when nothing was. */
      warning: string | null;
      pages: number;
      /** Format: date-time */
      startedAt: string;
      /** Format: date-time */
      finishedAt: string;
      durationMs: number;
    };
    ReadSyncRequestDto: {
      /** Format: uuid */
      organizationId: string;
      /**
       * @description Mark the records PEMS no longer lists as deleted even when they are more than
       *     PEMS_READ_SYNC_MAX_DELETE_PERCENT of the organization's records. Send it after checking,
       *     in PEMS, that a sync's `deletionsWithheld` records are really gone.
       */
      confirmDeletions?: boolean;
    };
    ResolutionErrorDto: {
      /** @description `mergedData.<field>` for a merge's values, else the field. */
      field: string;
      code: string;
      message: string;
    };
    ResolveConflictDto: {
      /**
       * @description use_local: send our values on PEMS's version; use_pems: keep PEMS's; merge: send mergedData.
       * @enum {string}
       */
      resolution: 'merge' | 'use_local' | 'use_pems';
      /** @description With merge: a value for every conflicting field (other changed fields keep ours). */
      mergedData?: {
        [key: string]: unknown;
      };
    };
    ResolveConflictResponseDto: {
      success: boolean;
      conflictId: string;
      resolvedAt: string;
      /** @description What will be written to PEMS; null for use_pems. */
      appliedChanges: {
        [key: string]: unknown;
      } | null;
    };
    RestoreChangeDto: {
      /** @description A PFA field value: text (dates as YYYY-MM-DD), a number, a boolean, or null */
      current: (string | null) | number | boolean;
      /** @description A PFA field value: text (dates as YYYY-MM-DD), a number, a boolean, or null */
      restored: (string | null) | number | boolean;
      field: string;
    };
    RestorePreviewDto: {
      recordId: string;
      pfaId: string;
      version: number;
      /**
       * Format: date-time
       * @description When the mirror took that version.
       */
      seenAt: string;
      /** @description The editable fields whose effective value differs from that version's, in field order. */
      changes: components['schemas']['RestoreChangeDto'][];
    };
    RestoreVersionDto: {
      /** @description A version (PEMS recordid) in the record's history. */
      version: number;
      /** @description Why the record goes back: required, as for no other edit. */
      changeReason: string;
    };
    RetryQueueItemsDto: {
      /** Format: uuid */
      organizationId: string;
      /** @description Only these failed items; every failed item of the organization when left out (and no filter is given). */
      ids?: string[];
      /** @description Every failed item matching it ("all matching"); not together with `ids`. */
      filter?: components['schemas']['QueueItemFilterDto'];
    };
    RetryQueueItemsResponseDto: {
      retriedCount: number;
      /** @description Items asked for (listed, or failed and matching) that could not be retried, and why. */
      skipped: components['schemas']['SkippedQueueItemDto'][];
    };
    ServerStateDto: {
      /** @description False when the organization has no API server: every other field is then null. */
      configured: boolean;
      name: string | null;
      /** @description Without any user or password part. */
      baseUrl: string | null;
      tenant: string | null;
      writeEnabled: boolean | null;
      isActive: boolean | null;
      /** @description Requests per second in force for the server's PEMS tenant (shared by every organization on it). */
      rateLimitPerSecond: number | null;
      /** @description PEMS requests of the tenant in the last 60 s, from every organization and instance (counted when granted by the rate limiter). */
      sentLastMinute: number | null;
      /** @description Requests of the tenant in the last 10 s, divided by 10. */
      usedPerSecondNow: number | null;
      /** @description Set while the server's writes are paused because PEMS rejected its credentials. */
      credentialsPaused: components['schemas']['CredentialsPauseStateDto'] | null;
      /** @description Set while an admin has paused the server's writes. */
      writesPaused: components['schemas']['WritesPauseStateDto'] | null;
      /**
       * Format: date-time
       * @description The end of a tenant-wide Retry-After pause PEMS asked for; null when none holds now.
       */
      retryAfterUntil: string | null;
    };
    ServerStateUserDto: {
      id: string;
      username: string;
    };
    SkippedQueueItemDto: {
      id: string;
      reason: string;
    };
    SkippedRecordDto: {
      /** @description The record's pfaId as PEMS sent it, control characters escaped. */
      pfaId: string;
      /** @description The field that holds the text, e.g. "data.category". */
      field: string;
    };
    SyncStatusDto: {
      /** @description Items waiting (pending, including those waiting to retry). */
      totalQueued: number;
      /** @description Items being sent now. */
      processing: number;
      /** @description Completed in the last 24 h. */
      completed: number;
      /** @description Failed in the last 24 h, leaving out items that ended in a version conflict (a decision for a person, counted in `conflicts`). */
      failed: number;
      /** @description Mean ms from queueing to completion over the last 24 h; null when none. */
      avgSyncTime: number | null;
      lastSyncAt: string | null;
      nextSyncAt: string | null;
      /** @enum {string} */
      health: 'degraded' | 'healthy' | 'unhealthy';
      /** @description completed / (completed + failed) over 24 h, in percent; 100 when both are 0. Conflicts are not failures. */
      successRate: number;
      /** @description The organization's unresolved conflicts now. */
      conflicts: number;
      /** @description Why health is not `healthy`, when it is not. */
      healthReasons?: string[];
      items?: components['schemas']['QueueItemDto'][];
    };
    SyncTimelineDto: {
      /** @description One entry per minute, oldest first, the current minute last; minutes with nothing are zeros. */
      minutes: components['schemas']['SyncTimelineMinuteDto'][];
    };
    SyncTimelineMinuteDto: {
      /** @description The start of the minute. */
      minute: string;
      /** @description Items that completed in that minute. */
      completed: number;
      /** @description Items that failed in that minute, leaving out those that ended in a version conflict (counted in `conflicts`). */
      failed: number;
      /** @description Conflicts found in that minute. */
      conflicts: number;
      /** @description Items waiting or being sent at the end of that minute (for the current minute: now). */
      queueDepth: number;
    };
    UpsertApiServerDto: {
      name: string;
      /**
       * Format: uri
       * @description e.g. https://us1.eam.hxgnsmartcloud.com:443/axis/restservices
       */
      baseUrl: string;
      tenant: string;
      /** @enum {string} */
      authType: 'api_key' | 'basic';
      /** @description For authType basic. */
      username?: string;
      /** @description For authType basic. Never returned. */
      password?: string;
      /** @description For authType api_key. Never returned. */
      apiKey?: string;
      writeEnabled?: boolean;
      isActive?: boolean;
      /**
       * @description Requests per second the server's PEMS tenant allows, one value for the tenant whichever
       *     organizations use it (PEMS_RATE_LIMIT_PER_SECOND until set). Only a superadmin changes it; an
       *     organization admin may send the current value back (403 for another). Left out: unchanged.
       */
      rateLimitPerSecond?: number;
      /** @description One call's timeout; PEMS_REQUEST_TIMEOUT_MS when left out. */
      timeoutMs?: number;
      /** @description PFA field -> PEMS field name, overriding the default map, e.g. {"monthlyRate": "PFS_F_MONTHLYRATE"}. */
      fieldMap?: {
        [key: string]: string;
      };
    };
    UpsertWebhookDto: {
      /**
       * @description Where the events are POSTed, e.g. https://hooks.example.com/pems-sync. https and a public
       *     host, unless the deployment lists the host in WEBHOOK_ALLOWED_HOSTS; no user:password@.
       */
      url: string;
      /** @description The HMAC-SHA256 signing secret, 16 to 256 characters. Required when the webhook is created; never returned. */
      secret?: string;
      /** @description The events to send; all three when the webhook is created without them, unchanged when left out later. */
      events?: ('conflict.created' | 'credentials.rejected' | 'sync.failed')[];
      /** @description false: no event is queued for it, and pending deliveries wait. Default true; unchanged when left out. */
      active?: boolean;
    };
    UserRefDto: {
      id: string;
      username: string;
    };
    UserSummaryDto: {
      id: string;
      username: string;
      email: string;
      isSuperadmin: boolean;
    };
    WebhookDeliveryDto: {
      /** @description The delivery's id: the X-Pems-Sync-Delivery header and the body's `id`, the same on every attempt. */
      id: string;
      /** @enum {string} */
      event: 'conflict.created' | 'credentials.rejected' | 'sync.failed';
      /**
       * @description pending (waiting for an attempt or in one), delivered (the receiver answered 2xx) or failed (the retries ran out).
       * @enum {string}
       */
      status: 'delivered' | 'failed' | 'pending';
      /** @description Attempts begun so far. */
      attempts: number;
      /**
       * Format: date-time
       * @description When the next attempt is due; null once delivered or failed.
       */
      nextAttemptAt: string | null;
      /** @description The receiver's last HTTP status; null when it did not answer. */
      lastStatusCode: number | null;
      /** @description Why the last attempt was not taken (a status, a timeout, a refused connection); null once delivered. */
      lastError: string | null;
      /** Format: date-time */
      createdAt: string;
      /** Format: date-time */
      deliveredAt: string | null;
    };
    WebhookDeliveryPageDto: {
      items: components['schemas']['WebhookDeliveryDto'][];
      total: number;
      page: number;
      pageSize: number;
    };
    WebhookDto: {
      id: string;
      organizationId: string;
      url: string;
      events: ('conflict.created' | 'credentials.rejected' | 'sync.failed')[];
      active: boolean;
      /** @description Always true: a webhook has a secret. The secret itself is never returned. */
      hasSecret: boolean;
      /** Format: date-time */
      secretUpdatedAt: string;
      /** Format: date-time */
      createdAt: string;
      /** Format: date-time */
      updatedAt: string;
    };
    WriteSyncRequestDto: {
      /** Format: uuid */
      organizationId: string;
      /** @description Only these modifications (pending ones of the organization); all its pending ones when left out. */
      modificationIds?: string[];
      /**
       * @description true: only the caller's own modifications (all their pending ones without `modificationIds`;
       *     listed ids of someone else's are refused like unknown ones). The console's "My edits" sends with it.
       */
      mine?: boolean;
      /** @description 0..10, higher first; 5 when left out. */
      priority?: number;
    };
    WriteSyncResponseDto: {
      success: boolean;
      /** @description Identifies this request's queue items (null when nothing was queued). */
      jobId: string | null;
      queuedCount: number;
      /** @description When the backlog ahead of and including these items should be through, at the tenant's rate limit. */
      estimatedCompletionTime: string;
    };
    WritesPauseStateDto: {
      /** Format: date-time */
      at: string;
      /** @description Null when that user no longer exists. */
      by: components['schemas']['ServerStateUserDto'] | null;
      reason: string;
    };
  };
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
  AdminController_createOrganization: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateOrganizationDto'];
      };
    };
    responses: {
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['OrganizationDto'];
        };
      };
      /** @description No token, or an invalid or expired one */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs a superadmin */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  AdminController_getApiServer: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ApiServerDto'];
        };
      };
      /** @description No token, or an invalid or expired one */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs perm_Admin in the organization */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description No such resource, or not one the caller may see */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  AdminController_putApiServer: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['UpsertApiServerDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ApiServerDto'];
        };
      };
      /** @description No token, or an invalid or expired one */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs perm_Admin in the organization */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description No such resource, or not one the caller may see */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  AdminController_getApiServerChanges: {
    parameters: {
      query?: {
        page?: number;
        pageSize?: number;
      };
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ApiServerChangePageDto'];
        };
      };
      /** @description No token, or an invalid or expired one */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs perm_Admin in the organization */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description No such resource, or not one the caller may see */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  ServerWritesPauseController_pause: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['PauseWritesDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ApiServerDto'];
        };
      };
      /** @description reason missing, blank or longer than 500 characters */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description No token, or an invalid or expired one */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs perm_Admin in the organization */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description No such resource, or not one the caller may see */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  ServerWritesPauseController_resume: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ApiServerDto'];
        };
      };
      /** @description No token, or an invalid or expired one */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs perm_Admin in the organization */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description No such resource, or not one the caller may see */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  AdminController_putMember: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
        userId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['PermissionsDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['MemberDto'];
        };
      };
      /** @description No token, or an invalid or expired one */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs perm_Admin in the organization */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description No such resource, or not one the caller may see */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  WebhooksController_get: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['WebhookDto'];
        };
      };
      /** @description No token, or an invalid or expired one */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs perm_Admin in the organization */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /**
       * @description the organization has no webhook
       *
       *     No such resource, or not one the caller may see
       */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  WebhooksController_put: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['UpsertWebhookDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['WebhookDto'];
        };
      };
      /** @description a URL that is not allowed, a secret missing (on creation) or not 16 to 256 characters, an unknown event */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description No token, or an invalid or expired one */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs perm_Admin in the organization */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description No such resource, or not one the caller may see */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  WebhooksController_remove: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description the webhook as it was */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['WebhookDto'];
        };
      };
      /** @description No token, or an invalid or expired one */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs perm_Admin in the organization */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /**
       * @description the organization has no webhook
       *
       *     No such resource, or not one the caller may see
       */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  WebhooksController_deliveries: {
    parameters: {
      query?: {
        page?: number;
        pageSize?: number;
        /** @description Only deliveries in this status. */
        status?: 'delivered' | 'failed' | 'pending';
      };
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['WebhookDeliveryPageDto'];
        };
      };
      /** @description No token, or an invalid or expired one */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs perm_Admin in the organization */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /**
       * @description the organization has no webhook
       *
       *     No such resource, or not one the caller may see
       */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  AdminController_createUser: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateUserDto'];
      };
    };
    responses: {
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['MemberDto'];
        };
      };
      /** @description No token, or an invalid or expired one */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs perm_Admin in the organization */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  AuditController_list: {
    parameters: {
      query: {
        page?: number;
        pageSize?: number;
        organizationId: string;
        /** @description Only this action. */
        action?:
          | 'admin.api-server.update'
          | 'admin.member.update'
          | 'admin.organization.create'
          | 'admin.user.create'
          | 'admin.webhook.delete'
          | 'admin.webhook.update'
          | 'conflict.resolve'
          | 'modification.discard'
          | 'pfa.edit'
          | 'pfa.restore'
          | 'queue.cancel'
          | 'queue.retry'
          | 'read-sync.start'
          | 'server.pause'
          | 'server.resume'
          | 'write-sync.send';
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['AuditPageDto'];
        };
      };
      /** @description No token, or an invalid or expired one */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs perm_Admin in the organization */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  AuthController_login: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['LoginDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['LoginResponseDto'];
        };
      };
      /** @description The body is not a username and a password */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Unknown username or wrong password (the same answer for both) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Too many failed logins of this username or from this address, or too many logins at once; see Retry-After */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  AuthController_me: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['MeResponseDto'];
        };
      };
      /** @description No token, or an invalid or expired one */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  NotificationsController_list: {
    parameters: {
      query: {
        page?: number;
        pageSize?: number;
        /** @description `true`: only the unread ones; `false` (the default): read and unread. */
        unread: components['schemas']['Object'];
        /** @description Only those of this organization (also narrows `unreadCount`). */
        organizationId?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['NotificationPageDto'];
        };
      };
      /** @description A bad unread, organizationId, page or pageSize */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description No token, or an invalid or expired one */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  NotificationsController_markRead: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['MarkNotificationsReadDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['MarkNotificationsReadResponseDto'];
        };
      };
      /** @description Neither ids nor all, both, or a bad id */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description No token, or an invalid or expired one */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  ConflictsController_list: {
    parameters: {
      query: {
        page?: number;
        pageSize?: number;
        organizationId: string;
        status?: 'resolved' | 'unresolved';
        /** @description The record's PEMS key, exactly. */
        pfaId?: string;
        /** @description The id of the user whose modification conflicted. */
        modifiedBy?: string;
        /** @description Found at or after this moment (createdAt, inclusive); an ISO-8601 date-time with its time zone. */
        from?: string;
        /** @description Found before this moment (createdAt, exclusive). */
        to?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ConflictListDto'];
        };
      };
      /** @description A bad filter, e.g. from after to, or a time without its time zone */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description No token, or an invalid or expired one */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs perm_Read in the organization */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  ConflictsController_resolveMany: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['BulkResolveConflictsDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['BulkResolveConflictsResponseDto'];
        };
      };
      /** @description Neither conflictIds nor filter, both, more than 1000 ids, or a bad filter */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description No token, or an invalid or expired one */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs perm_Sync in the organization */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  ConflictsController_getOne: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        conflictId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ConflictDto'];
        };
      };
      /** @description No token, or an invalid or expired one */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs perm_Read in the resource's organization */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description No such resource, or not one the caller may see */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  ConflictsController_check: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        conflictId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['ResolveConflictDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CheckResolutionResponseDto'];
        };
      };
      /** @description No token, or an invalid or expired one */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs perm_Sync in the resource's organization */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description No such resource, or not one the caller may see */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description The conflict has been resolved already */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  ConflictsController_resolve: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        conflictId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['ResolveConflictDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ResolveConflictResponseDto'];
        };
      };
      /** @description mergedData missing a conflicting field, naming a field the modification does not change, or failing validation */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description No token, or an invalid or expired one */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs perm_Sync in the resource's organization */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description No such resource, or not one the caller may see */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description The conflict has been resolved already */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  SyncEventsController_stream: {
    parameters: {
      query: {
        organizationId: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description An endless text/event-stream */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description No token, or an invalid or expired one */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs perm_Read in the organization */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description The user, or this instance, holds as many streams as it may */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  PemsReadSyncController_sync: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['ReadSyncRequestDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ReadSyncReportDto'];
        };
      };
      /** @description No token, or an invalid or expired one */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs perm_Sync in the organization */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description No active PEMS API server, or a read sync of the organization is running already */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description More than SYNC_REQUESTS_PER_MINUTE of these from the user in a minute; see Retry-After */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description PEMS failed during the sync (an error, or a grid cursor that does not advance); the pages read so far are kept and nothing is marked deleted */
      502: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  WriteSyncController_serverState: {
    parameters: {
      query: {
        organizationId: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ServerStateDto'];
        };
      };
      /** @description No token, or an invalid or expired one */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs perm_Read in the organization */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  WriteSyncController_status: {
    parameters: {
      query: {
        organizationId: string;
        /** @description Adds `items`: up to 100 queue items in this status. */
        status?: 'cancelled' | 'completed' | 'failed' | 'pending' | 'processing';
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SyncStatusDto'];
        };
      };
      /** @description No token, or an invalid or expired one */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs perm_Read in the organization */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  WriteSyncController_timeline: {
    parameters: {
      query: {
        /** @description How many minutes, up to the current one (1..1440, default 60). */
        minutes?: number;
        organizationId: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SyncTimelineDto'];
        };
      };
      /** @description No token, or an invalid or expired one */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs perm_Read in the organization */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  WriteQueueController_list: {
    parameters: {
      query: {
        page?: number;
        pageSize?: number;
        organizationId: string;
        status?: 'cancelled' | 'completed' | 'failed' | 'pending' | 'processing';
        /** @description Queued at or after this moment (createdAt, inclusive); an ISO-8601 date-time with its time zone. */
        from?: string;
        /** @description Queued before this moment (createdAt, exclusive). */
        to?: string;
        /** @description The record's PEMS key, exactly. */
        pfaId?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['QueueItemPageDto'];
        };
      };
      /** @description A bad filter, or `from` after `to` */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description No token, or an invalid or expired one */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs perm_Read in the organization */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  WriteQueueController_cancelMany: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CancelQueueItemsDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CancelQueueItemsResponseDto'];
        };
      };
      /** @description `ids` and `filter` together, or a bad filter */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description No token, or an invalid or expired one */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs perm_Sync in the organization */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  WriteQueueController_retry: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['RetryQueueItemsDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['RetryQueueItemsResponseDto'];
        };
      };
      /** @description `ids` and `filter` together, or a bad filter */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description No token, or an invalid or expired one */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs perm_Sync in the organization */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  WriteQueueController_getOne: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['QueueItemDetailDto'];
        };
      };
      /** @description No token, or an invalid or expired one */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs perm_Read in the resource's organization */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description No such resource, or not one the caller may see */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  WriteQueueController_cancel: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['QueueItemDto'];
        };
      };
      /** @description No token, or an invalid or expired one */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs perm_Sync in the resource's organization */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description No such resource, or not one the caller may see */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description The item is not pending (being sent, or done) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  WriteSyncController_queue: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['WriteSyncRequestDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['WriteSyncResponseDto'];
        };
      };
      /** @description Invalid modifications (with their errors), or listed ids that are not pending modifications of the organization */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description No token, or an invalid or expired one */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs perm_Sync in the organization */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description The organization has no write-enabled PEMS API server */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description More than SYNC_REQUESTS_PER_MINUTE of these from the user in a minute; see Retry-After */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  PfaRecordsController_list: {
    parameters: {
      query: {
        page?: number;
        pageSize?: number;
        organizationId: string;
        /** @description Matches pfaId, category, class, manufacturer and model (case-insensitive, anywhere in the text). */
        search?: string;
        /** @description The column to sort by (default pfaId); ties go by pfaId, then id, in the same direction. Records without a value come last either way. */
        sort: 'category' | 'class' | 'dor' | 'forecastEnd' | 'forecastStart' | 'lastSyncedAt' | 'manufacturer' | 'model' | 'pfaId' | 'source';
        order: 'asc' | 'desc';
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PfaRecordPageDto'];
        };
      };
      /** @description No token, or an invalid or expired one */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs perm_Read in the organization */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  PfaModificationsController_list: {
    parameters: {
      query: {
        page?: number;
        pageSize?: number;
        /** @description `true`: only the caller's own modifications. */
        mine?: boolean;
        /** @description `true`: only those PEMS does not hold yet, or that need a person (pending, queued, syncing, conflict, failed). */
        unsynced?: boolean;
        organizationId: string;
        status?: 'conflict' | 'discarded' | 'failed' | 'pending' | 'queued' | 'synced' | 'syncing';
        /** @description Only the modifications of this record. */
        recordId?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ModificationPageDto'];
        };
      };
      /** @description No token, or an invalid or expired one */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs perm_Read in the organization */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  ModificationDiscardController_discard: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ModificationDto'];
        };
      };
      /** @description No token, or an invalid or expired one */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs perm_Edit in the resource's organization */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description No such resource, or not one the caller may see */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description The modification is being sent or has been */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  PfaRecordsController_getOne: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PfaRecordDetailDto'];
        };
      };
      /** @description No token, or an invalid or expired one */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs perm_Read in the resource's organization */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description No such resource, or not one the caller may see */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  PfaRecordsController_edit: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['EditPfaRecordDto'];
      };
    };
    responses: {
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ModificationDto'];
        };
      };
      /** @description Validation errors, each with field, code and message */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description No token, or an invalid or expired one */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs perm_Edit in the resource's organization */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description No such resource, or not one the caller may see */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description The record no longer exists in PEMS */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  PfaRecordsController_restore: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['RestoreVersionDto'];
      };
    };
    responses: {
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ModificationDto'];
        };
      };
      /** @description Validation errors, each with field, code and message; NO_CHANGE when the record already holds that version's values */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description No token, or an invalid or expired one */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs perm_Edit in the resource's organization */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /**
       * @description No such record, or no such version in its history
       *
       *     No such resource, or not one the caller may see
       */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description The record no longer exists in PEMS */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  PfaRecordsController_restorePreview: {
    parameters: {
      query: {
        /** @description A version (PEMS recordid) in the record's history. */
        version: number;
      };
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['RestorePreviewDto'];
        };
      };
      /** @description No token, or an invalid or expired one */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Needs perm_Read in the resource's organization */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /**
       * @description No such record, or no such version in its history
       *
       *     No such resource, or not one the caller may see
       */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  HealthController_check: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The Health Check is successful */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @example ok */
            status?: string;
            /**
             * @example {
             *       "database": {
             *         "status": "up"
             *       }
             *     }
             */
            info?: {
              [key: string]: {
                status: string;
              } & {
                [key: string]: unknown;
              };
            } | null;
            /** @example {} */
            error?: {
              [key: string]: {
                status: string;
              } & {
                [key: string]: unknown;
              };
            } | null;
            /**
             * @example {
             *       "database": {
             *         "status": "up"
             *       }
             *     }
             */
            details?: {
              [key: string]: {
                status: string;
              } & {
                [key: string]: unknown;
              };
            };
          };
        };
      };
      /** @description The Health Check is not successful */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @example error */
            status?: string;
            /**
             * @example {
             *       "database": {
             *         "status": "up"
             *       }
             *     }
             */
            info?: {
              [key: string]: {
                status: string;
              } & {
                [key: string]: unknown;
              };
            } | null;
            /**
             * @example {
             *       "redis": {
             *         "status": "down",
             *         "message": "Could not connect"
             *       }
             *     }
             */
            error?: {
              [key: string]: {
                status: string;
              } & {
                [key: string]: unknown;
              };
            } | null;
            /**
             * @example {
             *       "database": {
             *         "status": "up"
             *       },
             *       "redis": {
             *         "status": "down",
             *         "message": "Could not connect"
             *       }
             *     }
             */
            details?: {
              [key: string]: {
                status: string;
              } & {
                [key: string]: unknown;
              };
            };
          };
        };
      };
    };
  };
  MetricsController_scrape: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Prometheus text exposition format */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description METRICS_TOKEN is set and the request does not carry it */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description In production without METRICS_TOKEN: metrics are off */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
}
