import { ValidationOptions, registerDecorator } from 'class-validator';
import { MAX_TOKEN_LIFETIME_SECONDS, durationToSeconds } from './duration';

/** A duration ("3600", "15m", "1h") of at most MAX_TOKEN_LIFETIME_SECONDS. */
export function IsTokenLifetime(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyKey) =>
    registerDecorator({
      name: 'isTokenLifetime',
      target: target.constructor,
      propertyName: propertyKey as string,
      options: { message: `$property must be at most ${MAX_TOKEN_LIFETIME_SECONDS / 3600}h`, ...options },
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'string') return false;
          try {
            return durationToSeconds(value) <= MAX_TOKEN_LIFETIME_SECONDS;
          } catch {
            return true; // not a duration at all: @Matches says so
          }
        },
      },
    });
}
