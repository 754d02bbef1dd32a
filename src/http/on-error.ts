import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import {
  CoachError,
  DatabaseBusyError,
  DatabaseUnavailableError,
  OverloadedError,
  PayloadTooLargeError,
  ValidationError,
} from '../errors.js';
import { databaseBusy, databaseUnreachable } from '../store/db-errors.js';
import { redactDeep, redactSecrets } from '../store/redact.js';
import type { ErrorBody as ErrorBodySchema } from './schemas.js';

/** Every error response, typed by the same schema the OpenAPI document describes. */
type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** Receives unexpected errors; `c` is absent for errors raised outside a request's own handling. */
export type ErrorLogger = (err: unknown, c?: Context) => void;

/** The app's `onError`: every thrown error goes through `errorResponse`. */
export function createOnError(log: ErrorLogger) {
  return (thrown: Error, c: Context): Response => errorResponse(thrown, c, log);
}

/**
 * The one place errors become HTTP responses: `onError`, the body limit and the not-found handler all answer
 * through it. Domain errors keep their message; anything unexpected is logged and answered with a generic
 * 500, so no stack trace or internal detail reaches a client.
 */
export function errorResponse(thrown: unknown, c: Context, log: ErrorLogger): Response {
  {
    // A lock held by another process is a retryable 503, wherever in the request it was met.
    // A lost database connection is a retryable 503 too: nothing was acknowledged, and the pool reconnects.
    const err = databaseBusy(thrown)
      ? new DatabaseBusyError('the database is busy (locked by another process); retry shortly', 1, { cause: thrown })
      : databaseUnreachable(thrown)
        ? new DatabaseUnavailableError('the database cannot be reached right now; retry shortly', { cause: thrown })
        : thrown;
    if (err instanceof CoachError) {
      // Masked: a provider's error text (or a grade carrying it) may echo the configured key.
      const body: ErrorBody = { error: { code: err.code, message: redactSecrets(err.message) } };
      if (err instanceof ValidationError) body.error.issues = err.issues;
      if (err instanceof PayloadTooLargeError) body.error.issues = [{ field: err.field, reason: err.message }];
      // Client errors say `<field>: <reason>`; the field is given apart too, so a client need not parse it.
      const named = err.status < 500 && !body.error.issues ? /^([A-Za-z][\w.-]*): (.+)$/s.exec(err.message) : null;
      if (named?.[1] && named[2]) body.error.issues = [{ field: named[1], reason: named[2] }];
      if (err.retryAfterSeconds !== undefined) c.header('Retry-After', String(Math.max(1, Math.ceil(err.retryAfterSeconds))));
      // A full queue is the server working as designed under load, not a fault to log for every refusal.
      if (err.status >= 500 && !(err instanceof OverloadedError) && !(err instanceof DatabaseBusyError)) log(err, c);
      // `error` first and never overwritten by the extra fields.
      return c.json({ ...body, ...(err.extra ? redactDeep(err.extra) : {}), error: body.error }, err.status as ContentfulStatusCode);
    }
    if (err instanceof HTTPException) {
      const status = err.status;
      const code = status === 413 ? 'payload_too_large' : status === 401 ? 'unauthorized' : 'http_error';
      const message = err.message || (status === 413 ? 'request body is too large' : 'request failed');
      return c.json({ error: { code, message } } satisfies ErrorBody, status as ContentfulStatusCode);
    }
    log(err, c);
    return c.json({ error: { code: 'internal_error', message: 'internal error' } } satisfies ErrorBody, 500);
  }
}
