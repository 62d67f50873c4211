import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError, RequestValidationException } from './errors/app.exception';
import { holdsUnstorableCharacter } from './unstorable-text';

/** Deeper than any request of this API needs; deep enough input would exhaust the stack of the recursive validators. */
const MAX_INPUT_DEPTH = 16;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Nest's ValidationPipe, after a walk that refuses what it would mishandle: input nested
 * deeper than MAX_INPUT_DEPTH (its recursion would overflow into a 500), the keys
 * `__proto__`, `constructor` and `prototype` (it would drop them silently; they are unknown
 * fields like any other), and any key or string value holding a NUL or a lone surrogate
 * (PostgreSQL refuses the one, and the other would be stored as U+FFFD or break a validator).
 */
class AppValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query' || metadata.type === 'param') {
      inspectInput(value, metadata.type === 'param' ? (metadata.data ?? 'path') : '');
    }
    return super.transform(value, metadata);
  }
}

function inspectInput(root: unknown, rootPath: string): void {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: root, path: rootPath, depth: 0 }];
  const unstorable: FieldError[] = [];
  const refuse = (field: string, what: string) => unstorable.push({ field: field || 'body', code: 'INVALID_CHARACTERS', message: `${field || 'body'} holds ${what}` });
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string' && holdsUnstorableCharacter(value)) refuse(path, 'a NUL character or an unpaired surrogate, which no text may hold');
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_INPUT_DEPTH) {
      throw new RequestValidationException([{ field: path || 'body', code: 'TOO_DEEP', message: `Input may be nested at most ${MAX_INPUT_DEPTH} levels deep` }]);
    }
    for (const key of Object.keys(value)) {
      const field = path ? `${path}.${key}` : key;
      if (FORBIDDEN_KEYS.has(key)) throw new RequestValidationException([{ field, code: 'UNKNOWN_FIELD', message: `${key} is not an accepted field name` }]);
      if (holdsUnstorableCharacter(key)) {
        refuse(path ? `${path}.${JSON.stringify(key).slice(1, -1)}` : JSON.stringify(key).slice(1, -1), 'a field name with a NUL character or an unpaired surrogate');
        continue;
      }
      stack.push({ value: (value as Record<string, unknown>)[key], path: field, depth: depth + 1 });
    }
  }
  if (unstorable.length > 0) throw new RequestValidationException(unstorable);
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
