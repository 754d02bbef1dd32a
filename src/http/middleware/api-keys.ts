import type { MiddlewareHandler } from 'hono';
import { UnauthorizedError } from '../../errors.js';
import { matchesAny } from './constant-time.js';
import type { PageTokens } from './page-token.js';

export interface ApiKeyOptions {
  /** Accepted bearer tokens. When empty the middleware lets everything through. */
  keys: readonly string[];
  /** Tokens issued to the chat page; accepted only on the routes `pageAllowed` names. */
  pageTokens?: PageTokens;
  pageAllowed?: (method: string, path: string) => boolean;
}

/** Routes the chat page needs: the session API. Direct grading stays for key holders. */
export const chatPageRoutes = (_method: string, path: string): boolean =>
  path === '/api/sessions' || path.startsWith('/api/sessions/') || path.startsWith('/api/turns/') || path.startsWith('/api/questions');

/**
 * Require `Authorization: Bearer <key>` on the routes it guards, compared in constant time. A missing or
 * wrong key is a 401 naming the header, with `WWW-Authenticate` as RFC 6750 asks.
 */
export function apiKeyAuth(options: ApiKeyOptions): MiddlewareHandler {
  const keys = options.keys.filter((k) => k.length > 0);
  return async (c, next) => {
    if (keys.length === 0) return next();
    const header = c.req.header('authorization') ?? '';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const token = m?.[1];
    if (token) {
      if (matchesAny(token, keys)) return next();
      const allowed = options.pageAllowed ?? chatPageRoutes;
      if (token.startsWith('page.') && options.pageTokens?.verify(token) && allowed(c.req.method, c.req.path)) return next();
    }
    c.header('WWW-Authenticate', 'Bearer realm="interview-coach"');
    throw new UnauthorizedError(token ? 'authorization: the bearer token is not valid here' : 'authorization: a bearer API key is required');
  };
}
