import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Permission } from './entities/user-organization.entity';

/** What a long-lived answer (an event stream) was allowed on, to be checked again while it lasts. */
export interface GrantedAccess {
  userId: string;
  tokenVersion: number;
  /** When the token ends, ms since the epoch. */
  tokenExpiresAt: number;
  organizationId: string;
  permission: Permission;
}

/**
 * Checks again what the auth guard checked when a request began: the token has not expired, its
 * user is active and has not changed their password since, and holds the permission in the
 * organization (or is a superadmin). One query.
 */
@Injectable()
export class AccessCheck {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Null while the access holds, else why it ended. */
  async problemWith(access: GrantedAccess): Promise<string | null> {
    if (Date.now() >= access.tokenExpiresAt) return 'the token has expired';
    const column = access.permission.toLowerCase();
    const [row]: Array<{ active: boolean; current: boolean; allowed: boolean }> = await this.dataSource.query(
      `SELECT u.is_active AS active, u.token_version = $2 AS current, (u.is_superadmin OR coalesce(m.${column}, false)) AS allowed
       FROM users u LEFT JOIN user_organizations m ON m.user_id = u.id AND m.organization_id = $3
       WHERE u.id = $1`,
      [access.userId, access.tokenVersion, access.organizationId],
    );
    if (!row || !row.active) return 'the user is no longer active';
    if (!row.current) return 'the password changed';
    if (!row.allowed) return `the user no longer holds ${access.permission} in the organization`;
    return null;
  }
}
