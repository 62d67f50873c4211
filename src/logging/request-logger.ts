import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

const CORRELATION_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

export interface RequestWithCorrelation extends Request {
  correlationId?: string;
}

/**
 * Gives every request a correlation id (the caller's `X-Request-Id` when it is sane) and
 * logs one line when it finishes: method, path, status, duration. Headers, query strings
 * and bodies are never logged, so tokens and credentials cannot reach the log.
 */
export function requestLogger(logger = new Logger('HTTP')) {
  return (request: RequestWithCorrelation, response: Response, next: NextFunction): void => {
    const given = request.header('x-request-id');
    const correlationId = given && CORRELATION_ID.test(given) ? given : randomUUID();
    request.correlationId = correlationId;
    response.setHeader('X-Request-Id', correlationId);
    const started = process.hrtime.bigint();
    response.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const path = request.originalUrl.split('?')[0];
      logger.log(`${request.method} ${path} ${response.statusCode} ${ms.toFixed(1)}ms id=${correlationId}`);
    });
    next();
  };
}
