import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import { isUUID } from 'class-validator';
import { DataSource } from 'typeorm';
import { NotFoundAppException } from '../common/errors/app.exception';
import { AppConfig } from '../config/app-config';
import { AuthContext, AuthenticatedRequest, hasPermission } from './auth-context';
import { AuthException } from './auth-errors';
import { AUTHENTICATED_KEY, AuthenticatedOptions, OrganizationSource, PUBLIC_KEY } from './authenticated.decorator';
import { UserOrganization } from './entities/user-organization.entity';
import { User } from './entities/user.entity';
import { durationToSeconds } from '../config/duration';

export interface AccessTokenPayload {
  sub: string;
  username: string;
  /** The user's tokenVersion when the token was issued. */
  ver: number;
  iat?: number;
  exp?: number;
}

/**
 * The words a 404 uses for a resource addressed by id, keyed by its entity's class name: the
 * caller reads "PFA record not found", as the services answer, never a class name. Auth is a core
 * folder and imports no feature, hence names rather than the classes.
 */
const RESOURCE_NAMES = new Map<string, string>([
  ['PfaRecord', 'PFA record'],
  ['PfaModification', 'Modification'],
  ['PfaWriteQueueItem', 'Queue item'],
  ['PfaSyncConflict', 'Conflict'],
]);

/**
 * The one global guard (APP_GUARD). Every route needs a valid bearer token unless it is
 * @Public(); @Authenticated({ permission, organization }) adds the permission check in the
 * organization the request names. A resource addressed by id in an organization the caller
 * does not belong to answers 404, as if it did not exist.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly tokenLifetimeSeconds: number;

  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtService,
    @InjectDataSource() private readonly dataSource: DataSource,
    config: AppConfig,
  ) {
    this.tokenLifetimeSeconds = durationToSeconds(config.JWT_EXPIRES_IN);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const options = this.reflector.getAllAndOverride<AuthenticatedOptions>(AUTHENTICATED_KEY, targets) ?? {};
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();

    const { user, tokenExpiresAt } = await this.authenticate(request);
    const auth: AuthContext = { user, tokenExpiresAt };
    request.auth = auth;

    if (options.superadmin && !user.isSuperadmin) throw AuthException.superadminOnly();
    if (!options.permission) return true;

    const source = options.organization ?? 'request';
    auth.organizationId = await this.organizationOf(source, request);
    auth.membership = await this.dataSource.getRepository(UserOrganization).findOne({ where: { userId: user.id, organizationId: auth.organizationId } });

    const addressedById = source !== 'request';
    if (addressedById && !user.isSuperadmin && !auth.membership) throw new NotFoundAppException(describeSource(source));
    if (!hasPermission(auth, options.permission)) throw AuthException.permissionMissing(options.permission);
    return true;
  }

  private async authenticate(request: AuthenticatedRequest): Promise<{ user: User; tokenExpiresAt: number }> {
    const header = request.header('authorization');
    const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
    if (!match) throw AuthException.tokenMissing();
    let payload: AccessTokenPayload;
    try {
      // maxAge: no token lives longer than JWT_EXPIRES_IN from when it was issued, whatever its exp says.
      payload = await this.jwt.verifyAsync<AccessTokenPayload>(match[1], { maxAge: this.tokenLifetimeSeconds });
    } catch {
      throw AuthException.tokenInvalid();
    }
    if (typeof payload.exp !== 'number' || typeof payload.iat !== 'number') throw AuthException.tokenWithoutExpiry();
    const user = isUUID(payload.sub) ? await this.dataSource.getRepository(User).findOne({ where: { id: payload.sub } }) : null;
    if (!user || !user.isActive) throw AuthException.userNotActive();
    if (payload.ver !== user.tokenVersion) throw AuthException.tokenOutdated();
    return { user, tokenExpiresAt: payload.exp * 1000 };
  }

  private async organizationOf(source: OrganizationSource, request: AuthenticatedRequest): Promise<string> {
    if (source === 'request') {
      // The handler reads the organization from its query or its body; both are checked, and
      // two different values are refused, so that it can never act on one the guard did not check.
      const fromQuery = request.query?.organizationId;
      const body = request.body as Record<string, unknown> | undefined;
      const fromBody = body && typeof body === 'object' ? body.organizationId : undefined;
      if (fromQuery !== undefined && fromBody !== undefined && fromQuery !== fromBody) throw AuthException.organizationIdConflicting();
      const given = fromQuery !== undefined ? fromQuery : fromBody;
      if (given === undefined || given === null || given === '') throw AuthException.organizationIdMissing();
      if (typeof given !== 'string' || !isUUID(given)) throw AuthException.notUuid('organizationId');
      return given;
    }
    const id = request.params?.[source.param];
    if (typeof id !== 'string' || !isUUID(id)) throw AuthException.notUuid(source.param);
    if (!('resource' in source)) return id;
    const row = await this.dataSource
      .getRepository(source.resource)
      .createQueryBuilder('resource')
      .select('resource.organizationId', 'organizationId')
      .where('resource.id = :id', { id })
      .getRawOne<{ organizationId: string }>();
    if (!row) throw new NotFoundAppException(describeSource(source));
    return row.organizationId;
  }
}

/** What a 404 calls the organization or the resource a route addressed by id. */
export function describeSource(source: OrganizationSource): string {
  if (typeof source === 'object' && 'resource' in source) {
    const entityName = (source.resource as { name?: unknown }).name;
    return (typeof entityName === 'string' ? RESOURCE_NAMES.get(entityName) : undefined) ?? 'Resource';
  }
  return 'Organization';
}
