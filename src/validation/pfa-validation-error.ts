/** Why a change to a PFA record was refused (SPEC §5). The values are part of the API's 400 answers. */
export const PfaValidationCode = {
  INVALID_DATE_ORDER: 'INVALID_DATE_ORDER',
  INVALID_DATE: 'INVALID_DATE',
  INVALID_TYPE: 'INVALID_TYPE',
  INVALID_ENUM_VALUE: 'INVALID_ENUM_VALUE',
  INVALID_VALUE: 'INVALID_VALUE',
  MISSING_REQUIRED_FIELD: 'MISSING_REQUIRED_FIELD',
  BUSINESS_RULE_VIOLATION: 'BUSINESS_RULE_VIOLATION',
  READ_ONLY_FIELD: 'READ_ONLY_FIELD',
  UNKNOWN_FIELD: 'UNKNOWN_FIELD',
  TOO_LONG: 'TOO_LONG',
  NO_CHANGE: 'NO_CHANGE',
} as const;

export type PfaValidationCode = (typeof PfaValidationCode)[keyof typeof PfaValidationCode];

export const PFA_VALIDATION_CODES: readonly PfaValidationCode[] = Object.values(PfaValidationCode);

/**
 * One problem with one field of a change. `field` is the PFA field name, or `changes` for a
 * problem with the change as a whole. The shape matches the API's FieldError, so a list of
 * these can be thrown as a RequestValidationException as it is.
 */
export interface PfaValidationError {
  field: string;
  code: PfaValidationCode;
  message: string;
}
