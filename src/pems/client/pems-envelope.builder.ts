import { PEMS_KEY_FIELDS, PEMS_VERSION_FIELD } from '../../pems-contract/pems-field-map';
import { PFA_FIELD_NAMES, PfaData, PfaFieldName, isPfaFieldName } from '../../validation/pfa-fields';
import { PemsValueEncodeError, PemsWireValue, encodePfaValue } from './pems-value.codec';

/** The request bodies of PEMS_CONTRACT.md, built exactly as written there. */
const PEMS_SCREEN_NAME = 'CUPFA2';
const PEMS_GRID_NAME = 'CUPFAG';

interface ScreenPair {
  USERDEFINEDSCREENFIELDNAME: string;
  USERDEFINEDSCREENFIELDVALUE: PemsWireValue;
}

function pair(name: string, value: PemsWireValue): ScreenPair {
  return { USERDEFINEDSCREENFIELDNAME: name, USERDEFINEDSCREENFIELDVALUE: value };
}

function screenEnvelope(action: 'GET' | 'UPDATE', pairs: ScreenPair[]) {
  return {
    USERDEFINEDSCREENNAME: PEMS_SCREEN_NAME,
    USERDEFINEDSERVICEACTION: action,
    USERDEFINEDSCREENFIELDVALUELIST: { USERDEFINEDSCREENFIELDVALUEPAIR: pairs },
  };
}

function keyPairs(pfaId: string, organizationCode: string): ScreenPair[] {
  return [pair(PEMS_KEY_FIELDS.pfaId, { TEXTDATA: pfaId }), pair(PEMS_KEY_FIELDS.organization, { TEXTDATA: organizationCode })];
}

export function buildGetRecordRequest(pfaId: string, organizationCode: string) {
  return screenEnvelope('GET', keyPairs(pfaId, organizationCode));
}

/**
 * An UPDATE carries the keys, the version it is based on and the changed fields only, so
 * PEMS keeps whatever someone else changed in the fields we do not touch. Fields go in
 * catalogue order, so the same change always makes the same body.
 */
export function buildUpdateRecordRequest(pfaId: string, organizationCode: string, baseVersion: number, changes: PfaData, fieldMap: Record<PfaFieldName, string>) {
  for (const field of Object.keys(changes)) {
    if (!isPfaFieldName(field)) throw new PemsValueEncodeError(`${field} is not a PFA field`);
  }
  const fieldPairs = PFA_FIELD_NAMES.filter((field) => changes[field] !== undefined).map((field) => pair(fieldMap[field], encodePfaValue(field, changes[field])));
  if (fieldPairs.length === 0) throw new PemsValueEncodeError('the update changes no field');
  return screenEnvelope('UPDATE', [...keyPairs(pfaId, organizationCode), pair(PEMS_VERSION_FIELD, { NUMERICDATA: baseVersion }), ...fieldPairs]);
}

export function buildGridPageRequest(cursor: number, pageSize: number) {
  return {
    GRID: { GRID_NAME: PEMS_GRID_NAME, NUMBER_OF_ROWS_FIRST_RETURNED: pageSize, CURSOR_POSITION: cursor },
    GRID_TYPE: { TYPE: 'LIST' },
    REQUEST_TYPE: 'LIST.HEAD_DATA.STORED',
  };
}
