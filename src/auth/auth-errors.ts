import { HttpStatus } from '@nestjs/common';
import { AppException, RequestValidationException } from '../common/errors/app.exception';

export enum AuthErrorCode {
  Unauthorized = 'UNAUTHORIZED',
  Forbidden = 'FORBIDDEN',
  InvalidCredentials = 'INVALID_CREDENTIALS',
  PasswordChecksBusy = 'PASSWORD_CHECKS_BUSY',
  TooManyLoginFailures = 'TOO_MANY_LOGIN_FAILURES',
}

/** The codes of the organizationId or route id the guard refuses (inside a 400 VALIDATION_FAILED). */
export enum AuthFieldErrorCode {
  InvalidValue = 'INVALID_VALUE',
  MissingRequiredField = 'MISSING_REQUIRED_FIELD',
}

export class AuthException extends AppException {
  static tokenMissing(): AuthException {
    return AuthException.unauthorized('A bearer token is required (Authorization: Bearer <token>)');
  }

  static tokenInvalid(): AuthException {
    return AuthException.unauthorized('The token is invalid or has expired');
  }

  static tokenWithoutExpiry(): AuthException {
    return AuthException.unauthorized('The token has no expiry');
  }

  static userNotActive(): AuthException {
    return AuthException.unauthorized('The token does not belong to an active user');
  }

  static tokenOutdated(): AuthException {
    return AuthException.unauthorized('The token was issued before the password changed: log in again');
  }

  static superadminOnly(): AuthException {
    return new AuthException(HttpStatus.FORBIDDEN, AuthErrorCode.Forbidden, 'Only a superadmin may do this');
  }

  static permissionMissing(permission: string): AuthException {
    return new AuthException(HttpStatus.FORBIDDEN, AuthErrorCode.Forbidden, `This needs ${permission} in the organization`);
  }

  /** The same answer whether the username exists or not. */
  static invalidCredentials(): AuthException {
    return new AuthException(HttpStatus.UNAUTHORIZED, AuthErrorCode.InvalidCredentials, 'Unknown username or wrong password');
  }

  static passwordChecksBusy(): AuthException {
    return new AuthException(HttpStatus.TOO_MANY_REQUESTS, AuthErrorCode.PasswordChecksBusy, 'Too many logins at once; try again in a second', undefined, { 'Retry-After': '1' });
  }

  static tooManyLoginFailures(retryAfterSeconds: number): AuthException {
    return new AuthException(HttpStatus.TOO_MANY_REQUESTS, AuthErrorCode.TooManyLoginFailures, `Too many failed logins; try again in ${retryAfterSeconds} s`, undefined, {
      'Retry-After': String(retryAfterSeconds),
    });
  }

  static organizationIdConflicting(): RequestValidationException {
    return new RequestValidationException([
      { field: 'organizationId', code: AuthFieldErrorCode.InvalidValue, message: 'organizationId is given in both the query and the body, with different values' },
    ]);
  }

  static organizationIdMissing(): RequestValidationException {
    return new RequestValidationException([{ field: 'organizationId', code: AuthFieldErrorCode.MissingRequiredField, message: 'organizationId is required' }]);
  }

  static notUuid(field: string): RequestValidationException {
    return new RequestValidationException([{ field, code: AuthFieldErrorCode.InvalidValue, message: `${field} must be a UUID` }]);
  }

  private static unauthorized(message: string): AuthException {
    return new AuthException(HttpStatus.UNAUTHORIZED, AuthErrorCode.Unauthorized, message);
  }
}
