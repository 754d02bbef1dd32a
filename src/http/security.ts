import { createHash } from 'node:crypto';
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { NONCE, secureHeaders } from 'hono/secure-headers';
import { apiKeyAuth } from './middleware/api-keys.js';
import { clientAddress } from './middleware/client-address.js';
import { createPageTokens, type PageTokens } from './middleware/page-token.js';
import { rateLimit, TokenBuckets } from './middleware/rate-limit.js';

export interface SecurityDeps {
  /** Bearer keys for the API; empty means the API is open. */
  apiKeys: readonly string[];
  /** Tokens the chat page carries when keys are required. */
  pageTokens: PageTokens;
  grading: TokenBuckets;
  reads: TokenBuckets;
  clientAddress: (c: Context) => string;
  /** Origins allowed to call the API from a browser; empty means same-origin only. */
  corsOrigins: readonly string[];
}

/** Rate limits count per API key when one is sent (hashed: keys are not kept in memory maps), else per address. */
function clientKey(deps: SecurityDeps) {
  return (c: Context): string => {
    const auth = c.req.header('authorization');
    const token = auth && /^Bearer\s+(\S+)/i.exec(auth)?.[1];
    if (token && !token.startsWith('page.')) return `key:${createHash('sha256').update(token).digest('hex').slice(0, 16)}`;
    return `ip:${deps.clientAddress(c)}`;
  };
}

/**
 * Security headers on every response, errors included: a CSP that allows scripts only from this origin or
 * by a per-response nonce, and styles, images and connections only from this origin.
 */
export function securityHeaders(): MiddlewareHandler {
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", NONCE],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      fontSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
    crossOriginEmbedderPolicy: false,
  });
}

/**
 * CORS, API keys and rate limits, in the order that matters: CORS before auth so preflights pass, auth
 * before limits so an unauthenticated flood cannot spend a real client's bucket.
 */
export function installSecurity(app: Hono, deps: SecurityDeps): void {
  if (deps.corsOrigins.length > 0) {
    app.use(
      '/api/*',
      cors({
        origin: [...deps.corsOrigins],
        allowMethods: ['GET', 'POST', 'OPTIONS'],
        allowHeaders: ['authorization', 'content-type'],
        exposeHeaders: ['retry-after', 'ratelimit-policy'],
        maxAge: 600,
      }),
    );
  }
  app.use('/api/*', apiKeyAuth({ keys: deps.apiKeys, pageTokens: deps.pageTokens }));
  app.use('/api/*', rateLimit({ grading: deps.grading, reads: deps.reads, clientKey: clientKey(deps) }));
}

export interface SecurityConfig {
  API_KEYS: string[];
  RATE_LIMIT_PER_MIN: number;
  RATE_LIMIT_READS_PER_MIN: number;
  CORS_ORIGINS: string[];
  TRUST_PROXY: boolean;
}

/** Security dependencies from the parsed configuration. */
export function securityFromConfig(config: SecurityConfig): SecurityDeps {
  return {
    apiKeys: config.API_KEYS,
    pageTokens: createPageTokens(),
    grading: new TokenBuckets(config.RATE_LIMIT_PER_MIN),
    reads: new TokenBuckets(config.RATE_LIMIT_READS_PER_MIN),
    clientAddress: clientAddress(config.TRUST_PROXY),
    corsOrigins: config.CORS_ORIGINS,
  };
}
