import { HttpStatus } from '@nestjs/common';

/** One problem with one input field: a validation error, a bad query parameter, a refused id. */
export interface FieldError {
  field: string;
  code: string;
  message: string;
}

/**
 * The base of every exception the service throws on purpose. Each module names its own
 * codes (e.g. PfaErrorCode); the global filter turns them into the HTTP answer.
 */
export class AppException extends Error {
  constructor(
    readonly status: HttpStatus,
    readonly code: string,
    message: string,
    readonly errors?: FieldError[],
    /** Headers the answer carries, e.g. Retry-After on a 429. */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class RequestValidationException extends AppException {
  constructor(errors: FieldError[], message = 'The request is invalid') {
    super(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', message, errors);
  }
}

export class NotFoundAppException extends AppException {
  constructor(what: string) {
    super(HttpStatus.NOT_FOUND, 'NOT_FOUND', `${what} not found`);
  }
}
