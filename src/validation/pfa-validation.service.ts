import { Injectable } from '@nestjs/common';
import { isPfaFieldName, PFA_FIELDS, PfaData, PfaFieldDefinition, PfaFieldName, PfaValue, pfaValuesEqual } from './pfa-fields';
import { PfaValidationCode, PfaValidationError } from './pfa-validation-error';

const MAX_TEXT_LENGTH = 255;

const DATE_PAIRS: ReadonlyArray<readonly [PfaFieldName, PfaFieldName]> = [
  ['originalStart', 'originalEnd'],
  ['forecastStart', 'forecastEnd'],
  ['actualStart', 'actualEnd'],
];

const NON_NEGATIVE_FIELDS: ReadonlySet<PfaFieldName> = new Set<PfaFieldName>(['monthlyRate', 'purchasePrice']);

/** Each source and the amount it cannot do without. */
const REQUIRED_AMOUNT_BY_SOURCE: ReadonlyArray<readonly [string, PfaFieldName]> = [
  ['Rental', 'monthlyRate'],
  ['Purchase', 'purchasePrice'],
];

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A `YYYY-MM-DD` string naming a day that exists (so `2025-02-30` and `2025-13-01` do not). */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = DATE_PATTERN.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return day <= daysInMonth;
}

/**
 * SPEC §5. A change is judged on the record as it would be after it, but only by the
 * rules that involve a field the change really alters: a value equal to the current one
 * is not an edit, and PEMS's own data is taken as it is, so a record that arrived from
 * PEMS already breaking a rule can still be edited elsewhere.
 */
@Injectable()
export class PfaValidationService {
  /**
   * Every problem with `changes` against `current` (the effective record before the
   * change); an empty list means the change may be queued.
   */
  validateChanges(current: PfaData, changes: unknown): PfaValidationError[] {
    if (!isPlainObject(changes)) {
      return [error('changes', PfaValidationCode.INVALID_TYPE, `changes must be an object mapping field names to values, not ${kindOf(changes)}`)];
    }
    const entries = Object.entries(changes);
    if (entries.length === 0) {
      return [error('changes', PfaValidationCode.NO_CHANGE, 'changes is empty: name at least one field to change')];
    }

    const errors: PfaValidationError[] = [];
    const accepted: PfaData = {};
    // Fields the change tries to alter but with a bad value: rules that involve them are
    // skipped, because judging the record with a value we already refused only adds noise.
    const refused = new Set<PfaFieldName>();

    for (const [field, value] of entries) {
      if (!isPfaFieldName(field)) {
        errors.push(error(field, PfaValidationCode.UNKNOWN_FIELD, `${preview(field)} is not a PFA field`));
        continue;
      }
      const definition: PfaFieldDefinition = PFA_FIELDS[field];
      if (!definition.editable) {
        errors.push(error(field, PfaValidationCode.READ_ONLY_FIELD, `${field} is read-only and cannot be changed through a modification`));
        continue;
      }
      if (pfaValuesEqual(current[field], value)) continue;
      const problem = this.checkValue(field, definition, value);
      if (problem) {
        errors.push(problem);
        refused.add(field);
      } else {
        accepted[field] = value as PfaValue;
      }
    }

    if (errors.length === 0 && Object.keys(accepted).length === 0) {
      return [error('changes', PfaValidationCode.NO_CHANGE, 'every value in changes equals the current one: nothing would change')];
    }

    const after: PfaData = { ...current, ...accepted };
    const changed = (field: PfaFieldName) => Object.hasOwn(accepted, field);
    // A rule applies when the change alters one of its fields and refused none of them.
    const applies = (...fields: PfaFieldName[]) => fields.some(changed) && !fields.some((field) => refused.has(field));

    for (const [start, end] of DATE_PAIRS) {
      if (!applies(start, end)) continue;
      const from = after[start];
      const to = after[end];
      // A stored partner that is not a real date is PEMS's data: there is nothing sound to compare against.
      if (isCalendarDate(from) && isCalendarDate(to) && from > to) {
        const field = changed(start) ? start : end;
        errors.push(error(field, PfaValidationCode.INVALID_DATE_ORDER, `${start} (${from}) must not be after ${end} (${to})`));
      }
    }

    for (const [source, amount] of REQUIRED_AMOUNT_BY_SOURCE) {
      if (!applies('source', amount)) continue;
      if (after.source === source && (after[amount] === null || after[amount] === undefined)) {
        errors.push(error(amount, PfaValidationCode.MISSING_REQUIRED_FIELD, `${amount} is required when source is ${source}`));
      }
    }

    if (changed('source') && current.isActualized === true) {
      errors.push(error('source', PfaValidationCode.BUSINESS_RULE_VIOLATION, 'source cannot be changed on an actualized record'));
    }

    if (changed('isDiscontinued') && current.isDiscontinued === true) {
      errors.push(error('isDiscontinued', PfaValidationCode.BUSINESS_RULE_VIOLATION, 'a discontinued record cannot be un-discontinued: isDiscontinued must stay true'));
    }

    return errors;
  }

  /** The problem with one new value on its own, before any rule looks at the whole record. */
  private checkValue(field: PfaFieldName, definition: PfaFieldDefinition, value: unknown): PfaValidationError | null {
    if (value === null) return null;
    switch (definition.type) {
      case 'text':
        if (typeof value !== 'string') return typeError(field, 'a string', value);
        if (value.length > MAX_TEXT_LENGTH) {
          return error(field, PfaValidationCode.TOO_LONG, `${field} must be at most ${MAX_TEXT_LENGTH} characters, not ${value.length}`);
        }
        return null;
      case 'enum': {
        const allowed = definition.values ?? [];
        if (typeof value !== 'string') return typeError(field, `one of ${allowed.join(', ')}`, value);
        if (!allowed.includes(value)) {
          return error(field, PfaValidationCode.INVALID_ENUM_VALUE, `${field} must be one of ${allowed.join(', ')}, not ${preview(value)}`);
        }
        return null;
      }
      case 'number':
        if (typeof value !== 'number' || !Number.isFinite(value)) return typeError(field, 'a finite number', value);
        if (NON_NEGATIVE_FIELDS.has(field) && value < 0) {
          return error(field, PfaValidationCode.INVALID_VALUE, `${field} must not be negative, not ${value}`);
        }
        return null;
      case 'date':
        if (typeof value !== 'string') return typeError(field, 'a date string YYYY-MM-DD', value);
        if (!isCalendarDate(value)) {
          return error(field, PfaValidationCode.INVALID_DATE, `${field} must be a real calendar date written YYYY-MM-DD, not ${preview(value)}`);
        }
        return null;
      case 'boolean':
        if (typeof value !== 'boolean') return typeError(field, 'true or false', value);
        return null;
    }
  }
}

function error(field: string, code: PfaValidationCode, message: string): PfaValidationError {
  return { field, code, message };
}

function typeError(field: string, expected: string, value: unknown): PfaValidationError {
  return error(field, PfaValidationCode.INVALID_TYPE, `${field} must be ${expected} or null, not ${kindOf(value)}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** How a refused value is named in a message: its kind, and its text when that is short enough to echo. */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${preview(value)}`;
  if (typeof value === 'number') return Number.isFinite(value) ? `the number ${value}` : String(value);
  if (typeof value === 'boolean') return `the boolean ${value}`;
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/** Input is echoed back in messages, so a huge string is cut to keep the answer small. */
function preview(text: string): string {
  const limit = 40;
  return JSON.stringify(text.length > limit ? `${text.slice(0, limit)}...` : text);
}
