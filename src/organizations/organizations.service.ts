import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { NotFoundAppException } from '../common/errors/app.exception';
import { Page, PaginationQueryDto } from '../common/dto/pagination.dto';
import { stableJson } from '../common/stable-json';
import { AppConfig } from '../config/app-config';
import { PemsHostPolicy } from '../pems-hosts/pems-host-policy';
import { ApiServerEvents } from './api-server-events';
import { CredentialsCipher, PemsCredentials } from './credentials-cipher.service';
import { ApiServerChangeDto, ApiServerDto, UpsertApiServerDto, UserRefDto } from './dto/api-server.dto';
import { CreateOrganizationDto, OrganizationDto } from './dto/organization.dto';
import { ApiServerChange, ApiServerFieldChange } from './entities/api-server-change.entity';
import { ApiServer } from './entities/api-server.entity';
import { Organization } from './entities/organization.entity';
import { PemsTenant } from './entities/pems-tenant.entity';
import { OrganizationException } from './organization-errors';
import { pemsTenantKey } from './pems-tenant-key';

export type UpsertOutcome = 'created' | 'updated' | 'unchanged';

@Injectable()
export class OrganizationsService {
  constructor(
    @InjectRepository(Organization) private readonly organizations: Repository<Organization>,
    @InjectRepository(ApiServer) private readonly apiServers: Repository<ApiServer>,
    @InjectRepository(ApiServerChange) private readonly changes: Repository<ApiServerChange>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly cipher: CredentialsCipher,
    private readonly hostPolicy: PemsHostPolicy,
    private readonly config: AppConfig,
    private readonly events: ApiServerEvents,
  ) {}

  async create(input: CreateOrganizationDto): Promise<OrganizationDto> {
    if (await this.organizations.existsBy({ code: input.code })) {
      throw OrganizationException.exists(input.code);
    }
    return toOrganizationDto(await this.organizations.save(this.organizations.create(input)));
  }

  /** Creates the organization, or renames it; by code, so that seeding twice changes nothing. */
  async upsertByCode(input: CreateOrganizationDto): Promise<{ organization: Organization; outcome: UpsertOutcome }> {
    const existing = await this.organizations.findOneBy({ code: input.code });
    if (!existing) return { organization: await this.organizations.save(this.organizations.create(input)), outcome: 'created' };
    if (existing.name === input.name) return { organization: existing, outcome: 'unchanged' };
    existing.name = input.name;
    return { organization: await this.organizations.save(existing), outcome: 'updated' };
  }

  async getApiServer(organizationId: string): Promise<ApiServerDto> {
    const server = await this.apiServers.findOneBy({ organizationId });
    if (!server) throw new NotFoundAppException('API server');
    const manager = this.dataSource.manager;
    return this.toApiServerDto(server, await this.tenantRate(manager, server.tenantKey), await this.userRef(manager, server.writesPausedBy));
  }

  /**
   * Creates or changes the organization's API server, and keeps the change in api_server_changes
   * (who, when, each field before and after; never a secret), in one transaction with the
   * organization's row locked, so that two admins saving at once take turns. The host must be one
   * PEMS_ALLOWED_HOSTS allows. Stored credentials are kept only while the base URL's origin, the
   * tenant and the auth type stay: pointing the server elsewhere needs them given again, so that
   * they are never sent to a host they were not given for.
   */
  async upsertApiServer(
    organizationId: string,
    input: UpsertApiServerDto,
    changedBy: ApiServerChangeAuthor | null = null,
  ): Promise<{ server: ApiServerDto; outcome: UpsertOutcome; changedFields: string[] }> {
    const hostProblem = this.hostPolicy.problemWith(input.baseUrl);
    if (hostProblem) throw OrganizationException.hostNotAllowed(hostProblem);
    const result = await this.dataSource.transaction(async (manager) => {
      const organization = await manager.findOne(Organization, { where: { id: organizationId }, lock: { mode: 'pessimistic_write' } });
      if (!organization) throw new NotFoundAppException('Organization');
      const existing = await manager.findOne(ApiServer, { where: { organizationId }, lock: { mode: 'pessimistic_write' } });
      const baseUrl = input.baseUrl.replace(/\/+$/, '');
      const keepsCredentials = existing !== null && existing.authType === input.authType && sameOrigin(existing.baseUrl, baseUrl) && existing.tenant === input.tenant;
      const storedCredentials = existing ? this.cipher.decryptOrNone(existing.credentialsEncrypted, existing.id).credentials : null;
      const credentials = credentialsFrom(input, keepsCredentials ? storedCredentials : null, existing !== null && !keepsCredentials);

      // A new server's id is chosen here: its credentials are encrypted bound to it.
      const server = existing ?? manager.create(ApiServer, { id: randomUUID(), organizationId });
      const before = existing ? auditable(existing, storedCredentials, null) : null;
      Object.assign(server, {
        name: input.name,
        baseUrl,
        tenant: input.tenant,
        authType: input.authType,
        writeEnabled: input.writeEnabled ?? existing?.writeEnabled ?? false,
        isActive: input.isActive ?? existing?.isActive ?? true,
        timeoutMs: input.timeoutMs ?? null,
        fieldMap: input.fieldMap ?? null,
      });
      server.tenantKey = pemsTenantKey(server);
      const { current, rate } = await this.settleTenantRate(manager, server.tenantKey, input.rateLimitPerSecond, changedBy);
      // The server's tenant before this request: the same row just read, unless the tenant changed.
      const rateBefore = !existing ? null : existing.tenantKey === server.tenantKey ? current : await this.tenantRate(manager, existing.tenantKey);
      const credentialsChanged = stableJson(credentials) !== stableJson(storedCredentials);
      if (credentialsChanged) {
        server.credentialsEncrypted = this.cipher.encrypt(credentials, server.id);
        server.credentialsUpdatedAt = new Date();
      }
      if (before) before.rateLimitPerSecond = rateBefore;
      const changes = changedFields(before, auditable(server, credentials, rate), credentialsChanged);
      if (existing && Object.keys(changes).length === 0) return { saved: existing, rate, outcome: 'unchanged' as const, changedFields: [] as string[] };
      const saved = await manager.save(server);
      await manager.save(
        manager.create(ApiServerChange, {
          organizationId,
          apiServerId: saved.id,
          changedBy: changedBy?.id ?? null,
          changedByUsername: changedBy?.username ?? null,
          action: existing ? 'updated' : 'created',
          changes,
        }),
      );
      // Write sync ends a credentials pause on new credentials, and wakes its workers (writes enabled, say).
      await this.events.changed(manager, { organizationId, credentialsChanged });
      // As it stands now, with what the listeners changed (a pause ended).
      const afterListeners = await manager.findOneByOrFail(ApiServer, { id: saved.id });
      return { saved: afterListeners, rate, outcome: existing ? ('updated' as const) : ('created' as const), changedFields: Object.keys(changes) };
    });
    const pausedBy = await this.userRef(this.dataSource.manager, result.saved.writesPausedBy);
    return { server: this.toApiServerDto(result.saved, result.rate, pausedBy), outcome: result.outcome, changedFields: result.changedFields };
  }

  /** The user as an answer names them; null for none (or one that no longer exists). */
  private async userRef(manager: EntityManager, userId: string | null): Promise<UserRefDto | null> {
    if (!userId) return null;
    const [user]: UserRefDto[] = await manager.query('SELECT id, username FROM users WHERE id = $1', [userId]);
    return user ?? null;
  }

  /** The tenant's rate limit: its pems_tenants row, else PEMS_RATE_LIMIT_PER_SECOND. */
  private async tenantRate(manager: EntityManager, tenantKey: string): Promise<number> {
    const tenant = await manager.findOne(PemsTenant, { where: { tenantKey } });
    return tenant?.rateLimitPerSecond ?? this.config.PEMS_RATE_LIMIT_PER_SECOND;
  }

  /**
   * A tenant has one rate limit, whichever organizations use it. A superadmin (or the seed, or
   * the service itself) sets it; an organization admin may send the current value back but not
   * change it (403): otherwise one organization could slow down another's PEMS traffic. Answers
   * the tenant's rate before (`current`) and after this request. The tenant's row is locked after
   * the organization's and the server's.
   */
  private async settleTenantRate(
    manager: EntityManager,
    tenantKey: string,
    wanted: number | undefined,
    changedBy: ApiServerChangeAuthor | null,
  ): Promise<{ current: number; rate: number }> {
    const tenant = await manager.findOne(PemsTenant, { where: { tenantKey }, lock: { mode: 'pessimistic_write' } });
    const current = tenant?.rateLimitPerSecond ?? this.config.PEMS_RATE_LIMIT_PER_SECOND;
    if (wanted === undefined || wanted === current) return { current, rate: current };
    if (changedBy && !changedBy.isSuperadmin) throw OrganizationException.tenantRateForSuperadmin(current);
    await manager.upsert(PemsTenant, { tenantKey, rateLimitPerSecond: wanted, changedBy: changedBy?.id ?? null, changedAt: new Date() }, ['tenantKey']);
    return { current, rate: wanted };
  }

  /** The API server's changes, newest first. */
  async apiServerChanges(organizationId: string, page: PaginationQueryDto): Promise<Page<ApiServerChangeDto>> {
    const [rows, total] = await this.changes.findAndCount({
      where: { organizationId },
      order: { id: 'DESC' },
      skip: (page.page - 1) * page.pageSize,
      take: page.pageSize,
    });
    return {
      items: rows.map((row) => ({ id: row.id, changedAt: row.changedAt, changedBy: row.changedByUsername, action: row.action, changes: row.changes })),
      total,
      page: page.page,
      pageSize: page.pageSize,
    };
  }

  private toApiServerDto(server: ApiServer, rateLimitPerSecond: number, writesPausedBy: UserRefDto | null): ApiServerDto {
    const { credentials } = this.cipher.decryptOrNone(server.credentialsEncrypted, server.id);
    return {
      id: server.id,
      organizationId: server.organizationId,
      name: server.name,
      baseUrl: server.baseUrl,
      tenant: server.tenant,
      authType: server.authType,
      username: server.authType === 'basic' ? (credentials.username ?? null) : null,
      hasCredentials: server.authType === 'basic' ? Boolean(credentials.username && credentials.password) : Boolean(credentials.apiKey),
      credentialsUpdatedAt: server.credentialsUpdatedAt,
      authPausedUntil: server.authFailedAt ? server.authPausedUntil : null,
      authFailureMessage: server.authFailedAt ? server.authFailureMessage : null,
      writesPausedAt: server.writesPausedAt,
      writesPausedBy: server.writesPausedAt ? writesPausedBy : null,
      writesPauseReason: server.writesPausedAt ? server.writesPauseReason : null,
      writeEnabled: server.writeEnabled,
      isActive: server.isActive,
      rateLimitPerSecond,
      timeoutMs: server.timeoutMs,
      fieldMap: server.fieldMap,
      updatedAt: server.updatedAt,
    };
  }
}

/**
 * The credentials to store: those given, else the stored ones (null when they may not be kept);
 * both halves of basic auth are needed. `dropped`: stored ones were let go because the server
 * now points elsewhere, which the message says.
 */
function credentialsFrom(input: UpsertApiServerDto, stored: PemsCredentials | null, dropped: boolean): PemsCredentials {
  const because = dropped ? " (the base URL's origin, the tenant or the auth type changed, so the stored credentials are not kept: give them again)" : '';
  if (input.authType === 'basic') {
    if (input.apiKey !== undefined) throw OrganizationException.credentialForOtherAuthType('apiKey');
    const username = input.username ?? stored?.username;
    const password = input.password ?? stored?.password;
    const missing = [!username && 'username', !password && 'password'].filter((field): field is string => Boolean(field));
    if (missing.length > 0) throw OrganizationException.credentialsMissing('basic', missing, because);
    return { username, password };
  }
  if (input.username !== undefined || input.password !== undefined) {
    throw OrganizationException.credentialForOtherAuthType(input.username !== undefined ? 'username' : 'password');
  }
  const apiKey = input.apiKey ?? stored?.apiKey;
  if (!apiKey) throw OrganizationException.credentialsMissing('api_key', ['apiKey'], because);
  return { apiKey };
}

/** Who changed an API server, as the audit keeps it. */
export interface ApiServerChangeAuthor {
  id: string;
  username: string;
  isSuperadmin: boolean;
}

/** The fields an audit record shows: everything but the secrets (the basic-auth username is no secret). */
function auditable(server: ApiServer, credentials: PemsCredentials | null, rateLimitPerSecond: number | null): Record<string, unknown> {
  const { name, baseUrl, tenant, authType, writeEnabled, isActive, timeoutMs, fieldMap } = server;
  return { name, baseUrl, tenant, authType, username: credentials?.username ?? null, writeEnabled, isActive, rateLimitPerSecond, timeoutMs, fieldMap };
}

function changedFields(before: Record<string, unknown> | null, after: Record<string, unknown>, credentialsChanged: boolean): Record<string, ApiServerFieldChange> {
  const changes: Record<string, ApiServerFieldChange> = {};
  for (const [field, value] of Object.entries(after)) {
    const previous = before ? (before[field] ?? null) : null;
    if (stableJson(previous) !== stableJson(value ?? null)) changes[field] = { from: previous, to: value ?? null };
  }
  if (credentialsChanged) changes.credentials = { from: before ? 'stored' : null, to: 'given' };
  return changes;
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

function toOrganizationDto(organization: Organization): OrganizationDto {
  return { id: organization.id, code: organization.code, name: organization.name, createdAt: organization.createdAt };
}
