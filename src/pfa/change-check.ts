import { Injectable } from '@nestjs/common';
import { FieldError, RequestValidationException } from '../common/errors/app.exception';
import { PfaChanges, PfaData, pfaValuesEqual } from '../validation/pfa-fields';
import { PfaValidationCode, PfaValidationError } from '../validation/pfa-validation-error';
import { PfaValidationService } from '../validation/pfa-validation.service';
import { effectiveData } from './effective-record';
import { PfaModification } from './entities/pfa-modification.entity';

/** What the check found: the fields that really change, and the rules the change breaks. */
export interface CheckedChange {
  /** The wanted values without those already equal to the reference's: an unchanged field sent along could only cause a false conflict. */
  changes: PfaChanges;
  errors: PfaValidationError[];
}

/**
 * The one check of a change to a PFA record, wherever it is made: an edit, queueing (each
 * modification again, on the record as it stands now) and a conflict's resolution. The change
 * is judged on the effective record before it (the mirror with the unsynced modifications
 * made earlier), by SPEC §5's rules. A failure is one answer everywhere: 400 VALIDATION_FAILED
 * with an error per field.
 */
@Injectable()
export class PfaChangeCheck {
  constructor(private readonly validation: PfaValidationService) {}

  /**
   * `wanted` judged on `before`. `reference` (default `before`) is what a field must differ
   * from to be kept. `noChange` says whether a change that changes nothing is an error (an
   * edit) or not (queueing, a resolution: PEMS may hold the values already).
   */
  check(before: PfaData, wanted: PfaChanges, options: { noChange: 'error' | 'allowed'; reference?: PfaData }): CheckedChange {
    const reference = options.reference ?? before;
    const errors = this.validation.validateChanges(before, wanted).filter((error) => options.noChange === 'error' || error.code !== PfaValidationCode.NO_CHANGE);
    const changes = Object.fromEntries(Object.entries(wanted).filter(([field, value]) => !pfaValuesEqual(reference[field as keyof PfaData], value)));
    return { changes, errors };
  }
}

/** The effective record just before `modification`: the mirror with the unsynced modifications made before it. */
export function effectiveBefore(mirror: PfaData, unsynced: PfaModification[], modification: Pick<PfaModification, 'id' | 'createdAt'>): PfaData {
  return effectiveData(
    mirror,
    unsynced.filter((other) => other.id !== modification.id && other.createdAt <= modification.createdAt),
  );
}

/** A change that breaks the rules, refused: `errors` beside their fields. */
export function invalidChange(errors: FieldError[], message = 'The changes are invalid'): RequestValidationException {
  return new RequestValidationException(errors, message);
}
