import { SetMetadata, applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiForbiddenResponse, ApiNotFoundResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { EntityTarget, ObjectLiteral } from 'typeorm';
import { Permission } from './entities/user-organization.entity';

/**
 * Where the guard finds the organization a request is about:
 * - 'request': `organizationId` in the query, else in the body;
 * - { param }: the route parameter IS the organization id (admin routes);
 * - { resource, param }: the organization of the entity whose id is in the route parameter.
 */
export type OrganizationSource = 'request' | { param: string } | { resource: EntityTarget<ObjectLiteral & { organizationId: string }>; param: string };

export interface AuthenticatedOptions {
  /** Needed in the request's organization. Superadmins hold every permission. */
  permission?: Permission;
  organization?: OrganizationSource;
  superadmin?: boolean;
}

export const AUTHENTICATED_KEY = 'pems-sync:authenticated';
export const PUBLIC_KEY = 'pems-sync:public';

/**
 * One decorator says who may call an endpoint, and documents it in Swagger. Without a
 * permission it only needs a valid token.
 */
export function Authenticated(options: AuthenticatedOptions = {}): MethodDecorator & ClassDecorator {
  const decorators = [SetMetadata(AUTHENTICATED_KEY, options), ApiBearerAuth(), ApiUnauthorizedResponse({ description: 'No token, or an invalid or expired one' })];
  if (options.permission) {
    const where = options.organization && typeof options.organization === 'object' && 'resource' in options.organization ? "in the resource's organization" : 'in the organization';
    decorators.push(ApiExtension('x-permission', options.permission), ApiForbiddenResponse({ description: `Needs ${options.permission} ${where}` }));
    if (options.organization && typeof options.organization === 'object') {
      decorators.push(ApiNotFoundResponse({ description: 'No such resource, or not one the caller may see' }));
    }
  }
  if (options.superadmin) {
    decorators.push(ApiExtension('x-permission', 'superadmin'), ApiForbiddenResponse({ description: 'Needs a superadmin' }));
  }
  return applyDecorators(...decorators);
}

/** Open to anyone: login, health, metrics. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);
