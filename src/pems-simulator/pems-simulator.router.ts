import { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { PEMS_KEY_FIELDS, PEMS_VERSION_FIELD } from '../pems-contract/pems-field-map';
import { PemsFaultInjector } from './pems-fault.injector';
import { PemsRequestLog, PemsRequestLogEntry, preciseNow } from './pems-request.log';
import { PemsRestServicesHandler, SimulatorAnswer } from './pems-rest-services.handler';
import { errorAlert, parseGridRequest, parseScreenRequest } from './pems-simulator-envelopes';
import { PemsSimulatorError } from './pems-simulator.error';
import { PemsTenantAuthenticator, PresentedCredentials, presentedCredentials } from './pems-tenant.authenticator';
import { EventLoopDelayWatch } from './event-loop-delay.watch';
import { SlidingWindowRateLimiter } from './sliding-window-rate-limiter';

const CONTROL_PREFIX = '/__sim';
const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Answers the control API (`/__sim/...`): method, path below the prefix, query, parsed body. */
export interface ControlApiHandler {
  handle(method: string, path: string, query: URLSearchParams, body: unknown): SimulatorAnswer | Promise<SimulatorAnswer>;
}

export interface PemsSimulatorRouterDeps {
  basePath: string;
  log: PemsRequestLog;
  rateLimiter: SlidingWindowRateLimiter;
  faults: PemsFaultInjector;
  authenticator: PemsTenantAuthenticator;
  services: PemsRestServicesHandler;
  control: ControlApiHandler;
  /** When set, each log entry says how late its arrival time may be. */
  arrivalDelay?: EventLoopDelayWatch;
}

type Outcome =
  | { kind: 'answer'; status: number; body: unknown; headers?: Record<string, string>; fault?: PemsRequestLogEntry['fault'] }
  | { kind: 'drop'; fault: 'dropped' | 'lost_response'; status?: number }
  | { kind: 'hold' };

function header(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
    // A client that goes away mid-body never sends 'end'; without this the request would wait forever.
    req.on('close', () => {
      if (!req.complete) reject(new Error('The client closed the connection before sending the whole body'));
    });
  });
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function authForLog(presented: PresentedCredentials): PemsRequestLogEntry['auth'] {
  if (!presented) return null;
  return presented.type === 'basic' ? { type: 'basic', username: presented.username } : { type: 'api_key' };
}

function answer(status: number, body: unknown, headers?: Record<string, string>, fault?: PemsRequestLogEntry['fault']): Outcome {
  return { kind: 'answer', status, body, headers, fault };
}

function refusal(error: PemsSimulatorError): Outcome {
  return answer(error.status, errorAlert(error.alertName, error.message));
}

/**
 * The simulator's HTTP pipeline for one request: log it, count it against the tenant's
 * rate limit, apply injected faults and latency, check tenant and credentials, then let
 * the contract endpoints or the control API answer.
 */
export class PemsSimulatorRouter {
  constructor(private readonly deps: PemsSimulatorRouterDeps) {}

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    this.route(req, res).catch((error: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        this.write(res, 500, errorAlert('InternalError', error instanceof Error ? error.message : String(error)));
      }
    });
  };

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Arrival time and the rate-limit count are taken before the body is read, so the
    // window sees requests in the order they reached the server.
    const at = preciseNow();
    const url = new URL(req.url ?? '/', 'http://simulator');
    if (url.pathname === CONTROL_PREFIX || url.pathname.startsWith(`${CONTROL_PREFIX}/`)) {
      await this.routeControl(req, res, url);
      return;
    }

    const tenant = header(req, 'tenant');
    const organization = header(req, 'organization');
    const presented = presentedCredentials(req.headers);
    const entry = this.deps.log.open({
      at,
      atUncertaintyMs: this.deps.arrivalDelay ? Math.round(this.deps.arrivalDelay.uncertaintyAt(at) * 1000) / 1000 : null,
      method: req.method ?? '',
      path: url.pathname,
      tenant,
      organization,
      contentType: header(req, 'content-type'),
      accept: header(req, 'accept'),
      auth: authForLog(presented),
      action: null,
      pfaId: null,
      recordid: null,
      fields: {},
      cursor: null,
      pageSize: null,
      status: null,
      fault: null,
    });
    const rate = this.deps.rateLimiter.hit(tenant ?? '', at, entry.atUncertaintyMs ?? 0);
    const fault = rate.allowed ? this.deps.faults.decide() : { kind: 'none' as const };
    const unauthorizedWindow = this.deps.faults.isUnauthorized(at);

    const rawBody = await readBody(req);
    const body = parseJson(rawBody);
    if (body.ok) describeRequest(entry, url.pathname, this.deps.basePath, body.value);

    let outcome: Outcome;
    if (!rate.allowed) {
      outcome = answer(429, errorAlert('RateLimitExceeded', 'Too many requests for this tenant.'), {
        'Retry-After': this.retryAfter(rate.retryAfterSeconds),
      });
    } else if (fault.kind === 'drop') {
      outcome = { kind: 'drop', fault: 'dropped' };
    } else if (fault.kind === 'timeout') {
      outcome = { kind: 'hold' };
    } else if (fault.kind === 'status') {
      outcome = this.injectedStatus(fault.status);
    } else {
      outcome = this.serve(req, url.pathname, tenant, organization, presented, unauthorizedWindow, body);
      if (fault.kind === 'lost_response' && outcome.kind === 'answer') {
        outcome = { kind: 'drop', fault: 'lost_response', status: outcome.status };
      }
    }

    if (outcome.kind === 'hold') {
      // Never answered: the client's own timeout has to fire. stop() closes the socket.
      entry.fault = 'timeout';
      return;
    }
    if (this.deps.faults.latencyMs > 0) await sleep(this.deps.faults.latencyMs);
    if (outcome.kind === 'drop') {
      entry.fault = outcome.fault;
      entry.status = null;
      req.socket.destroy();
      return;
    }
    entry.status = outcome.status;
    entry.fault = outcome.fault ?? null;
    this.write(res, outcome.status, outcome.body, outcome.headers);
  }

  private serve(
    req: IncomingMessage,
    path: string,
    tenant: string | null,
    organization: string | null,
    presented: PresentedCredentials,
    unauthorizedWindow: boolean,
    body: { ok: true; value: unknown } | { ok: false },
  ): Outcome {
    if (!tenant) return refusal(new PemsSimulatorError(400, 'MissingHeader', 'The tenant header is required.'));
    if (unauthorizedWindow) {
      return answer(401, errorAlert('InvalidCredentials', 'Invalid credentials.'), undefined, 'unauthorized_window');
    }
    if (!this.deps.authenticator.accepts(tenant, presented)) {
      return answer(401, errorAlert('InvalidCredentials', 'Invalid credentials.'));
    }
    if (!organization) return refusal(new PemsSimulatorError(400, 'MissingHeader', 'The organization header is required.'));

    const endpoint = this.endpointOf(path);
    if (!endpoint) return refusal(new PemsSimulatorError(404, 'NotFound', `No service at ${path}.`));
    if (req.method !== 'POST') return refusal(new PemsSimulatorError(405, 'MethodNotAllowed', `${path} takes POST.`));
    if (!(header(req, 'content-type') ?? '').toLowerCase().startsWith('application/json')) {
      return refusal(new PemsSimulatorError(400, 'InvalidRequest', 'Content-Type must be application/json.'));
    }
    if (!body.ok) return refusal(new PemsSimulatorError(400, 'InvalidRequest', 'The request body is not valid JSON.'));

    try {
      const result =
        endpoint === 'screen' ? this.deps.services.screen(parseScreenRequest(body.value), organization) : this.deps.services.grid(parseGridRequest(body.value), organization);
      return answer(result.status, result.body);
    } catch (error) {
      if (error instanceof PemsSimulatorError) return refusal(error);
      throw error;
    }
  }

  private endpointOf(path: string): 'screen' | 'grid' | null {
    if (path === `${this.deps.basePath}/userdefinedscreenservices`) return 'screen';
    if (path === `${this.deps.basePath}/griddata`) return 'grid';
    return null;
  }

  private injectedStatus(status: number): Outcome {
    const names: Record<number, [string, string]> = {
      403: ['InsufficientPrivileges', 'The user is not allowed to perform this operation.'],
      429: ['RateLimitExceeded', 'Too many requests for this tenant.'],
      500: ['InternalServerError', 'An unexpected error occurred.'],
      502: ['BadGateway', 'The gateway received an invalid response.'],
      503: ['ServiceUnavailable', 'The service is temporarily unavailable.'],
      504: ['GatewayTimeout', 'The gateway timed out.'],
    };
    const [name, message] = names[status];
    const headers = status === 429 ? { 'Retry-After': this.retryAfter(this.deps.faults.retryAfterSeconds) } : undefined;
    return answer(status, errorAlert(name, message), headers, 'injected_status');
  }

  private retryAfter(seconds: number): string {
    if (!this.deps.faults.retryAfterAsHttpDate) return String(seconds);
    // An HTTP date has whole seconds: round up so the client never comes back too early.
    return new Date(Math.ceil((Date.now() + seconds * 1000) / 1000) * 1000).toUTCString();
  }

  private async routeControl(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const body = parseJson(await readBody(req));
    if (!body.ok) {
      this.write(res, 400, errorAlert('InvalidRequest', 'The request body is not valid JSON.'));
      return;
    }
    try {
      const result = await this.deps.control.handle(req.method ?? 'GET', url.pathname.slice(CONTROL_PREFIX.length) || '/', url.searchParams, body.value);
      this.write(res, result.status, result.body);
    } catch (error) {
      if (error instanceof PemsSimulatorError) {
        this.write(res, error.status, errorAlert(error.alertName, error.message));
      } else {
        this.write(res, 400, errorAlert('InvalidRequest', error instanceof Error ? error.message : String(error)));
      }
    }
  }

  private write(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    if (body === undefined) {
      res.writeHead(status, headers);
      res.end();
      return;
    }
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Fills the log entry from the body, best effort: a request the endpoints refuse is logged too. */
function describeRequest(entry: PemsRequestLogEntry, path: string, basePath: string, body: unknown): void {
  if (!isObject(body)) return;
  if (path === `${basePath}/griddata`) {
    const grid = isObject(body.GRID) ? body.GRID : {};
    entry.action = 'LIST';
    entry.cursor = typeof grid.CURSOR_POSITION === 'number' ? grid.CURSOR_POSITION : null;
    entry.pageSize = typeof grid.NUMBER_OF_ROWS_FIRST_RETURNED === 'number' ? grid.NUMBER_OF_ROWS_FIRST_RETURNED : null;
    return;
  }
  entry.action = typeof body.USERDEFINEDSERVICEACTION === 'string' ? body.USERDEFINEDSERVICEACTION : null;
  const list = body.USERDEFINEDSCREENFIELDVALUELIST;
  const pairs = isObject(list) && Array.isArray(list.USERDEFINEDSCREENFIELDVALUEPAIR) ? list.USERDEFINEDSCREENFIELDVALUEPAIR : [];
  for (const pair of pairs) {
    if (!isObject(pair) || typeof pair.USERDEFINEDSCREENFIELDNAME !== 'string') continue;
    const name = pair.USERDEFINEDSCREENFIELDNAME;
    const value = isObject(pair.USERDEFINEDSCREENFIELDVALUE) ? pair.USERDEFINEDSCREENFIELDVALUE : {};
    if (name === PEMS_KEY_FIELDS.pfaId) entry.pfaId = typeof value.TEXTDATA === 'string' ? value.TEXTDATA : null;
    else if (name === PEMS_VERSION_FIELD) entry.recordid = typeof value.NUMERICDATA === 'number' ? value.NUMERICDATA : null;
    else if (name !== PEMS_KEY_FIELDS.organization) entry.fields[name] = pair.USERDEFINEDSCREENFIELDVALUE;
  }
}
