import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AppException, NotFoundAppException, RequestValidationException } from '../common/errors/app.exception';
import { stableJson } from '../common/stable-json';
import { WRITE_QUEUE_CHANNEL } from '../write-sync/write-queue-channel';
import { CredentialsCipher, PemsCredentials } from './credentials-cipher.service';
import { ApiServerDto, UpsertApiServerDto } from './dto/api-server.dto';
import { CreateOrganizationDto, OrganizationDto } from './dto/organization.dto';
import { ApiServer } from './entities/api-server.entity';
import { Organization } from './entities/organization.entity';
import { pemsTenantKey } from './pems-tenant-key';

export type UpsertOutcome = 'created' | 'updated' | 'unchanged';

@Injectable()
export class OrganizationsService {
  constructor(
    @InjectRepository(Organization) private readonly organizations: Repository<Organization>,
    @InjectRepository(ApiServer) private readonly apiServers: Repository<ApiServer>,
    private readonly cipher: CredentialsCipher,
  ) {}

  async create(input: CreateOrganizationDto): Promise<OrganizationDto> {
    if (await this.organizations.existsBy({ code: input.code })) {
      throw new AppException(HttpStatus.CONFLICT, 'ORGANIZATION_EXISTS', `An organization with code ${input.code} exists already`);
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
    return this.toApiServerDto(server);
  }

  async upsertApiServer(organizationId: string, input: UpsertApiServerDto): Promise<{ server: ApiServerDto; outcome: UpsertOutcome }> {
    if (!(await this.organizations.existsBy({ id: organizationId }))) throw new NotFoundAppException('Organization');
    const existing = await this.apiServers.findOneBy({ organizationId });
    const storedCredentials = existing ? this.cipher.decrypt(existing.credentialsEncrypted) : null;
    const credentials = credentialsFrom(input, existing?.authType === input.authType ? storedCredentials : null);

    const server = existing ?? this.apiServers.create({ organizationId });
    const before = existing ? stableJson(comparable(existing)) : null;
    Object.assign(server, {
      name: input.name,
      baseUrl: input.baseUrl.replace(/\/+$/, ''),
      tenant: input.tenant,
      authType: input.authType,
      writeEnabled: input.writeEnabled ?? existing?.writeEnabled ?? false,
      isActive: input.isActive ?? existing?.isActive ?? true,
      rateLimitPerSecond: input.rateLimitPerSecond ?? null,
      timeoutMs: input.timeoutMs ?? null,
      fieldMap: input.fieldMap ?? null,
    });
    server.tenantKey = pemsTenantKey(server);
    const credentialsChanged = stableJson(credentials) !== stableJson(storedCredentials);
    if (credentialsChanged) {
      server.credentialsEncrypted = this.cipher.encrypt(credentials);
      server.credentialsUpdatedAt = new Date();
      // New credentials end a pause caused by PEMS rejecting the old ones.
      Object.assign(server, { authFailedAt: null, authPausedUntil: null, authFailureMessage: null });
    }
    if (existing && !credentialsChanged && stableJson(comparable(server)) === before) {
      return { server: this.toApiServerDto(existing), outcome: 'unchanged' };
    }
    const saved = await this.apiServers.save(server);
    // Items may have waited for this server (new credentials, writes enabled): wake the workers.
    await this.apiServers.query('SELECT pg_notify($1, $2)', [WRITE_QUEUE_CHANNEL, organizationId]);
    return { server: this.toApiServerDto(saved), outcome: existing ? 'updated' : 'created' };
  }

  private toApiServerDto(server: ApiServer): ApiServerDto {
    const credentials = this.cipher.decrypt(server.credentialsEncrypted);
    return {
      id: server.id,
      organizationId: server.organizationId,
      name: server.name,
      baseUrl: server.baseUrl,
      tenant: server.tenant,
      authType: server.authType,
      username: server.authType === 'basic' ? credentials.username ?? null : null,
      hasCredentials: server.authType === 'basic' ? Boolean(credentials.username && credentials.password) : Boolean(credentials.apiKey),
      credentialsUpdatedAt: server.credentialsUpdatedAt,
      authPausedUntil: server.authFailedAt ? server.authPausedUntil : null,
      authFailureMessage: server.authFailedAt ? server.authFailureMessage : null,
      writeEnabled: server.writeEnabled,
      isActive: server.isActive,
      rateLimitPerSecond: server.rateLimitPerSecond,
      timeoutMs: server.timeoutMs,
      fieldMap: server.fieldMap,
      updatedAt: server.updatedAt,
    };
  }
}

/** The credentials to store: those given, else the stored ones of the same auth type; both halves of basic auth are needed. */
function credentialsFrom(input: UpsertApiServerDto, stored: PemsCredentials | null): PemsCredentials {
  if (input.authType === 'basic') {
    if (input.apiKey !== undefined) {
      throw new RequestValidationException([{ field: 'apiKey', code: 'UNKNOWN_FIELD', message: 'apiKey is for authType api_key' }]);
    }
    const username = input.username ?? stored?.username;
    const password = input.password ?? stored?.password;
    const missing = [!username && 'username', !password && 'password'].filter((field): field is string => Boolean(field));
    if (missing.length > 0) {
      throw new RequestValidationException(
        missing.map((field) => ({ field, code: 'MISSING_REQUIRED_FIELD', message: `${field} is required for authType basic` })),
      );
    }
    return { username, password };
  }
  if (input.username !== undefined || input.password !== undefined) {
    const field = input.username !== undefined ? 'username' : 'password';
    throw new RequestValidationException([{ field, code: 'UNKNOWN_FIELD', message: `${field} is for authType basic` }]);
  }
  const apiKey = input.apiKey ?? stored?.apiKey;
  if (!apiKey) throw new RequestValidationException([{ field: 'apiKey', code: 'MISSING_REQUIRED_FIELD', message: 'apiKey is required for authType api_key' }]);
  return { apiKey };
}

function comparable(server: ApiServer) {
  const { name, baseUrl, tenant, authType, writeEnabled, isActive, rateLimitPerSecond, timeoutMs, fieldMap } = server;
  return { name, baseUrl, tenant, authType, writeEnabled, isActive, rateLimitPerSecond, timeoutMs, fieldMap };
}

export function toOrganizationDto(organization: Organization): OrganizationDto {
  return { id: organization.id, code: organization.code, name: organization.name, createdAt: organization.createdAt };
}
