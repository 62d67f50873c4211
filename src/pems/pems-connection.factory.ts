import { InternalError } from '../common/errors/internal.error';
import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
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
    const server = await this.servers.findOne({ where: { organizationId, isActive: true }, relations: { organization: true } });
    if (!server) throw PemsException.noApiServer('active');
    if (options.forWriting && !server.writeEnabled) throw PemsException.noApiServer('write-enabled');
    const tenant = await this.tenants.findOneBy({ tenantKey: server.tenantKey });
    return { server, connection: this.connect(server, tenant?.rateLimitPerSecond ?? this.config.PEMS_RATE_LIMIT_PER_SECOND) };
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
