import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { QueryFailedError } from 'typeorm';
import { RequestWithCorrelation } from '../../logging/request-logger';
import { AppException, FieldError } from './app.exception';

export interface ErrorBody {
  statusCode: number;
  error: string;
  code: string;
  message: string;
  errors?: FieldError[];
  correlationId: string;
}

/** body-parser's errors carry a status and a type; they are the client's fault (bad JSON, too large). */
interface BodyParserError {
  status: number;
  type: string;
  message: string;
}

/**
 * Every error leaves the service through here. Deliberate errors (AppException, Nest's
 * HttpException, body-parser's) become their status with a clear body; anything else (an
 * InternalError, or an error nobody named) is logged with a correlation id and answered with
 * a 500 that reveals nothing inside.
 */
@Catch()
export class GlobalExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<RequestWithCorrelation>();
    const response = http.getResponse<Response>();
    const correlationId = request.correlationId ?? randomUUID();
    const body = this.toBody(exception, correlationId);

    const where = `${request.method} ${request.originalUrl?.split('?')[0]} id=${correlationId}`;
    if (exception instanceof AppException && body.statusCode >= 500) {
      this.logger.warn(`${where} answered ${body.statusCode}: ${exception.message}`);
    } else if (body.statusCode >= 500) {
      const detail = exception instanceof Error ? (exception.stack ?? exception.message) : String(exception);
      this.logger.error(`Unhandled error on ${where}`, detail);
    }
    if (response.headersSent) {
      response.end();
      return;
    }
    if (exception instanceof AppException && exception.headers) response.set(exception.headers);
    response.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown, correlationId: string): ErrorBody {
    if (exception instanceof AppException) {
      return this.body(exception.status, exception.code, exception.message, correlationId, exception.errors);
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const answer = exception.getResponse();
      const message =
        typeof answer === 'string'
          ? answer
          : Array.isArray((answer as { message?: unknown }).message)
            ? (answer as { message: string[] }).message.join('; ')
            : String((answer as { message?: unknown }).message ?? exception.message);
      return this.body(status, HttpStatus[status] ?? 'ERROR', message, correlationId);
    }
    if (isUniqueViolation(exception)) {
      // Two requests raced to create the same thing; the loser is told, as if it had come second.
      return this.body(HttpStatus.CONFLICT, 'ALREADY_EXISTS', 'This conflicts with a record that exists already', correlationId);
    }
    if (isUnstorableText(exception)) {
      // Input PostgreSQL cannot store or read as text (a NUL, a byte sequence that is not UTF-8).
      // The validation pipe refuses those by field; this is the net below it, and it is logged.
      this.logger.warn(`Text PostgreSQL refused, answered 400 (id=${correlationId}): ${(exception as Error).message}`);
      return this.body(HttpStatus.BAD_REQUEST, 'INVALID_TEXT', 'The request holds text that cannot be stored (a NUL character or an invalid character sequence)', correlationId);
    }
    if (isBodyParserError(exception)) {
      const message = exception.type === 'entity.parse.failed' ? 'The request body is not valid JSON' : exception.message;
      return this.body(exception.status, exception.type.toUpperCase().replace(/\./g, '_'), message, correlationId);
    }
    return this.body(HttpStatus.INTERNAL_SERVER_ERROR, 'INTERNAL_ERROR', 'An unexpected error occurred; quote the correlation id when reporting it', correlationId);
  }

  private body(statusCode: number, code: string, message: string, correlationId: string, errors?: FieldError[]): ErrorBody {
    const error = (HttpStatus[statusCode] ?? 'ERROR')
      .toLowerCase()
      .split('_')
      .map((word) => word[0].toUpperCase() + word.slice(1))
      .join(' ');
    return { statusCode, error, code, message, ...(errors ? { errors } : {}), correlationId };
  }
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error.driverError as { code?: string } | undefined)?.code === '23505';
}

function isBodyParserError(error: unknown): error is BodyParserError {
  const candidate = error as Partial<BodyParserError> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.type === 'string' &&
    typeof candidate.status === 'number' &&
    candidate.status >= 400 &&
    candidate.status < 500
  );
}

/** PostgreSQL's errors for text it cannot take: character_not_in_repertoire, invalid_text_representation, untranslatable_character. */
const UNSTORABLE_TEXT_CODES = new Set(['22021', '22P02', '22P05']);

function isUnstorableText(exception: unknown): boolean {
  return exception instanceof QueryFailedError && UNSTORABLE_TEXT_CODES.has((exception.driverError as { code?: string } | undefined)?.code ?? '');
}
