import { ValidationArguments, isISO8601, registerDecorator } from 'class-validator';

/** A date and time with its offset (`2026-11-30T10:00:00Z`, `…+01:00`): without one, the moment would depend on the server's time zone. */
const ZONED_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO-8601 date-time with a time zone, of a real calendar day. */
export function IsZonedDateTime(): PropertyDecorator {
  return (target, propertyKey) =>
    registerDecorator({
      name: 'isZonedDateTime',
      target: target.constructor,
      propertyName: propertyKey as string,
      options: { message: '$property must be an ISO-8601 date-time with a time zone, e.g. 2026-11-30T10:00:00Z' },
      validator: {
        validate: (value: unknown) => typeof value === 'string' && ZONED_DATE_TIME.test(value) && isISO8601(value, { strict: true }) && !Number.isNaN(Date.parse(value)),
      },
    });
}

/** The start of a range that is not after its end, `endProperty` (either may be left out). */
export function IsNotAfter(endProperty: string): PropertyDecorator {
  return (target, propertyKey) =>
    registerDecorator({
      name: 'isNotAfter',
      target: target.constructor,
      propertyName: propertyKey as string,
      constraints: [endProperty],
      options: { message: `$property must not be after ${endProperty}` },
      validator: {
        validate(value: unknown, args: ValidationArguments) {
          const end = (args.object as Record<string, unknown>)[endProperty];
          if (typeof value !== 'string' || typeof end !== 'string') return true;
          const [start, finish] = [Date.parse(value), Date.parse(end)];
          return Number.isNaN(start) || Number.isNaN(finish) || start <= finish;
        },
      },
    });
}

/** A field that may not be given together with `otherProperty`: the request must choose one. */
export function IsNotGivenWith(otherProperty: string): PropertyDecorator {
  return (target, propertyKey) =>
    registerDecorator({
      name: 'isNotGivenWith',
      target: target.constructor,
      propertyName: propertyKey as string,
      constraints: [otherProperty],
      options: { message: `$property and ${otherProperty} cannot be given together` },
      validator: {
        validate: (value: unknown, args: ValidationArguments) => value == null || (args.object as Record<string, unknown>)[otherProperty] == null,
      },
    });
}
