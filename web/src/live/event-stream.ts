import { ApiClient } from '../api/client';
import { SseParser, type ServerSentEvent } from './sse-parser';

export type StreamState = 'connecting' | 'live' | 'paused' | 'reconnecting';

export interface EventStreamOptions {
  api: ApiClient;
  organizationId: string;
  /** Each sync event (sync.completed, conflict.created…), parsed. */
  onEvent(event: { type: string; data: Record<string, unknown> }): void;
  /** The stream (re)connected after a gap (a drop, a hidden tab): what was missed must be fetched again. */
  onResume(): void;
  onState(state: StreamState): void;
}

/** Waits before reconnecting, growing after each failure: 1 s, 2 s, 5 s, 10 s, then every 30 s. */
const RECONNECT_DELAYS_MS = [1_000, 2_000, 5_000, 10_000, 30_000];

/**
 * GET /api/pems/events read with fetch() and the Authorization header: the browser's
 * EventSource cannot send a header, and a token in the URL would end up in logs and history.
 * The stream closes while the tab is hidden and opens again when it is shown; a dropped stream
 * reconnects by itself. After every gap, onResume asks the pages to fetch again what they show.
 */
export class EventStream {
  private controller: AbortController | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private failures = 0;
  private stopped = false;
  private everConnected = false;

  constructor(private readonly options: EventStreamOptions) {}

  start(): void {
    document.addEventListener('visibilitychange', this.onVisibility);
    if (document.hidden) this.options.onState('paused');
    else this.connect();
  }

  stop(): void {
    this.stopped = true;
    document.removeEventListener('visibilitychange', this.onVisibility);
    this.disconnect();
  }

  private readonly onVisibility = () => {
    if (this.stopped) return;
    if (document.hidden) {
      this.disconnect();
      this.options.onState('paused');
    } else if (!this.controller) {
      this.failures = 0;
      this.connect();
    }
  };

  private disconnect(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.controller?.abort();
    this.controller = null;
  }

  private connect(): void {
    const token = this.options.api.bearer;
    if (!token || this.stopped) return;
    const controller = new AbortController();
    this.controller = controller;
    this.options.onState(this.everConnected ? 'reconnecting' : 'connecting');
    void this.read(controller, token);
  }

  private async read(controller: AbortController, token: string): Promise<void> {
    let closedByServer = false;
    try {
      const response = await fetch(`/api/pems/events?organizationId=${encodeURIComponent(this.options.organizationId)}`, {
        headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' },
        signal: controller.signal,
        cache: 'no-store',
      });
      if (response.status === 401) {
        this.options.api.unauthorized();
        return;
      }
      if (!response.ok || !response.body) throw new Error(`event stream answered ${response.status}`);
      const resumed = this.everConnected;
      this.everConnected = true;
      this.failures = 0;
      this.options.onState('live');
      // Whatever happened while there was no stream (the first connection included) is fetched again.
      if (resumed) this.options.onResume();
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      const parser = new SseParser();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const event of parser.push(value)) closedByServer = this.dispatch(event) || closedByServer;
      }
    } catch {
      // A dropped connection or a refused one: reconnect below, unless it was closed on purpose.
      if (controller.signal.aborted) return;
    }
    if (controller.signal.aborted || this.stopped) return;
    this.controller = null;
    if (closedByServer) {
      // The server ended the stream because the access no longer holds: the next API call tells why (401, 403).
      this.options.onResume();
    }
    this.scheduleReconnect();
  }

  /** Answers true when the server said the stream is closed. */
  private dispatch(event: ServerSentEvent): boolean {
    if (event.type === 'keep-alive') return false;
    let data: Record<string, unknown>;
    try {
      data = JSON.parse(event.data) as Record<string, unknown>;
    } catch {
      return false;
    }
    if (event.type === 'stream.closed') return true;
    this.options.onEvent({ type: event.type, data });
    return false;
  }

  private scheduleReconnect(): void {
    this.options.onState('reconnecting');
    const delay = RECONNECT_DELAYS_MS[Math.min(this.failures, RECONNECT_DELAYS_MS.length - 1)];
    this.failures += 1;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!document.hidden) this.connect();
    }, delay);
  }
}
