import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { ApiServer } from '../organizations/entities/api-server.entity';
import { PemsTenant } from '../organizations/entities/pems-tenant.entity';
import { readTenantUsage } from '../pems/rate-limit/tenant-usage';
import { ServerStateDto } from './dto/server-state.dto';
import { ServerWritesPauseService } from './server-writes-pause.service';

const NOT_CONFIGURED: ServerStateDto = {
  configured: false,
  name: null,
  baseUrl: null,
  tenant: null,
  writeEnabled: null,
  isActive: null,
  rateLimitPerSecond: null,
  sentLastMinute: null,
  usedPerSecondNow: null,
  credentialsPaused: null,
  writesPaused: null,
  retryAfterUntil: null,
};

/** GET /api/pems/server-state: the organization's PEMS server, its tenant's rate limit and use of it, and what holds its writes. */
@Injectable()
export class ServerStateService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly writesPause: ServerWritesPauseService,
  ) {}

  async state(organizationId: string): Promise<ServerStateDto> {
    const server = await this.dataSource.getRepository(ApiServer).findOneBy({ organizationId });
    if (!server) return { ...NOT_CONFIGURED };
    const [tenant, usage, writesPause] = await Promise.all([
      this.dataSource.getRepository(PemsTenant).findOneBy({ tenantKey: server.tenantKey }),
      readTenantUsage(this.dataSource, server.tenantKey),
      this.writesPause.pauseOf(organizationId),
    ]);
    return {
      configured: true,
      name: server.name,
      baseUrl: shownUrl(server.baseUrl),
      tenant: server.tenant,
      writeEnabled: server.writeEnabled,
      isActive: server.isActive,
      rateLimitPerSecond: tenant?.rateLimitPerSecond ?? this.config.PEMS_RATE_LIMIT_PER_SECOND,
      sentLastMinute: usage.lastMinute,
      usedPerSecondNow: usage.lastTenSeconds / 10,
      credentialsPaused: server.authFailedAt ? { since: server.authFailedAt, until: server.authPausedUntil, message: server.authFailureMessage } : null,
      writesPaused: writesPause,
      retryAfterUntil: usage.retryAfterUntil,
    };
  }
}

/**
 * perm_Read sees this: the scheme, host, port and path only. A user or password in the URL
 * (https://user:pass@host) and a query string or fragment (where a key could be, ?api_key=…)
 * never show.
 */
function shownUrl(baseUrl: string): string {
  try {
    const url = new URL(baseUrl);
    return `${url.protocol}//${url.host}${url.pathname}`.replace(/\/+$/, '');
  } catch {
    return '(not a valid URL)';
  }
}
