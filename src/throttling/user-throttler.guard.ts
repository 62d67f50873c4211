import { ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import { AuthenticatedRequest } from '../auth/auth-context';
import { AppException } from '../common/errors/app.exception';

/**
 * Counts requests per user (the auth guard has run: the user is known), not per address, and
 * answers over the limit with the service's own 429 (Retry-After set by the throttler).
 */
@Injectable()
export class UserThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(request: Record<string, unknown>): Promise<string> {
    const auth = (request as unknown as AuthenticatedRequest).auth;
    return auth ? `user:${auth.user.id}` : `address:${String(request.ip)}`;
  }

  protected override async throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    throw new AppException(
      HttpStatus.TOO_MANY_REQUESTS,
      'TOO_MANY_REQUESTS',
      `At most ${detail.limit} of these requests per ${Math.round(detail.ttl / 1000)} s per user; try again in ${detail.timeToBlockExpire} s`,
    );
  }
}
