import { PEMS_KEY_FIELDS, PEMS_LAST_MODIFIED_FIELD, PEMS_VERSION_FIELD } from '../../pems-contract/pems-field-map';
import { PfaData, PfaFieldName } from '../../validation/pfa-fields';
import { PemsRecord, PemsRecordPage } from './pems-client.types';
import { PemsValueFormatError, decodePfaValue, decodeText, decodeTimestamp, decodeVersion, unwrapScreenValue } from './pems-value.codec';

/**
 * PEMS's 200 answers read into PFA records: the screen service's typed pairs and the
 * grid's lower-case text fields. Names are matched without regard to case, and single
 * objects are taken where EAM's XML-born JSON may drop the array of one element.
 */
export interface GridRecordRow {
  record: PemsRecord;
  /** PFS_A_ORG of the row, so the caller can refuse rows of another organization. */
  organization: string | null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function at(body: unknown, path: string[]): unknown {
  let current = body;
  for (const key of path) {
    if (!isObject(current)) return undefined;
    current = current[key];
  }
  return current;
}

function fieldsByLowerName(fieldMap: Record<PfaFieldName, string>): Map<string, PfaFieldName> {
  return new Map((Object.keys(fieldMap) as PfaFieldName[]).map((field) => [fieldMap[field].toLowerCase(), field]));
}

/** Builds a record from PEMS name -> raw value, raw values being unwrapped screen values or grid strings. */
function recordFrom(values: Map<string, unknown>, fieldMap: Record<PfaFieldName, string>, fallbackPfaId: string | null): GridRecordRow {
  const pfaId = decodeText(values.get(PEMS_KEY_FIELDS.pfaId.toLowerCase())) ?? fallbackPfaId;
  if (!pfaId) throw new PemsValueFormatError(`the record has no ${PEMS_KEY_FIELDS.pfaId}`);
  const versionName = PEMS_VERSION_FIELD.toLowerCase();
  if (!values.has(versionName)) throw new PemsValueFormatError(`record ${pfaId} has no ${PEMS_VERSION_FIELD}`);
  const data: PfaData = {};
  for (const [name, field] of fieldsByLowerName(fieldMap)) {
    if (!values.has(name)) continue;
    try {
      data[field] = decodePfaValue(field, values.get(name));
    } catch (error) {
      throw new PemsValueFormatError(`record ${pfaId}, ${fieldMap[field]}: ${(error as Error).message}`);
    }
  }
  return {
    record: {
      pfaId,
      version: decodeVersion(values.get(versionName)),
      data,
      lastModified: decodeTimestamp(values.get(PEMS_LAST_MODIFIED_FIELD.toLowerCase())),
    },
    organization: decodeText(values.get(PEMS_KEY_FIELDS.organization.toLowerCase())),
  };
}

/** The record of a GET or UPDATE answer. */
export function parseScreenRecord(body: unknown, fieldMap: Record<PfaFieldName, string>, requestedPfaId: string): PemsRecord {
  const list = at(body, ['Result', 'ResultData', 'USERDEFINEDSCREENFIELDVALUELIST', 'USERDEFINEDSCREENFIELDVALUEPAIR']);
  if (list === undefined) throw new PemsValueFormatError('Result.ResultData.USERDEFINEDSCREENFIELDVALUELIST is missing');
  const values = new Map<string, unknown>();
  for (const pair of asList(list)) {
    if (!isObject(pair) || typeof pair.USERDEFINEDSCREENFIELDNAME !== 'string') {
      throw new PemsValueFormatError('a field pair has no USERDEFINEDSCREENFIELDNAME');
    }
    values.set(pair.USERDEFINEDSCREENFIELDNAME.toLowerCase(), unwrapScreenValue(pair.USERDEFINEDSCREENFIELDVALUE));
  }
  return recordFrom(values, fieldMap, requestedPfaId).record;
}

function optionalCount(value: unknown, name: string): number | null {
  if (value === undefined || value === null || value === '') return null;
  const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : NaN;
  if (!Number.isInteger(number) || number < 0) throw new PemsValueFormatError(`${name} ${JSON.stringify(value)} is not a count`);
  return number;
}

/**
 * One grid page. `nextCursor` comes from NEXTCURSORPOSITION only: a page may be shorter
 * than asked for, and RECORDS is informative (EAM's count can be stale, and a list that
 * stopped at it would leave live records unseen, which read sync would then mark deleted).
 * A NEXTCURSORPOSITION that does not move past the page's own cursor makes the answer
 * unreadable: followed, it would loop; dropped, it would pass for the end of the list.
 */
export function parseGridPage(body: unknown, fieldMap: Record<PfaFieldName, string>, cursor: number): Omit<PemsRecordPage, 'records'> & { rows: GridRecordRow[] } {
  const resultData = at(body, ['Result', 'ResultData']);
  if (!isObject(resultData)) throw new PemsValueFormatError('Result.ResultData is missing');
  const rows = asList(resultData.DATARECORD).map((row) => {
    if (!isObject(row)) throw new PemsValueFormatError('a DATARECORD is not an object');
    const values = new Map<string, unknown>();
    for (const field of asList(row.DATAFIELD)) {
      if (!isObject(field) || typeof field.FIELDNAME !== 'string') throw new PemsValueFormatError('a DATAFIELD has no FIELDNAME');
      values.set(field.FIELDNAME.toLowerCase(), field.FIELDVALUE);
    }
    return recordFrom(values, fieldMap, null);
  });
  const total = optionalCount(resultData.RECORDS, 'RECORDS');
  const nextCursor = optionalCount(resultData.NEXTCURSORPOSITION, 'NEXTCURSORPOSITION');
  if (nextCursor !== null && nextCursor <= cursor) {
    throw new PemsValueFormatError(`NEXTCURSORPOSITION ${nextCursor} does not advance past the page's cursor ${cursor}`);
  }
  return { rows, total, nextCursor };
}
