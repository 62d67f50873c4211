import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Observable, concatMap } from 'rxjs';
import { AuthenticatedRequest } from '../auth/auth-context';
import { AUDITED_KEY, AUDIT_PER_ITEM_KEY, AuditAction, AuditedRequest } from '../common/audited.decorator';
import { AUDIT_ENTRIES, withoutSecrets } from './audit-entries';
import { AuditLogService } from './audit-log.service';

/**
 * Keeps an audit entry for each call of an @Audited endpoint that succeeded: after the handler
 * answered (an exception, answered 4xx or 5xx by the global filter, records nothing), and before
 * the answer is sent, so that a client that got its 2xx finds the entry. The entry's organization
 * is the one the auth guard checked the permission in.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditLogService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const action = this.reflector.get<AuditAction | undefined>(AUDITED_KEY, context.getHandler());
    if (!action || context.getType() !== 'http') return next.handle();
    if (this.reflector.get<boolean | undefined>(AUDIT_PER_ITEM_KEY, context.getHandler())) return next.handle();
    const request = context.switchToHttp().getRequest<AuditedRequest & AuthenticatedRequest>();
    return next.handle().pipe(
      concatMap(async (answer: unknown) => {
        await this.keep(action, request, answer);
        return answer;
      }),
    );
  }

  private async keep(action: AuditAction, request: AuditedRequest & AuthenticatedRequest, answer: unknown): Promise<void> {
    const user = request.auth?.user;
    // Every audited endpoint is authenticated; without a user there is no one to name.
    if (!user) return;
    let facts;
    try {
      const body = request.body && typeof request.body === 'object' && !Array.isArray(request.body) ? (request.body as Record<string, unknown>) : {};
      facts = AUDIT_ENTRIES[action]({ params: (request.params ?? {}) as Record<string, string>, body, answer, added: request.auditDetail ?? {} });
    } catch (error) {
      facts = { target: null, detail: { auditProblem: `the entry's details could not be taken: ${(error as Error).message}` } };
    }
    await this.audit.record({
      user: { id: user.id, username: user.username },
      organizationId: request.auth?.organizationId ?? facts.organizationId ?? null,
      action,
      target: facts.target,
      detail: withoutSecrets(facts.detail),
    });
  }
}
