import { dictionary } from '@zxcvbn-ts/language-common';
import { ValidationOptions, registerDecorator } from 'class-validator';

/**
 * The 49,000 most common passwords of leaked password lists, as zxcvbn-ts ships them (bundled:
 * no network). Compared lower-cased, as guessers try them.
 */
const COMMON_PASSWORDS: ReadonlySet<string> = new Set(dictionary['passwords-common'] as string[]);

function isCommonPassword(password: string): boolean {
  return COMMON_PASSWORDS.has(password.toLowerCase());
}

/** Not one of the most common passwords. Shorter than `minLength`, it is the length rule's to refuse: one problem per field. */
export function IsUncommonPassword(minLength: number, options?: ValidationOptions): PropertyDecorator {
  return (target, propertyKey) =>
    registerDecorator({
      name: 'isUncommonPassword',
      target: target.constructor,
      propertyName: propertyKey as string,
      options: { message: '$property is one of the most common passwords; choose another', ...options },
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || value.length < minLength || !isCommonPassword(value),
      },
    });
}
