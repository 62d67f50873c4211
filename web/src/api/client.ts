import type { FieldError } from './types';

/** An answer other than 2xx, with the API's error body (code, message, and field errors for a 400). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type Listener = () => void;

/**
 * The one way the console talks to the API: same origin, JSON, the token in the Authorization
 * header (never in a URL). A 401 on a signed-in request ends the session (the token expired or
 * was revoked): the listeners send the user to the login page.
 */
export class ApiClient {
  private token: string | null;
  private readonly unauthorizedListeners = new Set<Listener>();

  constructor(private readonly storage: Storage = sessionStorage) {
    this.token = storage.getItem(TOKEN_KEY);
  }

  get signedIn(): boolean {
    return this.token !== null;
  }

  get bearer(): string | null {
    return this.token;
  }

  setToken(token: string | null): void {
    this.token = token;
    if (token) this.storage.setItem(TOKEN_KEY, token);
    else this.storage.removeItem(TOKEN_KEY);
  }

  onUnauthorized(listener: Listener): () => void {
    this.unauthorizedListeners.add(listener);
    return () => this.unauthorizedListeners.delete(listener);
  }

  /** Called by the event stream too, when its answer is a 401. */
  unauthorized(): void {
    this.setToken(null);
    for (const listener of this.unauthorizedListeners) listener();
  }

  get<T>(path: string, query?: Record<string, string | number | boolean | undefined | null>, signal?: AbortSignal): Promise<T> {
    return this.request<T>('GET', withQuery(path, query), undefined, signal);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, body);
  }

  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }

  private async request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const sentWithToken = this.token !== null;
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    let response: Response;
    try {
      response = await fetch(`/api${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw new ApiError(0, 'NETWORK', 'The server could not be reached. Check your connection and try again.');
    }
    const text = await response.text();
    const parsed: unknown = text ? safeJson(text) : undefined;
    if (response.ok) return parsed as T;
    const answer = (parsed ?? {}) as { code?: string; message?: string; errors?: FieldError[] };
    if (response.status === 401 && sentWithToken) this.unauthorized();
    throw new ApiError(response.status, answer.code ?? String(response.status), answer.message ?? response.statusText, answer.errors ?? []);
  }
}

const TOKEN_KEY = 'pems-sync.token';

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function withQuery(path: string, query?: Record<string, string | number | boolean | undefined | null>): string {
  if (!query) return path;
  const parameters = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') parameters.set(key, String(value));
  const text = parameters.toString();
  return text ? `${path}?${text}` : path;
}

export const api = new ApiClient();
