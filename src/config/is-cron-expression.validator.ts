import { ValidationOptions, registerDecorator } from 'class-validator';
import { CronTime } from 'cron';

/** A cron expression of 5 or 6 fields that the scheduler (the `cron` package) accepts. */
export function IsCronExpression(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyKey) =>
    registerDecorator({
      name: 'isCronExpression',
      target: target.constructor,
      propertyName: propertyKey as string,
      options: { message: `$property must be a cron expression of 5 or 6 fields, e.g. "* * * * *"`, ...options },
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'string') return false;
          const fields = value.trim().split(/\s+/).length;
          if (fields < 5 || fields > 6) return false;
          try {
            new CronTime(value);
            return true;
          } catch {
            return false;
          }
        },
      },
    });
}
