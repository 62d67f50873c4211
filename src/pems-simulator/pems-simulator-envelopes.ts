import { PEMS_KEY_FIELDS, PEMS_LAST_MODIFIED_FIELD, PEMS_VERSION_FIELD } from '../pems-contract/pems-field-map';
import { PEMS_PFA_FIELDS, PfaFieldName, PfaValue } from '../pems-contract/pems-pfa-fields';
import { SimulatedPemsRecord, isCalendarDate } from './pems-record.store';
import { PemsSimulatorError } from './pems-simulator.error';

/**
 * The wire shapes of PEMS_CONTRACT.md as the simulator reads and writes them. Reading is
 * deliberately strict (exact wrappers, exact date form) so the simulator catches a client
 * that drifts from the contract instead of silently accepting it.
 */
const SCREEN_NAME = 'CUPFA2';
const GRID_NAME = 'CUPFAG';

export interface ErrorAlertBody {
  ErrorAlert: { Name: string; Message: string }[];
}

export function errorAlert(name: string, message: string): ErrorAlertBody {
  return { ErrorAlert: [{ Name: name, Message: message }] };
}

type ScreenAction = 'GET' | 'UPDATE';

export interface ScreenRequest {
  action: ScreenAction;
  /** PEMS field name -> the USERDEFINEDSCREENFIELDVALUE as sent, in the order sent. */
  pairs: Map<string, unknown>;
}

export interface GridRequest {
  cursor: number;
  rows: number;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalidRequest(message: string): PemsSimulatorError {
  return new PemsSimulatorError(400, 'InvalidRequest', message);
}

export function parseScreenRequest(body: unknown): ScreenRequest {
  if (!isObject(body)) throw invalidRequest('The request body must be a JSON object.');
  if (body.USERDEFINEDSCREENNAME !== SCREEN_NAME) {
    throw new PemsSimulatorError(400, 'InvalidScreen', `Unknown screen ${String(body.USERDEFINEDSCREENNAME)}.`);
  }
  const action = body.USERDEFINEDSERVICEACTION;
  if (action !== 'GET' && action !== 'UPDATE') throw invalidRequest(`Unknown action ${String(action)}.`);
  const list = body.USERDEFINEDSCREENFIELDVALUELIST;
  const rawPairs = isObject(list) ? list.USERDEFINEDSCREENFIELDVALUEPAIR : undefined;
  if (!Array.isArray(rawPairs)) throw invalidRequest('USERDEFINEDSCREENFIELDVALUELIST.USERDEFINEDSCREENFIELDVALUEPAIR must be an array.');
  const pairs = new Map<string, unknown>();
  for (const pair of rawPairs) {
    if (!isObject(pair) || typeof pair.USERDEFINEDSCREENFIELDNAME !== 'string') {
      throw invalidRequest('Every pair needs a USERDEFINEDSCREENFIELDNAME.');
    }
    const name = pair.USERDEFINEDSCREENFIELDNAME;
    if (pairs.has(name)) throw invalidRequest(`Field ${name} is sent twice.`);
    pairs.set(name, pair.USERDEFINEDSCREENFIELDVALUE);
  }
  return { action, pairs };
}

export function parseGridRequest(body: unknown): GridRequest {
  if (!isObject(body) || !isObject(body.GRID)) throw invalidRequest('The request body needs a GRID object.');
  if (body.GRID.GRID_NAME !== GRID_NAME) {
    throw new PemsSimulatorError(400, 'InvalidGrid', `Unknown grid ${String(body.GRID.GRID_NAME)}.`);
  }
  const rows = body.GRID.NUMBER_OF_ROWS_FIRST_RETURNED;
  const cursor = body.GRID.CURSOR_POSITION ?? 0;
  if (typeof rows !== 'number' || !Number.isInteger(rows) || rows < 1) {
    throw invalidRequest('NUMBER_OF_ROWS_FIRST_RETURNED must be a positive integer.');
  }
  if (typeof cursor !== 'number' || !Number.isInteger(cursor) || cursor < 0) {
    throw invalidRequest('CURSOR_POSITION must be a non-negative integer.');
  }
  return { cursor, rows };
}

function invalidValue(pemsName: string, expected: string): PemsSimulatorError {
  return new PemsSimulatorError(400, 'InvalidFieldValue', `Field ${pemsName} must be ${expected}.`);
}

/** Reads a text value (keys, text and enum fields): `{"TEXTDATA": "..."}` or `{}`. */
export function decodeText(pemsName: string, wire: unknown): string | null {
  if (isObject(wire) && Object.keys(wire).length === 0) return null;
  if (isObject(wire) && Object.keys(wire).length === 1 && typeof wire.TEXTDATA === 'string') return wire.TEXTDATA;
  throw invalidValue(pemsName, '{"TEXTDATA": "..."} or {}');
}

export function decodeNumber(pemsName: string, wire: unknown): number | null {
  if (isObject(wire) && Object.keys(wire).length === 0) return null;
  if (isObject(wire) && Object.keys(wire).length === 1 && typeof wire.NUMERICDATA === 'number' && Number.isFinite(wire.NUMERICDATA)) {
    return wire.NUMERICDATA;
  }
  throw invalidValue(pemsName, '{"NUMERICDATA": <number>} or {}');
}

/** Reads a value of a PFA field by the field's catalogue type. */
export function decodeFieldValue(field: PfaFieldName, pemsName: string, wire: unknown): PfaValue {
  switch (PEMS_PFA_FIELDS[field].type) {
    case 'text':
    case 'enum':
      return decodeText(pemsName, wire);
    case 'number':
      return decodeNumber(pemsName, wire);
    case 'date': {
      if (isObject(wire) && Object.keys(wire).length === 0) return null;
      if (isObject(wire) && Object.keys(wire).length === 1 && typeof wire.DATETIMEDATA === 'string' && isCalendarDate(wire.DATETIMEDATA)) {
        return wire.DATETIMEDATA;
      }
      throw invalidValue(pemsName, '{"DATETIMEDATA": "YYYY-MM-DD"} or {}');
    }
    case 'boolean': {
      const text = decodeText(pemsName, wire);
      if (text === null) return null;
      if (text === 'true' || text === 'false') return text === 'true';
      throw invalidValue(pemsName, '{"TEXTDATA": "true"} or {"TEXTDATA": "false"}');
    }
  }
}

function encodeFieldValue(field: PfaFieldName, value: PfaValue): Record<string, unknown> {
  if (value === null) return {};
  switch (PEMS_PFA_FIELDS[field].type) {
    case 'number':
      return { NUMERICDATA: value };
    case 'date':
      return { DATETIMEDATA: value };
    default:
      return { TEXTDATA: String(value) };
  }
}

function pair(name: string, value: Record<string, unknown>) {
  return { USERDEFINEDSCREENFIELDNAME: name, USERDEFINEDSCREENFIELDVALUE: value };
}

/** The 200 answer of GET and UPDATE: every field of the record, recordid included. */
export function screenResponse(record: SimulatedPemsRecord, fieldMap: Record<PfaFieldName, string>) {
  const pairs = [
    pair(PEMS_KEY_FIELDS.pfaId, { TEXTDATA: record.pfaId }),
    pair(PEMS_KEY_FIELDS.organization, { TEXTDATA: record.organization }),
    pair(PEMS_VERSION_FIELD, { NUMERICDATA: record.recordid }),
    ...(Object.keys(fieldMap) as PfaFieldName[]).map((field) => pair(fieldMap[field], encodeFieldValue(field, record.data[field]))),
    pair(PEMS_LAST_MODIFIED_FIELD, { TEXTDATA: record.lastModified }),
  ];
  return { Result: { ResultData: { USERDEFINEDSCREENFIELDVALUELIST: { USERDEFINEDSCREENFIELDVALUEPAIR: pairs } } } };
}

function gridText(value: PfaValue): string {
  return value === null ? '' : String(value);
}

/** The 200 answer of the grid: lower-case PEMS names, every value as text. */
export function gridResponse(records: SimulatedPemsRecord[], total: number, nextCursor: number | null, fieldMap: Record<PfaFieldName, string>) {
  const rows = records.map((record) => ({
    DATAFIELD: [
      { FIELDNAME: PEMS_KEY_FIELDS.pfaId.toLowerCase(), FIELDVALUE: record.pfaId },
      { FIELDNAME: PEMS_KEY_FIELDS.organization.toLowerCase(), FIELDVALUE: record.organization },
      { FIELDNAME: PEMS_VERSION_FIELD.toLowerCase(), FIELDVALUE: String(record.recordid) },
      ...(Object.keys(fieldMap) as PfaFieldName[]).map((field) => ({
        FIELDNAME: fieldMap[field].toLowerCase(),
        FIELDVALUE: gridText(record.data[field]),
      })),
      { FIELDNAME: PEMS_LAST_MODIFIED_FIELD.toLowerCase(), FIELDVALUE: record.lastModified },
    ],
  }));
  const resultData: Record<string, unknown> = { DATARECORD: rows, RECORDS: total };
  if (nextCursor !== null) resultData.NEXTCURSORPOSITION = nextCursor;
  return { Result: { ResultData: resultData } };
}
