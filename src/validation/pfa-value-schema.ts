import type { ApiPropertyOptions } from '@nestjs/swagger';

/** How the OpenAPI document describes one PFA field's value (SPEC §5): text (dates as YYYY-MM-DD), a number, a boolean, or null. */
export const PFA_VALUE_SCHEMA: ApiPropertyOptions = {
  oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }],
  nullable: true,
  description: 'A PFA field value: text (dates as YYYY-MM-DD), a number, a boolean, or null',
};
