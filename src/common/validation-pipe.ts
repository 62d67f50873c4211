import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError, RequestValidationException } from './errors/app.exception';

/** Deeper than any request of this API needs; deep enough input would exhaust the stack of the recursive validators. */
export const MAX_INPUT_DEPTH = 16;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Nest's ValidationPipe, after a walk that refuses what it would mishandle: input nested
 * deeper than MAX_INPUT_DEPTH (its recursion would overflow into a 500), and the keys
 * `__proto__`, `constructor` and `prototype` (it would drop them silently; they are unknown
 * fields like any other).
 */
class AppValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query') inspectInput(value, '');
    return super.transform(value, metadata);
  }
}

function inspectInput(root: unknown, rootPath: string): void {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: root, path: rootPath, depth: 0 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_INPUT_DEPTH) {
      throw new RequestValidationException([{ field: path || 'body', code: 'TOO_DEEP', message: `Input may be nested at most ${MAX_INPUT_DEPTH} levels deep` }]);
    }
    for (const key of Object.keys(value)) {
      const field = path ? `${path}.${key}` : key;
      if (FORBIDDEN_KEYS.has(key)) throw new RequestValidationException([{ field, code: 'UNKNOWN_FIELD', message: `${key} is not an accepted field name` }]);
      stack.push({ value: (value as Record<string, unknown>)[key], path: field, depth: depth + 1 });
    }
  }
}

/**
 * The global ValidationPipe: unknown fields are refused, values converted to the DTO's
 * types, and every problem reported as { field, code, message } with the field's full path.
 */
export function createValidationPipe(): ValidationPipe {
  return new AppValidationPipe({
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
