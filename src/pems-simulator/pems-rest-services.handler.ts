import { PEMS_KEY_FIELDS, PEMS_LAST_MODIFIED_FIELD, PEMS_VERSION_FIELD } from '../pems-contract/pems-field-map';
import { PfaData, PfaFieldName } from '../pems-contract/pems-pfa-fields';
import { PemsRecordStore, invalidValueReason } from './pems-record.store';
import { GridRequest, ScreenRequest, decodeFieldValue, decodeNumber, decodeText, errorAlert, gridResponse, screenResponse } from './pems-simulator-envelopes';
import { PemsSimulatorError } from './pems-simulator.error';

export interface SimulatorAnswer {
  status: number;
  body: unknown;
}

/**
 * Ways the grid can stray from PEMS_CONTRACT.md, as real EAM installations have been seen
 * to, so tests can show the client does not trust what it should not. None by default.
 */
export interface PemsGridQuirks {
  /** RECORDS says this instead of the organization's true count (EAM's count can be stale). */
  recordsReported?: number;
  /** The page read at this cursor names that same cursor as NEXTCURSORPOSITION: a cursor that does not advance. */
  stuckCursorAt?: number;
}

/** The simulator settings the contract endpoints read on every request (they change at run time). */
export interface PemsServiceSettings {
  fieldMap(): Record<PfaFieldName, string>;
  conflictStatus(): 409 | 400;
  maxGridPageSize(): number;
  gridQuirks(): PemsGridQuirks;
}

const CONFLICT_ALERT_NAME = 'RecordUpdatedByAnotherUser';
const CONFLICT_ALERT_MESSAGE = 'The record has been updated by another user.';

/**
 * The behaviour of PEMS's two endpoints (screen service GET/UPDATE on CUPFA2, grid CUPFAG)
 * once a request is authenticated and inside the rate limit.
 */
export class PemsRestServicesHandler {
  constructor(
    private readonly store: PemsRecordStore,
    private readonly settings: PemsServiceSettings,
    private readonly now: () => Date,
  ) {}

  screen(request: ScreenRequest, organizationHeader: string): SimulatorAnswer {
    const pfaId = decodeText(PEMS_KEY_FIELDS.pfaId, this.required(request, PEMS_KEY_FIELDS.pfaId));
    const organization = decodeText(PEMS_KEY_FIELDS.organization, this.required(request, PEMS_KEY_FIELDS.organization));
    if (!pfaId) throw new PemsSimulatorError(400, 'MissingField', `${PEMS_KEY_FIELDS.pfaId} must not be empty.`);
    if (organization !== organizationHeader) {
      throw new PemsSimulatorError(
        400,
        'OrganizationMismatch',
        `${PEMS_KEY_FIELDS.organization} ${String(organization)} does not match the organization header ${organizationHeader}.`,
      );
    }
    const fieldMap = this.settings.fieldMap();

    if (request.action === 'GET') {
      const record = this.store.get(organization, pfaId);
      if (!record) throw notFound(organization, pfaId);
      return { status: 200, body: screenResponse(record, fieldMap) };
    }

    const baseVersion = decodeNumber(PEMS_VERSION_FIELD, this.required(request, PEMS_VERSION_FIELD));
    if (baseVersion === null || !Number.isInteger(baseVersion)) {
      throw new PemsSimulatorError(400, 'MissingField', `${PEMS_VERSION_FIELD} must be the integer version the update is based on.`);
    }
    const changes = this.readChanges(request, fieldMap);
    const current = this.store.get(organization, pfaId);
    if (!current) throw notFound(organization, pfaId);
    if (current.recordid !== baseVersion) {
      return { status: this.settings.conflictStatus(), body: errorAlert(CONFLICT_ALERT_NAME, CONFLICT_ALERT_MESSAGE) };
    }
    const updated = this.store.update(organization, pfaId, changes, this.now());
    return { status: 200, body: screenResponse(updated, fieldMap) };
  }

  grid(request: GridRequest, organizationHeader: string): SimulatorAnswer {
    // Real EAM caps a page below what was asked for; the client must follow the cursor.
    const rows = Math.min(request.rows, this.settings.maxGridPageSize());
    const { records, total } = this.store.page(organizationHeader, request.cursor, rows);
    const quirks = this.settings.gridQuirks();
    const next = request.cursor === quirks.stuckCursorAt ? request.cursor : request.cursor + records.length;
    const reported = quirks.recordsReported ?? total;
    return { status: 200, body: gridResponse(records, reported, next < total ? next : null, this.settings.fieldMap()) };
  }

  private required(request: ScreenRequest, pemsName: string): unknown {
    if (!request.pairs.has(pemsName)) throw new PemsSimulatorError(400, 'MissingField', `${pemsName} is required.`);
    return request.pairs.get(pemsName);
  }

  private readChanges(request: ScreenRequest, fieldMap: Record<PfaFieldName, string>): PfaData {
    const fieldByPemsName = new Map((Object.keys(fieldMap) as PfaFieldName[]).map((field) => [fieldMap[field], field]));
    const changes: PfaData = {};
    for (const [pemsName, wire] of request.pairs) {
      if (pemsName === PEMS_KEY_FIELDS.pfaId || pemsName === PEMS_KEY_FIELDS.organization || pemsName === PEMS_VERSION_FIELD) continue;
      if (pemsName === PEMS_LAST_MODIFIED_FIELD) {
        throw new PemsSimulatorError(400, 'ReadOnlyField', `${PEMS_LAST_MODIFIED_FIELD} is read only.`);
      }
      const field = fieldByPemsName.get(pemsName);
      if (!field) throw new PemsSimulatorError(400, 'UnknownField', `Unknown field ${pemsName}.`);
      const value = decodeFieldValue(field, pemsName, wire);
      const reason = invalidValueReason(field, value);
      if (reason) throw new PemsSimulatorError(400, 'InvalidFieldValue', `${pemsName}: ${reason}`);
      changes[field] = value;
    }
    if (Object.keys(changes).length === 0) {
      throw new PemsSimulatorError(400, 'NoFieldsToUpdate', 'The update names no field to change.');
    }
    return changes;
  }
}

function notFound(organization: string, pfaId: string): PemsSimulatorError {
  return new PemsSimulatorError(404, 'RecordNotFound', `Record ${pfaId} does not exist in organization ${organization}.`);
}
