import { Injectable } from '@nestjs/common';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { AppConfig } from '../config/app-config';
import { WebhookDelivery } from './entities/webhook-delivery.entity';
import { WebhookHostPolicy } from './webhook-host-policy';
import { webhookSignature } from './webhook-signature';

/** How one attempt ended: `delivered` on a 2xx; `interrupted` when this instance gave it up (it is stopping). */
export type AttemptResult = { outcome: 'delivered'; statusCode: number } | { outcome: 'refused'; statusCode: number | null; error: string } | { outcome: 'interrupted' };

const MAX_ERROR_LENGTH = 300;

/** The body of a delivery: the same bytes on every attempt (jsonb keeps its keys in one order). */
export function deliveryBody(delivery: WebhookDelivery): string {
  return JSON.stringify({ id: delivery.id, event: delivery.event, organizationId: delivery.organizationId, occurredAt: delivery.createdAt.toISOString(), data: delivery.data });
}

/**
 * POSTs one delivery to its receiver, signed, within WEBHOOK_TIMEOUT_MS (connecting, sending and
 * the answer's status line together). Only the status counts: the answer's body is not read, and a
 * redirect is not followed (it is an answer other than 2xx). The URL is checked against the host
 * policy again, and the connection resolves names through the policy's lookup.
 */
@Injectable()
export class WebhookSender {
  constructor(
    private readonly hosts: WebhookHostPolicy,
    private readonly config: AppConfig,
  ) {}

  send(url: string, secret: string, delivery: WebhookDelivery, signal: AbortSignal): Promise<AttemptResult> {
    const problem = this.hosts.problemWith(url);
    if (problem) return Promise.resolve({ outcome: 'refused', statusCode: null, error: `The webhook's URL ${problem}` });
    const body = deliveryBody(delivery);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const target = new URL(url);
    const timeoutMs = this.config.WEBHOOK_TIMEOUT_MS;
    return new Promise<AttemptResult>((resolve) => {
      let settled = false;
      const finish = (result: AttemptResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        outgoing.destroy();
        resolve(result);
      };
      const onAbort = () => finish({ outcome: 'interrupted' });
      const outgoing = (target.protocol === 'https:' ? httpsRequest : httpRequest)(
        target,
        {
          method: 'POST',
          agent: false,
          lookup: this.hosts.lookup,
          headers: {
            'Content-Type': 'application/json',
            'Content-Length': Buffer.byteLength(body),
            'User-Agent': 'pems-sync-webhooks',
            'X-Pems-Sync-Event': delivery.event,
            'X-Pems-Sync-Delivery': delivery.id,
            'X-Pems-Sync-Timestamp': timestamp,
            'X-Pems-Sync-Signature': webhookSignature(secret, timestamp, body),
          },
        },
        (response) => {
          const statusCode = response.statusCode ?? 0;
          response.destroy();
          finish(statusCode >= 200 && statusCode < 300 ? { outcome: 'delivered', statusCode } : { outcome: 'refused', statusCode, error: `The receiver answered ${statusCode}` });
        },
      );
      const timer = setTimeout(() => finish({ outcome: 'refused', statusCode: null, error: `No answer within ${timeoutMs} ms` }), timeoutMs);
      signal.addEventListener('abort', onAbort, { once: true });
      outgoing.on('error', (error: NodeJS.ErrnoException) =>
        finish({ outcome: 'refused', statusCode: null, error: `Could not reach the receiver: ${(error.message || error.code || 'connection failed').slice(0, MAX_ERROR_LENGTH)}` }),
      );
      if (signal.aborted) onAbort();
      else outgoing.end(body);
    });
  }
}
