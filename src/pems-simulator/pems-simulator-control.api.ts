import { PemsFaultConfig } from './pems-fault.injector';
import { PemsSimulatorControls } from './pems-simulator-controls';
import { PemsSimulatorError } from './pems-simulator.error';
import { ControlApiHandler } from './pems-simulator.router';
import { PemsGridQuirks, SimulatorAnswer } from './pems-rest-services.handler';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function bad(message: string): PemsSimulatorError {
  return new PemsSimulatorError(400, 'InvalidRequest', message);
}

function objectBody(body: unknown): Record<string, unknown> {
  if (body === undefined) return {};
  if (!isObject(body)) throw bad('The body must be a JSON object.');
  return body;
}

function text(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value === '') throw bad(`${name} must be a non-empty string.`);
  return value;
}

function optionalText(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw bad(`${name} must be a string.`);
  return value;
}

function optionalNumber(body: Record<string, unknown>, name: string): number | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw bad(`${name} must be a number.`);
  return value;
}

function optionalFields(body: Record<string, unknown>, name: string): Record<string, unknown> | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (!isObject(value)) throw bad(`${name} must be an object of PFA field -> value.`);
  return value;
}

const ok = (body: unknown): SimulatorAnswer => ({ status: 200, body });
const noContent: SimulatorAnswer = { status: 204, body: undefined };

/**
 * The simulator's control API under `/__sim` (JSON, no auth): seeding, editing records as
 * another PEMS user, faults, limits, settings and the request log. Each route calls the
 * PemsSimulatorControls method of the same name, so HTTP and in-process callers get the same thing.
 */
export class PemsSimulatorControlApi implements ControlApiHandler {
  constructor(private readonly simulator: PemsSimulatorControls) {}

  handle(method: string, path: string, query: URLSearchParams, rawBody: unknown): SimulatorAnswer {
    const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
    const route = `${method} /${segments[0] ?? ''}`;
    const body = objectBody(rawBody);

    if (segments[0] === 'records') return this.records(method, segments.slice(1), query, body);
    switch (route) {
      case 'POST /seed': {
        const count = optionalNumber(body, 'count');
        if (count === undefined || !Number.isInteger(count) || count < 0) throw bad('count must be a non-negative integer.');
        const organization = text(body, 'organization');
        const seeded = this.simulator.seed(organization, count, {
          seed: optionalNumber(body, 'seed'),
          idPrefix: optionalText(body, 'idPrefix'),
          firstNumber: optionalNumber(body, 'firstNumber'),
          referenceDate: optionalText(body, 'referenceDate'),
        });
        return ok({ organization, count: seeded });
      }
      case 'POST /reset':
        this.simulator.reset();
        return noContent;
      case 'GET /faults':
        return ok(this.simulator.getFaults());
      case 'PUT /faults':
        this.simulator.setFaults(body as PemsFaultConfig);
        return ok(this.simulator.getFaults());
      case 'DELETE /faults':
        this.simulator.clearFaults();
        return noContent;
      case 'GET /rate-limit':
        return ok({ perSecond: this.simulator.getRateLimit(query.get('tenant') ?? undefined) });
      case 'PUT /rate-limit': {
        const perSecond = body.perSecond;
        if (perSecond !== null && (typeof perSecond !== 'number' || !Number.isFinite(perSecond) || perSecond < 0)) {
          throw bad('perSecond must be a non-negative number, or null for no limit.');
        }
        const tenant = optionalText(body, 'tenant');
        this.simulator.setRateLimit(perSecond, tenant);
        return ok({ perSecond, tenant: tenant ?? null });
      }
      case 'PUT /conflict-status': {
        if (body.status !== 409 && body.status !== 400) throw bad('status must be 409 or 400.');
        this.simulator.setConflictStatus(body.status);
        return ok({ status: body.status });
      }
      case 'GET /credentials':
        return ok(this.simulator.getTenants());
      case 'PUT /credentials': {
        const tenant = text(body, 'tenant');
        this.simulator.setCredentials(tenant, {
          username: optionalText(body, 'username'),
          password: optionalText(body, 'password'),
          apiKey: optionalText(body, 'apiKey'),
        });
        return ok({ tenant });
      }
      case 'GET /field-map':
        return ok(this.simulator.getFieldMap());
      case 'PUT /field-map': {
        const fieldMap = body.fieldMap;
        if (fieldMap !== null && !isObject(fieldMap)) throw bad('fieldMap must be an object of PFA field -> PEMS name, or null.');
        this.simulator.setFieldMap(fieldMap as Record<string, string> | null);
        return ok(this.simulator.getFieldMap());
      }
      case 'PUT /grid-page-size': {
        const maxRows = optionalNumber(body, 'maxRows');
        if (maxRows === undefined || !Number.isInteger(maxRows) || maxRows < 1) throw bad('maxRows must be a positive integer.');
        this.simulator.setMaxGridPageSize(maxRows);
        return ok({ maxRows });
      }
      case 'GET /grid-quirks':
        return ok(this.simulator.getGridQuirks());
      case 'PUT /grid-quirks':
        this.simulator.setGridQuirks(body as PemsGridQuirks);
        return ok(this.simulator.getGridQuirks());
      case 'DELETE /grid-quirks':
        this.simulator.setGridQuirks({});
        return noContent;
      case 'GET /log': {
        const since = Number(query.get('since') ?? 0);
        if (!Number.isInteger(since) || since < 0) throw bad('since must be a non-negative integer.');
        return ok(this.simulator.getLog(since));
      }
      case 'DELETE /log':
        this.simulator.clearLog();
        return noContent;
      default:
        throw new PemsSimulatorError(404, 'NotFound', `No control route ${method} /__sim${path}.`);
    }
  }

  private records(method: string, segments: string[], query: URLSearchParams, body: Record<string, unknown>): SimulatorAnswer {
    const [organization, pfaId, verb] = segments;
    if (!organization) throw new PemsSimulatorError(404, 'NotFound', 'Use /__sim/records/:organization[/:pfaId].');
    const notFound = () => new PemsSimulatorError(404, 'RecordNotFound', `Record ${pfaId} does not exist in organization ${organization}.`);

    if (pfaId === undefined && method === 'GET') {
      const offset = Number(query.get('offset') ?? 0);
      const limit = Number(query.get('limit') ?? 100);
      if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(limit) || limit < 1) throw bad('offset and limit must be integers.');
      return ok(this.simulator.listRecords(organization, offset, limit));
    }
    if (pfaId !== undefined && verb === undefined) {
      switch (method) {
        case 'GET': {
          const record = this.simulator.getRecord(organization, pfaId);
          if (!record) throw notFound();
          return ok(record);
        }
        case 'PUT':
          return ok(
            this.simulator.putRecord({
              organization,
              pfaId,
              recordid: optionalNumber(body, 'recordid'),
              lastModified: optionalText(body, 'lastModified'),
              data: optionalFields(body, 'data'),
            }),
          );
        case 'DELETE':
          if (!this.simulator.deleteRecord(organization, pfaId)) throw notFound();
          return noContent;
      }
    }
    if (pfaId !== undefined && verb === 'change' && method === 'POST') {
      const fields = optionalFields(body, 'fields');
      if (!fields) throw bad('fields must be an object of PFA field -> value.');
      return ok(this.simulator.changeRecord(organization, pfaId, fields));
    }
    throw new PemsSimulatorError(404, 'NotFound', `No control route ${method} /__sim/records/${segments.join('/')}.`);
  }
}
