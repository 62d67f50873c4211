import { ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError, RequestValidationException } from './errors/app.exception';

/**
 * The global ValidationPipe: unknown fields are refused, values converted to the DTO's
 * types, and every problem reported as { field, code, message } with the field's full path.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    stopAtFirstError: false,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new RequestValidationException(flatten(errors)),
  });
}

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([constraint, message]) => ({
      field,
      code: constraint === 'whitelistValidation' ? 'UNKNOWN_FIELD' : 'INVALID_VALUE',
      message,
    }));
    return own.concat(flatten(error.children ?? [], field));
  });
}
