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
  }
}

export interface ApiKeyOptions {
  /** Accepted bearer tokens. When empty the middleware lets everything through. */
  keys: readonly string[];
  /** Tokens issued to the chat page; accepted only on the routes `pageAllowed` names. */
  pageTokens?: PageTokens;
  pageAllowed?: (method: string, path: string) => boolean;
  /** Failed authentications counted per client address; once spent, further attempts get 429 unchecked. */
  failures?: { buckets: TokenBuckets; address: (c: Context) => string };
}

/** Routes the chat page needs: the session API. Direct grading stays for key holders. */
export const chatPageRoutes = (_method: string, path: string): boolean =>
  path === '/api/sessions' || path.startsWith('/api/sessions/') || path.startsWith('/api/turns/') || path.startsWith('/api/questions');

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
 * Require `Authorization: Bearer <key>` on the routes it guards, compared in constant time. A missing or
 * wrong key is a 401 naming the header, with `WWW-Authenticate` as RFC 6750 asks. A verified key sets
 * `caller`; a page token does not (tokens are free to mint, so the page is limited by address).
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
      const allowed = options.pageAllowed ?? chatPageRoutes;
      if (token.startsWith('page.') && options.pageTokens?.verify(token) && allowed(c.req.method, c.req.path)) return next();
    }
    const wait = failures?.buckets.take(bucket) ?? 0;
    if (wait > 0) throw tooManyFailures(failures!.buckets.perMinute, wait);
    c.header('WWW-Authenticate', 'Bearer realm="interview-coach"');
    throw new UnauthorizedError(token ? 'authorization: the bearer token is not valid here' : 'authorization: a bearer API key is required');
  };
}

const tooManyFailures = (perMinute: number, wait: number) =>
  new RateLimitedError(`authorization: too many failed authentications from this address (limit ${perMinute} a minute); retry in ${wait} s`, wait);
