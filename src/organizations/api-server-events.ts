import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** An organization's API server was created or changed (committed with the caller's transaction). */
export interface ApiServerChanged {
  organizationId: string;
  /** New credentials were stored. */
  credentialsChanged: boolean;
}

/** Something that must follow an API server's change in the same transaction (write sync: end a credentials pause, wake the workers). */
export interface ApiServerChangeListener {
  apiServerChanged(manager: EntityManager, event: ApiServerChanged): Promise<void>;
}

/**
 * Tells the modules built on organizations that an API server changed, inside the transaction
 * that changed it, so that what follows (a credentials pause ended) commits or rolls back with
 * the change. Organizations knows its listeners only by this interface: they subscribe at
 * start-up (OnModuleInit). Listeners run one after another, never at once, because they share
 * the transaction's one connection; an in-process event emitter would run them concurrently.
 */
@Injectable()
export class ApiServerEvents {
  private readonly listeners: ApiServerChangeListener[] = [];

  subscribe(listener: ApiServerChangeListener): void {
    this.listeners.push(listener);
  }

  async changed(manager: EntityManager, event: ApiServerChanged): Promise<void> {
    for (const listener of this.listeners) await listener.apiServerChanged(manager, event);
  }
}
