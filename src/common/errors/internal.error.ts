/**
 * A fault of the service or of its operator, never of the client: a broken invariant, a stored
 * secret the configured key cannot open. Deliberately not an AppException: the global filter
 * logs it whole (its name, message and stack) under the correlation id and answers a 500 that
 * reveals nothing. Its message goes to the log, so it must never hold a secret.
 */
export class InternalError extends Error {
  constructor(message: string) {
    super(message);
    // Set before anyone reads the stack, whose first line then names the class.
    this.name = new.target.name;
  }
}
