import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import type { Request } from 'express';
import { InternalError } from '../common/errors/internal.error';
import { Permission, UserOrganization } from './entities/user-organization.entity';
import { User } from './entities/user.entity';

/** What the auth guard learned about the caller, attached to the request. */
export interface AuthContext {
  user: User;
  /** When the caller's token ends, ms since the epoch. */
  tokenExpiresAt: number;
  /** The organization the request is about, when the endpoint is organization-scoped. */
  organizationId?: string;
  membership?: UserOrganization | null;
}

export interface AuthenticatedRequest extends Request {
  auth?: AuthContext;
}

export function hasPermission(auth: AuthContext, permission: Permission): boolean {
  return auth.user.isSuperadmin || auth.membership?.[permission] === true;
}

/** The caller's AuthContext, in a handler: `@Auth() auth: AuthContext`. */
export const Auth = createParamDecorator((_: unknown, context: ExecutionContext): AuthContext => {
  const auth = context.switchToHttp().getRequest<AuthenticatedRequest>().auth;
  if (!auth) throw new InternalError('@Auth() used on a route the auth guard did not authenticate');
  return auth;
});
