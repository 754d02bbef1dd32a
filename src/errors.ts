/**
 * The one error hierarchy of the coach. Every error a client can cause or see is a `CoachError`; the HTTP
 * layer maps them to status codes in a single `onError` (see `src/http/on-error.ts`).
 */
export class CoachError extends Error {
  /** HTTP status this error maps to. */
  readonly status: number = 500;
  /** Stable machine-readable code, e.g. `not_found`. */
  readonly code: string = 'internal_error';
  /** Fields the error body carries next to `error`, e.g. the unscored grade whose evidence explains a 502. */
  readonly extra: Record<string, unknown> | undefined;
  /** Seconds a client should wait before trying again, sent as `Retry-After`; only errors that know set it. */
  declare readonly retryAfterSeconds?: number | undefined;

  constructor(message: string, options?: CoachErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.extra = options?.extra;
  }
}

export interface CoachErrorOptions extends ErrorOptions {
  extra?: Record<string, unknown>;
}

/** One invalid field of a request. `field` is a dotted path such as `answer` or `rubric.keyPoints.0.id`. */
export interface FieldIssue {
  field: string;
  reason: string;
}

export class ValidationError extends CoachError {
  override readonly status: number = 400;
  override readonly code: string = 'invalid_request';
  constructor(
    readonly issues: FieldIssue[],
    message = issues.map((i) => `${i.field || 'body'}: ${i.reason}`).join('; '),
  ) {
    super(message);
  }
}

export class PayloadTooLargeError extends CoachError {
  override readonly status = 413;
  override readonly code = 'payload_too_large';
  constructor(
    readonly field: string,
    readonly limit: number,
    actual: number,
  ) {
    super(`${field}: is ${actual} characters, the limit is ${limit}`);
  }
}

/** A request body over the server's byte limit, refused before it is read to the end. */
export class BodyTooLargeError extends CoachError {
  override readonly status = 413;
  override readonly code = 'payload_too_large';
  constructor(readonly limit: number) {
    super(`body: is over ${limit} bytes`);
  }
}

export class NotFoundError extends CoachError {
  override readonly status = 404;
  override readonly code = 'not_found';
}

export class ConflictError extends CoachError {
  override readonly status = 409;
  override readonly code = 'conflict';
}

/** A review session asked for when no question is due; the body says when the next one is (`details.nextDueAt`). */
export class NothingDueError extends CoachError {
  override readonly status = 409;
  override readonly code = 'nothing_due';
}

/** The judge could not be reached (provider down, rate limited after retries, timeout). */
export class JudgeUnavailableError extends CoachError {
  override readonly status = 503;
  override readonly code = 'judge_unavailable';
  constructor(
    message: string,
    /** Seconds the client should wait, when the provider said. */
    override readonly retryAfterSeconds?: number,
    options?: CoachErrorOptions,
  ) {
    super(message, options);
  }
}

/** The judge answered, but not with a usable verdict. */
export class JudgeOutputError extends CoachError {
  override readonly status = 502;
  override readonly code = 'judge_invalid_output';
}

/** The judge declined to grade this answer (a refusal or the provider's content filter). */
export class JudgeRefusedError extends CoachError {
  override readonly status = 422;
  override readonly code = 'judge_refused';
}

/** The judge could not be used for another reason: the provider rejected the request, key or model. */
export class JudgeFailedError extends CoachError {
  override readonly status = 502;
  override readonly code = 'judge_failed';
}

/** Configuration that the process cannot start with. Thrown at start-up only. */
export class ConfigError extends CoachError {
  override readonly code = 'invalid_config';
}

export class UnauthorizedError extends CoachError {
  override readonly status = 401;
  override readonly code = 'unauthorized';
}

/** Too many requests from one client; `retryAfterSeconds` says when the next one will be accepted. */
export class RateLimitedError extends CoachError {
  override readonly status = 429;
  override readonly code = 'rate_limited';
  constructor(
    message: string,
    override readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/**
 * The server will not start this grade now: the shared LLM queue is full, or the server is shutting down.
 * Nothing was sent to the judge; `retryAfterSeconds` estimates when a new grade would be admitted.
 */
export class OverloadedError extends CoachError {
  override readonly status = 503;
  override readonly code = 'overloaded';
  constructor(
    message: string,
    override readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** A body sent as something other than `application/json` to a route that reads JSON. */
export class UnsupportedMediaTypeError extends CoachError {
  override readonly status = 415;
  override readonly code = 'unsupported_media_type';
}

/** A request from a page of another site, which this server does not serve. */
export class CrossSiteRequestError extends CoachError {
  override readonly status = 403;
  override readonly code = 'cross_site_request';
}

/** A `Host` this server is not configured to answer for (DNS rebinding, or a misrouted request). */
export class MisdirectedRequestError extends CoachError {
  override readonly status = 421;
  override readonly code = 'misdirected_request';
}

/**
 * The database is locked by another process (a backup, a second server) for longer than the short busy
 * wait. Nothing was written by the refused step; `retryAfterSeconds` says when to try again.
 */
export class DatabaseBusyError extends CoachError {
  override readonly status = 503;
  override readonly code = 'database_busy';
  constructor(
    message: string,
    override readonly retryAfterSeconds: number,
    options?: CoachErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * The database server cannot be reached (connection refused or dropped, server restarting). Nothing the
 * request asked for was acknowledged; the pool reconnects, so the client retries after `retryAfterSeconds`.
 */
export class DatabaseUnavailableError extends CoachError {
  override readonly status = 503;
  override readonly code = 'database_unavailable';
  override readonly retryAfterSeconds = 2;
}

/** The database cannot be used at start-up (not a database, read-only, locked). `main.ts` exits with 2. */
export class DatabaseUnusableError extends ConfigError {}
