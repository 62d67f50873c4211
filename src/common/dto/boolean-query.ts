import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsBoolean } from 'class-validator';

/**
 * A boolean query parameter, written `true` or `false` and nothing else: a query string holds
 * text, and class-transformer's Boolean conversion would take any non-empty text, `false`
 * included, for true. Other text (`yes`, `1`, empty, given twice) stays as it came and fails
 * IsBoolean: a 400 naming the parameter.
 */
export function BooleanQuery(): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value)),
    IsBoolean({ message: ({ property }) => `${property} must be true or false` }),
  );
}
