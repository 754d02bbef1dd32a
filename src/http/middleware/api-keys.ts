import { createHash } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { RateLimitedError, UnauthorizedError } from '../../errors.js';
import { matchesAny } from './constant-time.js';
import type { PageTokens } from './page-token.js';
import type { TokenBuckets } from './rate-limit.js';

declare module 'hono' {
  interface ContextVariableMap {
    /** Who a verified API key says the caller is (`key:<hash>`), for per-caller rate limits. */
    caller: string;
    /** The request carried a valid chat-page token rather than an API key; routes decide whether that is enough. */
    pageCaller: boolean;
  }
}

export interface ApiKeyOptions {
  /** Accepted bearer tokens. When empty the middleware lets everything through. */
  keys: readonly string[];
  /**
   * Tokens issued to the chat page. A valid one passes here with `pageCaller` set; each route says whether
   * a page may call it (`routeGuard`). Without it, a page token is refused like any unknown token.
   */
  pageTokens?: PageTokens;
  /** Failed authentications counted per client address; once spent, further attempts get 429 unchecked. */
  failures?: AuthFailures;
}

export interface AuthFailures {
  buckets: TokenBuckets;
  address: (c: Context) => string;
}

/**
 * The token of an `Authorization: Bearer <token>` header, or null. Strict, as RFC 6750 writes it: the
 * scheme (any case), ASCII spaces only, then visible ASCII to the end. `Bearer<U+00A0>key` or a tab is
 * not a bearer header.
 */
export function bearerToken(header: string | undefined): string | null {
  const m = header === undefined ? null : /^Bearer +([\x21-\x7e]+) *$/i.exec(header);
  return m?.[1] ?? null;
}

/** A key's rate-limit identity: hashed, so keys are not kept in memory maps. */
export const keyCaller = (key: string) => `key:${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;

/**
 * Require `Authorization: Bearer <key>` on the routes it guards, compared in constant time: the one place
 * the header is read. A missing or wrong key is a 401 naming the header, with `WWW-Authenticate` as RFC 6750
 * asks. A verified key sets `caller`; a page token sets `pageCaller` instead (tokens are free to mint, so the
 * page is limited by address).
 */
export function apiKeyAuth(options: ApiKeyOptions): MiddlewareHandler {
  const keys = options.keys.filter((k) => k.length > 0);
  return async (c, next) => {
    if (keys.length === 0) return next();
    const failures = options.failures;
    const bucket = failures ? `auth:${failures.address(c)}` : '';
    // Checked before the token: a client that has spent its failures learns nothing from further guesses.
    const locked = failures?.buckets.wait(bucket) ?? 0;
    if (locked > 0) throw tooManyFailures(failures!.buckets.perMinute, locked);
    const token = bearerToken(c.req.header('authorization'));
    if (token) {
      if (matchesAny(token, keys)) {
        c.set('caller', keyCaller(token));
        return next();
      }
      if (token.startsWith('page.') && options.pageTokens?.verify(token)) {
        c.set('pageCaller', true);
        return next();
      }
    }
    throw refused(c, failures, token !== null);
  };
}

/**
 * A route a chat page may not call: a request that authenticated with a page token is refused there as
 * `apiKeyAuth` refuses a token that is not valid (counted as a failed authentication).
 */
export function keyRequired(failures: AuthFailures | undefined): MiddlewareHandler {
  return async (c, next) => {
    if (c.get('pageCaller')) throw refused(c, failures, true);
    return next();
  };
}

function refused(c: Context, failures: AuthFailures | undefined, hadToken: boolean): Error {
  const wait = failures?.buckets.take(`auth:${failures.address(c)}`) ?? 0;
  if (wait > 0) return tooManyFailures(failures!.buckets.perMinute, wait);
  c.header('WWW-Authenticate', 'Bearer realm="interview-coach"');
  return new UnauthorizedError(hadToken ? 'authorization: the bearer token is not valid here' : 'authorization: a bearer API key is required');
}

const tooManyFailures = (perMinute: number, wait: number) =>
  new RateLimitedError(`authorization: too many failed authentications from this address (limit ${perMinute} a minute); retry in ${wait} s`, wait);
