import { HttpStatus } from '@nestjs/common';
import { AppException, RequestValidationException } from '../common/errors/app.exception';
import { InternalError } from '../common/errors/internal.error';

export enum OrganizationErrorCode {
  OrganizationExists = 'ORGANIZATION_EXISTS',
  TenantRateForSuperadmin = 'TENANT_RATE_FOR_SUPERADMIN',
}

/** The codes of the fields an API server's input is refused for (inside a 400 VALIDATION_FAILED). */
export enum ApiServerFieldErrorCode {
  HostNotAllowed = 'HOST_NOT_ALLOWED',
  UnknownField = 'UNKNOWN_FIELD',
  MissingRequiredField = 'MISSING_REQUIRED_FIELD',
}

export class OrganizationException extends AppException {
  static exists(code: string): OrganizationException {
    return new OrganizationException(HttpStatus.CONFLICT, OrganizationErrorCode.OrganizationExists, `An organization with code ${code} exists already`);
  }

  /** An organization admin tried to change a rate limit every organization on the PEMS tenant shares. */
  static tenantRateForSuperadmin(current: number): OrganizationException {
    return new OrganizationException(
      HttpStatus.FORBIDDEN,
      OrganizationErrorCode.TenantRateForSuperadmin,
      `The PEMS tenant's rate limit (${current}/s) applies to every organization on the tenant; only a superadmin changes it`,
    );
  }

  /** `problem` is PemsHostPolicy's, e.g. "host example.com is not in PEMS_ALLOWED_HOSTS". */
  static hostNotAllowed(problem: string): RequestValidationException {
    return new RequestValidationException([{ field: 'baseUrl', code: ApiServerFieldErrorCode.HostNotAllowed, message: `baseUrl ${problem}` }]);
  }

  /** A credential field given for the other auth type. */
  static credentialForOtherAuthType(field: 'username' | 'password' | 'apiKey'): RequestValidationException {
    const authType = field === 'apiKey' ? 'api_key' : 'basic';
    return new RequestValidationException([{ field, code: ApiServerFieldErrorCode.UnknownField, message: `${field} is for authType ${authType}` }]);
  }

  /** `because` says why stored credentials were not kept, or is empty. */
  static credentialsMissing(authType: 'basic' | 'api_key', fields: string[], because: string): RequestValidationException {
    return new RequestValidationException(
      fields.map((field) => ({ field, code: ApiServerFieldErrorCode.MissingRequiredField, message: `${field} is required for authType ${authType}${because}` })),
    );
  }
}

export enum StoredCredentialsProblem {
  LegacyFormat = 'LEGACY_FORMAT',
  UnknownFormat = 'UNKNOWN_FORMAT',
  OtherServer = 'OTHER_SERVER',
  NotLegacy = 'NOT_LEGACY',
  Damaged = 'DAMAGED',
  Undecryptable = 'UNDECRYPTABLE',
}

/**
 * Stored PEMS credentials that cannot be read: an operator's problem (CREDENTIALS_KEY changed, a
 * row copied or damaged), never the client's, so it is an InternalError (a logged 500 if it ever
 * reached a request) and not a 4xx. The messages are fixed texts: no part of the stored value or
 * of what it decrypts to ever goes into one.
 */
export class StoredCredentialsError extends InternalError {
  private constructor(
    readonly problem: StoredCredentialsProblem,
    message: string,
  ) {
    super(message);
  }

  static legacyFormat(): StoredCredentialsError {
    return new StoredCredentialsError(StoredCredentialsProblem.LegacyFormat, 'Stored PEMS credentials are in the format before v2; they are upgraded at start');
  }

  static unknownFormat(): StoredCredentialsError {
    return new StoredCredentialsError(StoredCredentialsProblem.UnknownFormat, 'Stored PEMS credentials are in an unknown format');
  }

  static otherServer(): StoredCredentialsError {
    return new StoredCredentialsError(StoredCredentialsProblem.OtherServer, 'Stored PEMS credentials belong to another API server');
  }

  static notLegacy(): StoredCredentialsError {
    return new StoredCredentialsError(StoredCredentialsProblem.NotLegacy, 'Not a v1 ciphertext');
  }

  static damaged(): StoredCredentialsError {
    return new StoredCredentialsError(StoredCredentialsProblem.Damaged, 'Stored PEMS credentials are damaged (IV or tag of the wrong length)');
  }

  static undecryptable(): StoredCredentialsError {
    return new StoredCredentialsError(StoredCredentialsProblem.Undecryptable, 'Stored PEMS credentials cannot be decrypted: was CREDENTIALS_KEY changed?');
  }
}
