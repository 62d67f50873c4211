import { RequestValidationException } from '../common/errors/app.exception';

/** The codes of the fields a webhook's input is refused for (inside a 400 VALIDATION_FAILED). */
export enum WebhookFieldErrorCode {
  HostNotAllowed = 'HOST_NOT_ALLOWED',
  MissingRequiredField = 'MISSING_REQUIRED_FIELD',
}

/** `problem` is WebhookHostPolicy's, e.g. "must be an https URL". */
export function urlNotAllowed(problem: string): RequestValidationException {
  return new RequestValidationException([{ field: 'url', code: WebhookFieldErrorCode.HostNotAllowed, message: `url ${problem}` }]);
}

export function secretRequired(): RequestValidationException {
  return new RequestValidationException([
    { field: 'secret', code: WebhookFieldErrorCode.MissingRequiredField, message: 'secret is required when the webhook is created (16 to 256 characters)' },
  ]);
}
