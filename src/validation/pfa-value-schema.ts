import type { ApiPropertyOptions } from '@nestjs/swagger';

/**
 * How the OpenAPI document describes one PFA field's value (SPEC §5): text (dates as
 * YYYY-MM-DD), a number, a boolean, or null. OpenAPI 3.0 puts `nullable` beside a `type`, so
 * null rides on the text alternative.
 */
export const PFA_VALUE_SCHEMA: ApiPropertyOptions = {
  oneOf: [{ type: 'string', nullable: true }, { type: 'number' }, { type: 'boolean' }],
  description: 'A PFA field value: text (dates as YYYY-MM-DD), a number, a boolean, or null',
};
