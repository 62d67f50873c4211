import { InternalError } from '../common/errors/internal.error';
import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Client } from 'pg';
import { DatabaseServerService } from './database-server.service';

type Handler = (payload: string) => void;

/**
 * One dedicated PostgreSQL connection per process for LISTEN/NOTIFY: the worker hears of
 * queued items and every instance hears of sync events, whichever instance caused them.
 * The connection is re-established after any failure (a restarted database, a terminated
 * backend), and subscribers are told, so they can catch up on what they missed meanwhile.
 */
@Injectable()
export class PgListenerService implements OnApplicationShutdown {
  private readonly logger = new Logger('PgListener');
  private readonly handlers = new Map<string, Set<Handler>>();
  private readonly reconnectHandlers = new Set<() => void>();
  private client?: Client;
  private connecting?: Promise<void>;
  private closed = false;
  private retryTimer?: NodeJS.Timeout;

  constructor(private readonly server: DatabaseServerService) {}

  /** Calls `handler` with each notification's payload on `channel`; answers an unsubscribe function. */
  async listen(channel: string, handler: Handler): Promise<() => void> {
    const set = this.handlers.get(channel) ?? new Set<Handler>();
    const first = set.size === 0;
    set.add(handler);
    this.handlers.set(channel, set);
    await this.ensureConnected();
    if (first && this.client) await this.client.query(`LISTEN ${quote(channel)}`);
    return () => set.delete(handler);
  }

  /** Called after the connection was lost and re-established. */
  onReconnect(handler: () => void): void {
    this.reconnectHandlers.add(handler);
  }

  private ensureConnected(): Promise<void> {
    if (this.client || this.closed) return Promise.resolve();
    this.connecting ??= this.connect().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: await this.server.connectionUrl(), application_name: 'pems-sync-listener' });
    client.on('notification', (message) => {
      for (const handler of this.handlers.get(message.channel) ?? []) {
        try {
          handler(message.payload ?? '');
        } catch (error) {
          this.logger.error(`A ${message.channel} handler failed: ${(error as Error).message}`);
        }
      }
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    await client.connect();
    for (const channel of this.handlers.keys()) await client.query(`LISTEN ${quote(channel)}`);
    this.client = client;
  }

  private lost(client: Client, error: Error): void {
    if (this.client !== client || this.closed) return;
    this.client = undefined;
    this.logger.warn(`The LISTEN connection was lost (${error.message}); reconnecting`);
    client.end().catch(() => undefined);
    this.scheduleReconnect(1000);
  }

  private scheduleReconnect(delayMs: number): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.ensureConnected().then(
        () => this.reconnectHandlers.forEach((handler) => handler()),
        (error: Error) => {
          this.logger.warn(`Reconnecting the LISTEN connection failed (${error.message}); trying again`);
          this.scheduleReconnect(Math.min(delayMs * 2, 10_000));
        },
      );
    }, delayMs);
    this.retryTimer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}

function quote(channel: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new InternalError(`Not a channel name: ${channel}`);
  return channel;
}
