import { SetMetadata, applyDecorators, createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import type { Request } from 'express';

/** Every action the audit records (GET /api/audit?action=): one per state-changing endpoint, or a family of them. */
export const AUDIT_ACTIONS = [
  'pfa.edit',
  'pfa.restore',
  'modification.discard',
  'write-sync.send',
  'queue.retry',
  'queue.cancel',
  'server.pause',
  'server.resume',
  'conflict.resolve',
  'read-sync.start',
  'admin.api-server.update',
  'admin.organization.create',
  'admin.user.create',
  'admin.member.update',
  'admin.webhook.update',
  'admin.webhook.delete',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDITED_KEY = 'pems-sync:audited';
export const AUDIT_EXEMPT_KEY = 'pems-sync:audit-exempt';
export const AUDIT_PER_ITEM_KEY = 'pems-sync:audit-per-item';

/**
 * The endpoint changes state: each call that succeeds (2xx) is kept in the audit as `action`,
 * with who, when, the organization, and what the action's entry in src/audit/audit-entries.ts
 * takes from the request and the answer (never a secret). Recorded by the audit's interceptor
 * after the handler answered; documented in OpenAPI as `x-audit-action`.
 */
export function Audited(action: AuditAction, options: { perItem?: boolean } = {}): MethodDecorator {
  const decorators = [SetMetadata(AUDITED_KEY, action), ApiExtension('x-audit-action', action)];
  // `perItem`: a call that acts on many items (a bulk resolution) keeps one entry per item, written
  // by its service with AuditLogService as each item's change commits; the interceptor adds none.
  if (options.perItem) decorators.push(SetMetadata(AUDIT_PER_ITEM_KEY, true), ApiExtension('x-audit-entries', 'one per item'));
  return applyDecorators(...decorators);
}

/**
 * A POST, PUT, PATCH or DELETE that is deliberately not audited, and why. Every such route is
 * either @Audited or @AuditExempt (test/audit.e2e-spec.ts checks the whole app), so that a new
 * endpoint cannot be forgotten.
 */
export const AuditExempt = (why: string): MethodDecorator => SetMetadata(AUDIT_EXEMPT_KEY, why);

/** The request as the audit sees it: what the handler added to its entry. */
export interface AuditedRequest extends Request {
  auditDetail?: Record<string, unknown>;
}

/** What a handler adds to its call's audit entry: facts only it knows (which fields changed, whether anything did). */
export interface AuditDetail {
  add(detail: Record<string, unknown>): void;
}

/** `@AuditNote() audit: AuditDetail` in an @Audited handler. */
export const AuditNote = createParamDecorator((_: unknown, context: ExecutionContext): AuditDetail => {
  const request = context.switchToHttp().getRequest<AuditedRequest>();
  return {
    add: (detail) => {
      request.auditDetail = { ...request.auditDetail, ...detail };
    },
  };
});
