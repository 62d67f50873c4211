import { Controller, Get, Header, Headers, HttpStatus, Res } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Response } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { Public } from '../auth/authenticated.decorator';
import { AppException } from '../common/errors/app.exception';
import { AppConfig } from '../config/app-config';
import { SyncMetricsService } from './sync-metrics.service';

/**
 * Prometheus scrape endpoint, at the root like /health. With METRICS_TOKEN set, it asks for that
 * bearer token; without, it is open in development and off (404) in production.
 */
@ApiTags('health')
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: SyncMetricsService,
    private readonly config: AppConfig,
  ) {}

  @Get()
  @Public()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Prometheus metrics: queue depth by status, sends by outcome, send latency, conflicts, oldest pending age',
    description: 'No user token. When the deployment sets METRICS_TOKEN, send it as Authorization: Bearer <METRICS_TOKEN>; in production without one, metrics are off (404).',
  })
  @ApiOkResponse({ description: 'Prometheus text exposition format' })
  @ApiUnauthorizedResponse({ description: 'METRICS_TOKEN is set and the request does not carry it' })
  @ApiNotFoundResponse({ description: 'In production without METRICS_TOKEN: metrics are off' })
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() response: Response): Promise<void> {
    this.checkAccess(authorization);
    response.type(this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }

  private checkAccess(authorization: string | undefined): void {
    const token = this.config.METRICS_TOKEN;
    if (!token) {
      if (this.config.NODE_ENV === 'production') throw new AppException(HttpStatus.NOT_FOUND, 'NOT_FOUND', 'Metrics are off in production until METRICS_TOKEN is set');
      return;
    }
    const given = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1] ?? '';
    // Compared as digests, in constant time: neither the token nor its length shows in the timing.
    const same = timingSafeEqual(createHash('sha256').update(given).digest(), createHash('sha256').update(token).digest());
    if (!same) throw new AppException(HttpStatus.UNAUTHORIZED, 'METRICS_TOKEN_REQUIRED', '/metrics needs the METRICS_TOKEN bearer token');
  }
}
