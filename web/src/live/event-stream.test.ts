import { ApiClient } from '../api/client';
import { EventStream, type StreamState } from './event-stream';

/** A fetch answer whose body the test writes to, chunk by chunk, and can end. */
function streamingAnswer() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (c) => (controller = c) });
  const encoder = new TextEncoder();
  return {
    response: new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } }),
    write: (text: string) => controller.enqueue(encoder.encode(text)),
    end: () => controller.close(),
  };
}

function memoryStorage(token: string): Storage {
  const values = new Map([['pems-sync.token', token]]);
  return {
    getItem: (key: string) => values.get(key) ?? null,
    setItem: (key: string, value: string) => void values.set(key, value),
    removeItem: (key: string) => void values.delete(key),
    clear: () => values.clear(),
    key: () => null,
    length: 0,
  };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('EventStream', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it('sends the token in the Authorization header, never in the URL, and passes events on', async () => {
    const answer = streamingAnswer();
    const fetchMock = vi.fn().mockResolvedValue(answer.response);
    vi.stubGlobal('fetch', fetchMock);
    const events: string[] = [];
    const stream = new EventStream({
      api: new ApiClient(memoryStorage('secret-token')),
      organizationId: 'org-1',
      onEvent: (event) => events.push(event.type),
      onResume: () => {},
      onState: () => {},
    });
    stream.start();
    await flush();
    answer.write('event: sync.completed\ndata: {"organizationId":"org-1"}\n\nevent: keep-alive\ndata: {}\n\n');
    await vi.waitFor(() => expect(events).toEqual(['sync.completed']));
    const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(url).toBe('/api/pems/events?organizationId=org-1');
    expect(url).not.toContain('secret-token');
    expect((init.headers as Record<string, string>).Authorization).toBe('Bearer secret-token');
    stream.stop();
  });

  it('reconnects by itself after the stream drops, and asks for a refetch of what was missed', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const first = streamingAnswer();
    const second = streamingAnswer();
    const fetchMock = vi.fn().mockResolvedValueOnce(first.response).mockResolvedValueOnce(second.response);
    vi.stubGlobal('fetch', fetchMock);
    const states: StreamState[] = [];
    const onResume = vi.fn();
    const stream = new EventStream({ api: new ApiClient(memoryStorage('t')), organizationId: 'org-1', onEvent: () => {}, onResume, onState: (state) => states.push(state) });
    stream.start();
    await vi.waitFor(() => expect(states).toContain('live'));
    expect(onResume).not.toHaveBeenCalled();
    first.end();
    await vi.waitFor(() => expect(states.at(-1)).toBe('reconnecting'));
    await vi.advanceTimersByTimeAsync(1_000);
    await vi.waitFor(() => expect(fetchMock).toHaveBeenCalledTimes(2));
    await vi.waitFor(() => expect(onResume).toHaveBeenCalledTimes(1));
    expect(states.at(-1)).toBe('live');
    stream.stop();
  });

  it('closes while the tab is hidden and catches up when it is shown again', async () => {
    const answers = [streamingAnswer(), streamingAnswer()];
    let signal: AbortSignal | undefined;
    const fetchMock = vi.fn().mockImplementation((_url: string, init: RequestInit) => {
      signal = init.signal ?? undefined;
      return Promise.resolve(answers[fetchMock.mock.calls.length - 1].response);
    });
    vi.stubGlobal('fetch', fetchMock);
    const states: StreamState[] = [];
    const onResume = vi.fn();
    const stream = new EventStream({ api: new ApiClient(memoryStorage('t')), organizationId: 'o', onEvent: () => {}, onResume, onState: (state) => states.push(state) });
    stream.start();
    await vi.waitFor(() => expect(states).toContain('live'));

    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    document.dispatchEvent(new Event('visibilitychange'));
    expect(signal?.aborted).toBe(true);
    expect(states.at(-1)).toBe('paused');

    Object.defineProperty(document, 'hidden', { configurable: true, get: () => false });
    document.dispatchEvent(new Event('visibilitychange'));
    await vi.waitFor(() => expect(onResume).toHaveBeenCalledTimes(1));
    expect(fetchMock).toHaveBeenCalledTimes(2);
    stream.stop();
  });

  it('ends the session on a 401 instead of retrying', async () => {
    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(new Response('{}', { status: 401 })));
    const api = new ApiClient(memoryStorage('expired'));
    const unauthorized = vi.fn();
    api.onUnauthorized(unauthorized);
    const stream = new EventStream({ api, organizationId: 'o', onEvent: () => {}, onResume: () => {}, onState: () => {} });
    stream.start();
    await vi.waitFor(() => expect(unauthorized).toHaveBeenCalled());
    expect(api.signedIn).toBe(false);
    stream.stop();
  });
});
