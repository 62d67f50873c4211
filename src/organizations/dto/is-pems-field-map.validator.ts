import { ValidationOptions, registerDecorator } from 'class-validator';
import { isPfaFieldName } from '../../validation/pfa-fields';

/** An object from PFA field names to non-empty PEMS field names. */
export function IsPemsFieldMap(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyKey) =>
    registerDecorator({
      name: 'isPemsFieldMap',
      target: target.constructor,
      propertyName: propertyKey as string,
      options: { message: '$property must map PFA field names to PEMS field names (non-empty strings of at most 64 characters)', ...options },
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
          return Object.entries(value).every(([field, name]) => isPfaFieldName(field) && typeof name === 'string' && /^[A-Za-z0-9_]{1,64}$/.test(name));
        },
      },
    });
}
