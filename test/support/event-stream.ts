import { Organization } from '../../src/organizations/entities/organization.entity';
import { SyncEvent } from '../../src/sync-events/sync-event';
import { TestUser } from './fixtures';

export interface ReceivedEvent {
  type: string;
  data: SyncEvent;
}

/** One open GET /api/pems/events, read with fetch as a browser's EventSource would. */
export class EventStream {
  readonly events: ReceivedEvent[] = [];
  private readonly abort = new AbortController();
  private waiters: Array<() => void> = [];
  private ended = false;

  private constructor(readonly label: string) {}

  static async open(baseUrl: string, organization: Organization, user: Pick<TestUser, 'token'>, label: string): Promise<EventStream> {
    const stream = new EventStream(label);
    const response = await fetch(`${baseUrl}/api/pems/events?organizationId=${organization.id}`, {
      headers: { Authorization: `Bearer ${user.token}`, Accept: 'text/event-stream' },
      signal: stream.abort.signal,
    });
    if (response.status !== 200 || !response.body) throw new Error(`${label}: the event stream answered ${response.status}: ${await response.text()}`);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    void stream.read(response.body.getReader());
    return stream;
  }

  /** The sync events received so far, keep-alives left out. */
  get syncEvents(): ReceivedEvent[] {
    return this.events.filter((event) => event.type !== 'keep-alive');
  }

  /** The first event (already received or still to come) that matches, or an error after `timeoutMs`. */
  async waitFor(predicate: (event: ReceivedEvent) => boolean, what: string, timeoutMs = 20_000): Promise<ReceivedEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(predicate);
      if (found) return found;
      if (this.ended) throw new Error(`${this.label}: the stream ended before ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.label}: no ${what} within ${timeoutMs} ms; received ${JSON.stringify(this.syncEvents.map((event) => event.type))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Resolves when the server has ended the stream; an error after `timeoutMs`. */
  async waitForEnd(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.label}: the stream was still open after ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.abort.abort();
  }

  private async read(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          this.parse(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch {
      // Closed by close(): the fetch is aborted.
    } finally {
      this.ended = true;
      this.wake();
    }
  }

  /** One SSE block: `event:` and `data:` lines (the data may span several lines). */
  private parse(block: string): void {
    let type = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) type = line.slice('event:'.length).trim();
      else if (line.startsWith('data:')) data.push(line.slice('data:'.length).replace(/^ /, ''));
    }
    if (data.length === 0) return;
    this.events.push({ type, data: JSON.parse(data.join('\n')) as SyncEvent });
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((wake) => wake());
  }
}
