import { HttpService } from '@nestjs/axios';
import { Injectable, Logger } from '@nestjs/common';
import { AxiosError, AxiosResponse } from 'axios';
import http, { ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import https from 'node:https';
import { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { AppConfig } from '../../config/app-config';
import { escapeControlCharacters } from '../../logging/control-characters';
import { PemsHostPolicy } from '../../pems-hosts/pems-host-policy';
import { resolvePemsFieldMap } from '../../pems-contract/pems-field-map';
import { PfaData } from '../../validation/pfa-fields';
import { PemsApiError } from './pems-api.error';
import { PemsConnection, PemsRecord, PemsRecordPage } from './pems-client.types';
import { redactCredentials } from './pems-credential.redactor';
import { buildGetRecordRequest, buildGridPageRequest, buildUpdateRecordRequest } from './pems-envelope.builder';
import { classifyNetworkFailure, classifyStatus, isVersionConflictAlert, parseRetryAfter, readErrorAlert } from './pems-error.classifier';
import { PemsRateLimiter, PemsTenantPausedError, SendPermit } from './pems-rate-limiter';
import { parseGridPage, parseScreenRecord } from './pems-response.parser';
import { PemsValueEncodeError, PemsValueFormatError } from './pems-value.codec';

const SCREEN_PATH = '/userdefinedscreenservices';
const GRID_PATH = '/griddata';
const MAX_ALERT_MESSAGE_LENGTH = 300;
/** The largest answer read from PEMS: a grid page of 500 rows is well under 1 MiB. */
export const MAX_PEMS_ANSWER_BYTES = 8 * 1024 * 1024;
/** The largest request sent (an update envelope is a few KiB). */
const MAX_PEMS_REQUEST_BYTES = 1024 * 1024;

/** What a call is, for log lines and error messages (never its credentials). */
interface CallLabel {
  operation: 'GET' | 'UPDATE' | 'LIST';
  subject: string;
}

function label(call: CallLabel): string {
  return `PEMS ${call.operation} ${call.subject}`;
}

/**
 * PEMS's REST web services (PEMS_CONTRACT.md): read and update one record through the
 * CUPFA2 screen service, list records through the CUPFAG grid. Each call passes the shared
 * rate-limit gate first; each failure is a PemsApiError whose `kind` tells the caller
 * whether to retry, give up, handle a version conflict or pause the server.
 */
@Injectable()
export class PemsClient {
  private readonly logger = new Logger(PemsClient.name);

  constructor(
    private readonly http: HttpService,
    private readonly rateLimiter: PemsRateLimiter,
    private readonly config: AppConfig,
    private readonly hostPolicy: PemsHostPolicy,
  ) {}

  async getRecord(conn: PemsConnection, pfaId: string): Promise<PemsRecord> {
    const call: CallLabel = { operation: 'GET', subject: pfaId };
    const body = await this.post(conn, SCREEN_PATH, buildGetRecordRequest(pfaId, conn.organizationCode), call);
    return this.parse(conn, call, () => parseScreenRecord(body, resolvePemsFieldMap(conn.fieldMap), pfaId));
  }

  /** Sends the keys, `baseVersion` as recordid and the changed fields only; answers the record as PEMS holds it after the update. */
  /**
   * `beforeSend` runs after the rate-limit wait, just before the request leaves: the caller's
   * last chance to call it off (it throws) when something changed during the wait.
   */
  async updateRecord(conn: PemsConnection, pfaId: string, baseVersion: number, changes: PfaData, beforeSend?: () => Promise<void>): Promise<PemsRecord> {
    const call: CallLabel = { operation: 'UPDATE', subject: pfaId };
    if (!Number.isInteger(baseVersion) || baseVersion < 0) {
      throw this.refuseLocally(conn, call, `base version ${baseVersion} is not a PEMS recordid`);
    }
    const fieldMap = resolvePemsFieldMap(conn.fieldMap);
    let envelope: ReturnType<typeof buildUpdateRecordRequest>;
    try {
      envelope = buildUpdateRecordRequest(pfaId, conn.organizationCode, baseVersion, changes, fieldMap);
    } catch (error) {
      if (error instanceof PemsValueEncodeError) throw this.refuseLocally(conn, call, error.message);
      throw error;
    }
    const body = await this.post(conn, SCREEN_PATH, envelope, call, beforeSend);
    return this.parse(conn, call, () => parseScreenRecord(body, fieldMap, pfaId));
  }

  /**
   * One grid page from `cursor`. PEMS may return fewer rows than `pageSize`; continue from
   * `nextCursor` until it is null. Rows of another organization are dropped.
   */
  async listRecordsPage(conn: PemsConnection, cursor: number, pageSize: number): Promise<PemsRecordPage> {
    const call: CallLabel = { operation: 'LIST', subject: `cursor ${cursor}` };
    if (!Number.isInteger(cursor) || cursor < 0 || !Number.isInteger(pageSize) || pageSize < 1) {
      throw this.refuseLocally(conn, call, `cursor ${cursor} / page size ${pageSize} are not valid`);
    }
    const body = await this.post(conn, GRID_PATH, buildGridPageRequest(cursor, pageSize), call);
    const page = this.parse(conn, call, () => parseGridPage(body, resolvePemsFieldMap(conn.fieldMap), cursor));
    const organization = conn.organizationCode.toLowerCase();
    const records = page.rows.filter((row) => row.organization === null || row.organization.toLowerCase() === organization).map((row) => row.record);
    if (records.length < page.rows.length) {
      this.logger.warn(`${label(call)}: dropped ${page.rows.length - records.length} row(s) of another organization than ${conn.organizationCode}`);
    }
    return { records, total: page.total, nextCursor: page.nextCursor };
  }

  private async post(conn: PemsConnection, path: string, envelope: unknown, call: CallLabel, beforeSend?: () => Promise<void>): Promise<unknown> {
    const headers = this.headers(conn, call);
    // Checked at every send, not only when the server was saved: PEMS_ALLOWED_HOSTS may have changed since.
    const hostProblem = this.hostPolicy.problemWith(conn.baseUrl);
    if (hostProblem) {
      const error = new PemsApiError({ kind: 'not_retryable', message: `${label(call)} not sent: the API server's base URL ${hostProblem}` });
      this.logger.warn(error.message);
      throw error;
    }
    let permit: SendPermit;
    try {
      permit = await this.rateLimiter.acquire(conn.tenantKey, conn.rateLimitPerSecond, beforeSend);
    } catch (error) {
      if (!(error instanceof PemsTenantPausedError)) throw error;
      throw new PemsApiError({ kind: 'tenant_paused', retryAfterMs: error.pausedForMs, message: `${label(call)} not sent: ${error.message}` });
    }
    const started = performance.now();
    // A hard deadline for the whole call: axios's own timeout only watches socket inactivity.
    const deadline = AbortSignal.timeout(conn.timeoutMs);
    let response: AxiosResponse<string>;
    try {
      // axios itself, not HttpService's Observable: unsubscribing from that cancels the finished
      // request, and the CanceledError it builds each time (with its stack) cost 0.2 ms per call.
      response = await this.http.axiosRef.post<string>(`${conn.baseUrl.trim().replace(/\/+$/, '')}${path}`, JSON.stringify(envelope), {
        headers,
        timeout: conn.timeoutMs,
        signal: deadline,
        responseType: 'text',
        transformResponse: [(data: unknown) => data],
        validateStatus: () => true,
        // A redirect could carry the credentials to another host; PEMS has no reason to redirect.
        maxRedirects: 0,
        maxContentLength: MAX_PEMS_ANSWER_BYTES,
        maxBodyLength: MAX_PEMS_REQUEST_BYTES,
        transport: reportingDeparture(permit, this.hostPolicy.lookup),
      });
    } catch (error) {
      throw this.fail(conn, this.networkError(conn, call, error, deadline.aborted), started);
    }

    if (response.status < 200 || response.status >= 300) {
      throw this.fail(conn, this.httpError(conn, call, response), started);
    }
    let body: unknown;
    try {
      body = JSON.parse(response.data);
    } catch {
      const unreadable = new PemsApiError({
        kind: 'not_retryable',
        status: response.status,
        message: `${label(call)}: PEMS answered ${response.status} with a body that is not JSON`,
      });
      throw this.fail(conn, unreadable, started);
    }
    const alertIn200 = this.errorAlertIn2xx(conn, call, response.status, body);
    if (alertIn200) throw this.fail(conn, alertIn200, started);
    this.logger.debug(`${label(call)} -> ${response.status} in ${Math.round(performance.now() - started)} ms`);
    return body;
  }

  private headers(conn: PemsConnection, call: CallLabel): Record<string, string> {
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      Accept: 'application/json',
      tenant: conn.tenant,
      organization: conn.organizationCode,
    };
    if (conn.authType === 'api_key') {
      if (!conn.apiKey) throw this.missingCredentials(call, 'no API key is configured');
      headers['X-Api-Key'] = conn.apiKey;
    } else {
      if (!conn.username || conn.password === undefined) throw this.missingCredentials(call, 'no user name and password are configured');
      headers.Authorization = `Basic ${Buffer.from(`${conn.username}:${conn.password}`).toString('base64')}`;
    }
    return headers;
  }

  /** Credentials missing from the server's configuration pause it like rejected ones, until someone sets them. */
  private missingCredentials(call: CallLabel, reason: string): PemsApiError {
    const error = new PemsApiError({ kind: 'credentials_rejected', message: `${label(call)} not sent: ${reason}` });
    this.logger.warn(error.message);
    return error;
  }

  /** Some EAM versions answer 200 with an ErrorAlert body instead of an error status. */
  private errorAlertIn2xx(conn: PemsConnection, call: CallLabel, status: number, body: unknown): PemsApiError | null {
    const alert = readErrorAlert(body);
    if (!alert) return null;
    return new PemsApiError({
      kind: isVersionConflictAlert(alert) ? 'version_conflict' : 'not_retryable',
      status,
      errorName: alert.name,
      message: redactCredentials(`${label(call)}: PEMS answered ${status} with ErrorAlert ${alert.name ?? '(unnamed)'}: ${this.shorten(alert.message)}`, conn),
    });
  }

  private httpError(conn: PemsConnection, call: CallLabel, response: AxiosResponse<string>): PemsApiError {
    let body: unknown = null;
    try {
      body = JSON.parse(response.data);
    } catch {
      // Gateways answer 502/503/504 with HTML; the status alone classifies those.
    }
    const alert = readErrorAlert(body);
    const retryAfter = response.headers['retry-after'];
    const detail = alert ? `${alert.name ?? '(unnamed)'}: ${this.shorten(alert.message)}` : escapeControlCharacters(this.shorten(response.statusText ?? ''));
    const retryAfterMs = parseRetryAfter(typeof retryAfter === 'string' ? retryAfter : null);
    return new PemsApiError({
      kind: classifyStatus(response.status, alert),
      status: response.status,
      // However long PEMS asks for, no longer than PEMS_RETRY_AFTER_MAX_MS (an hour by default).
      retryAfterMs: retryAfterMs === null ? null : Math.min(retryAfterMs, this.config.PEMS_RETRY_AFTER_MAX_MS),
      errorName: alert?.name ?? null,
      message: redactCredentials(`${label(call)} failed: ${response.status} ${detail}`.trim(), conn),
    });
  }

  private networkError(conn: PemsConnection, call: CallLabel, error: unknown, deadlinePassed: boolean): PemsApiError {
    const axiosError = error instanceof AxiosError ? error : null;
    const code = axiosError?.code ?? (error as NodeJS.ErrnoException | null)?.code;
    const message = error instanceof Error ? error.message : String(error);
    const timedOut = deadlinePassed || code === 'ECONNABORTED' || code === 'ETIMEDOUT';
    const failure = classifyNetworkFailure(code, message, timedOut);
    const detail = timedOut ? `timed out after ${conn.timeoutMs} ms` : failure.description;
    return new PemsApiError({ kind: failure.kind, message: redactCredentials(`${label(call)} failed: ${detail}`, conn) });
  }

  private parse<T>(conn: PemsConnection, call: CallLabel, parse: () => T): T {
    try {
      return parse();
    } catch (error) {
      if (!(error instanceof PemsValueFormatError)) throw error;
      const failure = new PemsApiError({
        kind: 'not_retryable',
        status: 200,
        message: redactCredentials(`${label(call)}: PEMS's answer could not be read: ${error.message}`, conn),
      });
      this.logger.warn(failure.message);
      throw failure;
    }
  }

  /** A call refused before anything is sent: PEMS would answer it 400. */
  private refuseLocally(conn: PemsConnection, call: CallLabel, reason: string): PemsApiError {
    const error = new PemsApiError({ kind: 'not_retryable', message: redactCredentials(`${label(call)} not sent: ${reason}`, conn) });
    this.logger.warn(error.message);
    return error;
  }

  private fail(conn: PemsConnection, error: PemsApiError, started: number): PemsApiError {
    const status = error.status === null ? 'no answer' : String(error.status);
    this.logger.warn(redactCredentials(`${error.message} [${error.kind}, ${status}, ${Math.round(performance.now() - started)} ms]`, conn));
    return error;
  }

  private shorten(text: string | null): string {
    if (!text) return '';
    return text.length > MAX_ALERT_MESSAGE_LENGTH ? `${text.slice(0, MAX_ALERT_MESSAGE_LENGTH)}...` : text;
  }
}

/**
 * axios's transport (node's http or https, as axios itself would pick with maxRedirects 0),
 * keeping the rate limit's permit:
 * - it tells the permit when the request has left: when its last byte was handed to the
 *   operating system ('finish'), or when it failed before that;
 * - a request whose connection (DNS, TCP, TLS) is not up by the permit's `abandonAt` never
 *   leaves: it is destroyed with ERR_PEMS_SLOT_PASSED, a network error worth a retry.
 */
function reportingDeparture(permit: SendPermit, lookup: RequestOptions['lookup']) {
  return {
    request(options: RequestOptions, callback: (response: IncomingMessage) => void): ClientRequest {
      const transport = options.protocol === 'https:' ? https : http;
      // The host's name is resolved by the allow-list's lookup: it must not lead to an address the list does not allow.
      const request = transport.request({ ...options, lookup }, callback);
      const slotPassed = () =>
        request.destroy(Object.assign(new Error('not sent: the connection to PEMS was not up before its send slot passed'), { code: 'ERR_PEMS_SLOT_PASSED' }));
      if (performance.now() > permit.abandonAt) {
        // At once, not on the next tick: a kept-alive socket is handed to the request on the next
        // tick and writes what the caller has ended it with by then, so a later destroy would call
        // off a request that has already left. The caller's error listener still hears of it: a
        // destroyed request emits its error on the next tick.
        slotPassed();
        return request;
      }
      let reported = false;
      const report = () => {
        if (reported) return;
        reported = true;
        permit.departed(performance.now());
      };
      request.once('finish', report);
      request.once('error', report);
      request.once('close', report);
      request.once('socket', (socket: Socket) => {
        const secure = socket instanceof TLSSocket;
        if (!socket.connecting && !(secure && !(socket as TLSSocket).encrypted)) return;
        const ready = secure ? 'secureConnect' : 'connect';
        const abandon = setTimeout(slotPassed, Math.max(0, permit.abandonAt - performance.now()));
        socket.once(ready, () => clearTimeout(abandon));
        socket.once('close', () => clearTimeout(abandon));
      });
      return request;
    },
  };
}
