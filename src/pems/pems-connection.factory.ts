import { InternalError } from '../common/errors/internal.error';
import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { CredentialsCipher } from '../organizations/credentials-cipher.service';
import { ApiServer } from '../organizations/entities/api-server.entity';
import { PemsTenant } from '../organizations/entities/pems-tenant.entity';
import { PemsConnection } from './client/pems-client.types';
import { PemsException } from './pems-errors';

export interface OrganizationConnection {
  server: ApiServer;
  connection: PemsConnection;
}

/** Turns an organization's stored API server into what the PEMS client needs: credentials decrypted, defaults applied. */
@Injectable()
export class PemsConnectionFactory {
  private readonly logger = new Logger(PemsConnectionFactory.name);

  constructor(
    @InjectRepository(ApiServer) private readonly servers: Repository<ApiServer>,
    @InjectRepository(PemsTenant) private readonly tenants: Repository<PemsTenant>,
    private readonly cipher: CredentialsCipher,
    private readonly config: AppConfig,
  ) {}

  /** The organization's active server; 409 when it has none (or, with `forWriting`, none that may write). */
  async forOrganization(organizationId: string, options: { forWriting?: boolean } = {}): Promise<OrganizationConnection> {
    const found = (await this.forOrganizations([organizationId], options)).get(organizationId)!;
    if (found instanceof Error) throw found;
    return found;
  }

  /**
   * The connections of several organizations at once, in two statements whatever their number
   * (a claim of the worker's spans up to one organization per tenant): each organization's
   * connection, or the error forOrganization would throw for it.
   */
  async forOrganizations(organizationIds: string[], options: { forWriting?: boolean } = {}): Promise<Map<string, OrganizationConnection | Error>> {
    const found = new Map<string, OrganizationConnection | Error>();
    if (organizationIds.length === 0) return found;
    const servers = await this.servers.find({ where: { organizationId: In(organizationIds), isActive: true }, relations: { organization: true } });
    const tenantKeys = [...new Set(servers.map((server) => server.tenantKey))];
    const tenants = new Map((await this.tenants.findBy({ tenantKey: In(tenantKeys) })).map((tenant) => [tenant.tenantKey, tenant.rateLimitPerSecond]));
    for (const organizationId of organizationIds) {
      const server = servers.find((candidate) => candidate.organizationId === organizationId);
      if (!server) found.set(organizationId, PemsException.noApiServer('active'));
      else if (options.forWriting && !server.writeEnabled) found.set(organizationId, PemsException.noApiServer('write-enabled'));
      else {
        try {
          found.set(organizationId, { server, connection: this.connect(server, tenants.get(server.tenantKey) ?? this.config.PEMS_RATE_LIMIT_PER_SECOND) });
        } catch (error) {
          found.set(organizationId, error as Error);
        }
      }
    }
    return found;
  }

  /** `rateLimitPerSecond`: the tenant's (one value per tenant, pems_tenants). */
  private connect(server: ApiServer, rateLimitPerSecond: number): PemsConnection {
    if (!server.organization) throw new InternalError('connect() needs the API server loaded with its organization');
    const { credentials, problem } = this.cipher.decryptOrNone(server.credentialsEncrypted, server.id);
    if (problem) this.logger.warn(`API server ${server.id} of ${server.organization.code}: ${problem}; set its credentials again`);
    return {
      baseUrl: server.baseUrl,
      tenant: server.tenant,
      tenantKey: server.tenantKey,
      organizationCode: server.organization.code,
      authType: server.authType,
      username: credentials.username,
      password: credentials.password,
      apiKey: credentials.apiKey,
      timeoutMs: server.timeoutMs ?? this.config.PEMS_REQUEST_TIMEOUT_MS,
      rateLimitPerSecond,
      fieldMap: server.fieldMap,
    };
  }
}
