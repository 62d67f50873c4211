import { createHmac } from 'node:crypto';

/**
 * The X-Pems-Sync-Signature of a delivery: `sha256=` and the hex HMAC-SHA256, under the webhook's
 * secret, of `<timestamp>.<raw body>` (the timestamp being X-Pems-Sync-Timestamp, in unix seconds).
 * Signing the timestamp with the body lets a receiver refuse an old request replayed.
 */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}
