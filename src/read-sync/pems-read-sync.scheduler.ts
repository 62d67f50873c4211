import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectRepository } from '@nestjs/typeorm';
import { CronJob } from 'cron';
import { Repository } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { ApiServer } from '../organizations/entities/api-server.entity';
import { PemsErrorCode, PemsException } from '../pems/pems-errors';
import { PemsReadSyncService } from './pems-read-sync.service';

const READ_SYNC_JOB = 'pems-read-sync';

/**
 * With PEMS_READ_SYNC_SCHEDULE set, pulls every organization that has an active PEMS server
 * on that schedule. Runs do not overlap; across instances, the per-organization lock of
 * PemsReadSyncService lets one instance pull and the others skip.
 */
@Injectable()
export class PemsReadSyncScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger('CronScheduler');
  private running = false;

  constructor(
    private readonly config: AppConfig,
    private readonly registry: SchedulerRegistry,
    private readonly readSync: PemsReadSyncService,
    @InjectRepository(ApiServer) private readonly servers: Repository<ApiServer>,
  ) {}

  onApplicationBootstrap(): void {
    const schedule = this.config.PEMS_READ_SYNC_SCHEDULE;
    if (!schedule) return;
    const job = CronJob.from({ cronTime: schedule, onTick: () => void this.runOnce(), start: true });
    this.registry.addCronJob(READ_SYNC_JOB, job);
    this.logger.log(`PEMS read sync job scheduled: ${schedule}`);
  }

  async runOnce(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const servers = await this.servers.find({ where: { isActive: true }, select: { organizationId: true } });
      for (const { organizationId } of servers) {
        try {
          // Deletions beyond PEMS_READ_SYNC_MAX_DELETE_PERCENT wait for a person: the schedule withholds them and warns.
          await this.readSync.syncOrganization(organizationId, { confirmDeletions: false });
        } catch (error) {
          if (error instanceof PemsException && error.code === PemsErrorCode.ReadSyncRunning) continue;
          this.logger.warn(`Scheduled read sync of organization ${organizationId} failed: ${(error as Error).message}`);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
