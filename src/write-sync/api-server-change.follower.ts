import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ApiServerChangeListener, ApiServerChanged, ApiServerEvents } from '../organizations/api-server-events';
import { WriteQueueService } from '../write-queue/write-queue.service';
import { ServerAuthPauseService } from './server-auth-pause.service';

/**
 * What write sync does when an admin changes an organization's API server, in the same
 * transaction: new credentials end a pause for rejected ones, and the workers look again
 * (items may have waited for this server: new credentials, writes enabled).
 */
@Injectable()
export class ApiServerChangeFollower implements ApiServerChangeListener, OnModuleInit {
  constructor(
    private readonly events: ApiServerEvents,
    private readonly authPause: ServerAuthPauseService,
    private readonly queue: WriteQueueService,
  ) {}

  onModuleInit(): void {
    this.events.subscribe(this);
  }

  async apiServerChanged(manager: EntityManager, event: ApiServerChanged): Promise<void> {
    if (event.credentialsChanged) await this.authPause.credentialsReplaced(manager, event.organizationId);
    await this.queue.wakeWorkers(manager, event.organizationId);
  }
}
