import type { Context, Hono, MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { ConfigError } from '../errors.js';
import { addressBucket } from './middleware/address-bucket.js';
import { apiKeyAuth, type AuthFailures, keyRequired } from './middleware/api-keys.js';
import { clientAddress } from './middleware/client-address.js';
import { markGuard } from './openapi/route-spec.js';
import { createPageTokens, type PageTokens } from './middleware/page-token.js';
import { type RateClass, rateLimit, TokenBuckets } from './middleware/rate-limit.js';
import { crossSiteGuard, type HostAllowList, hostGuard, isLoopbackBind, LOOPBACK_HOSTS } from './middleware/request-origin.js';

export interface SecurityDeps {
  /** Bearer keys for the API; empty means the API is open. */
  apiKeys: readonly string[];
  /** Tokens the chat page carries when keys are required. */
  pageTokens: PageTokens;
  grading: TokenBuckets;
  reads: TokenBuckets;
  /** The client's address as seen (socket peer, or the proxy's X-Forwarded-For entry). */
  clientAddress: (c: Context) => string;
  /** Origins allowed to call the API from a browser; empty means same-origin only. */
  corsOrigins: readonly string[];
  /** Host names served (421 for others). Default `*`: every Host, as for an app built in a test. */
  allowedHosts?: HostAllowList;
  /** Failed authentications per address; default 10 a minute. */
  authFailures?: TokenBuckets;
  /** IPv6 clients share a bucket per network of this many bits. Default 64. */
  ipv6Prefix?: number;
  /** Trust X-Forwarded-Proto (behind your own proxy) when deciding whether a request came over HTTPS. */
  trustProxy?: boolean;
  /** Bearer token for GET /metrics besides the API keys. */
  metricsToken?: string;
}

/**
 * The rate-limit identity of a request: the verified API key (set by `apiKeyAuth`), else the client's
 * address bucket. A bearer token that was not verified (none are when `API_KEYS` is unset) counts for nothing.
 */
export function clientKey(deps: Pick<SecurityDeps, 'clientAddress' | 'ipv6Prefix'>) {
  return (c: Context): string => c.get('caller') ?? `ip:${addressBucket(deps.clientAddress(c), deps.ipv6Prefix)}`;
}

/**
 * Host allow-list, CORS, the cross-site guard, API keys and rate limits, in the order that matters: the
 * Host first (a rebound name gets nothing), CORS before auth so preflights pass, auth before limits so an
 * unauthenticated flood cannot spend a real client's bucket (its failures have their own bucket).
 */
export function installSecurity(app: Hono, deps: SecurityDeps): void {
  app.use('*', hostGuard(deps.allowedHosts ?? '*'));
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
  app.use('/api/*', crossSiteGuard(deps.corsOrigins));
  const address = (c: Context) => addressBucket(deps.clientAddress(c), deps.ipv6Prefix);
  const failures = authFailures(deps);
  app.use('/api/*', apiKeyAuth({ keys: deps.apiKeys, pageTokens: deps.pageTokens, failures }));
  // Metrics: any API key or the metrics token; open only when neither is configured. No page tokens.
  const metricsKeys = [...deps.apiKeys, ...(deps.metricsToken ? [deps.metricsToken] : [])];
  app.use('/metrics', apiKeyAuth({ keys: metricsKeys, failures }));
}

// One failure budget per server, shared by the API's and the metrics' authentication and the route guards.
const failureBudgets = new WeakMap<SecurityDeps, AuthFailures>();
function authFailures(deps: SecurityDeps): AuthFailures {
  let f = failureBudgets.get(deps);
  if (!f) {
    const address = (c: Context) => addressBucket(deps.clientAddress(c), deps.ipv6Prefix);
    f = { buckets: deps.authFailures ?? new TokenBuckets(10), address };
    failureBudgets.set(deps, f);
  }
  return f;
}

/** What a route says about itself where it is mounted: its rate class, and whether the chat page may call it. */
export interface RouteFacts {
  rate: RateClass;
  /**
   * Who may call it when keys are set: `true`, the chat page's token is enough (the session API); `false`, an
   * API key is required; `'open'`, a page a browser navigates to, which asks for neither (so the OpenAPI
   * document lists no bearer key for it) and only counts the rate.
   */
  page: boolean | 'open';
}

/** Builds the per-route middleware for a route's facts. */
export type RouteGuard = (facts: RouteFacts) => MiddlewareHandler;

/**
 * The per-route half of the security: after the app-wide authentication (which keeps the caller on the
 * context), a key-only route refuses a page token, then the route's rate class is counted. A request is
 * guarded once: the fallback guard of unmatched /api paths passes a request a route already guarded.
 */
export function routeGuard(deps: SecurityDeps): RouteGuard {
  const failures = authFailures(deps);
  const key = clientKey(deps);
  const keyOnly = keyRequired(failures);
  const limits = { grading: rateLimit('grading', deps.grading, key), read: rateLimit('read', deps.reads, key) };
  return (facts) => {
    const limit = limits[facts.rate];
    if (facts.page === 'open') return limit;
    return markGuard(async (c, next) => {
      if (c.get('guarded')) return next();
      c.set('guarded', true);
      if (facts.page) return limit(c, next);
      return keyOnly(c, async () => {
        await limit(c, next);
      });
    });
  };
}

declare module 'hono' {
  interface ContextVariableMap {
    /** The route guard has run for this request. */
    guarded: boolean;
  }
}

export interface SecurityConfig {
  HOST: string;
  API_KEYS: string[];
  RATE_LIMIT_PER_MIN: number;
  RATE_LIMIT_READS_PER_MIN: number;
  CORS_ORIGINS: string[];
  TRUST_PROXY: boolean;
  ALLOWED_HOSTS: string[];
  METRICS_TOKEN?: string | undefined;
  AUTH_FAILURES_PER_MIN: number;
  RATE_LIMIT_IPV6_PREFIX: number;
}

/** The Host allow-list a configuration gives; a non-loopback bind without `ALLOWED_HOSTS` is refused. */
export function allowedHostsFor(config: Pick<SecurityConfig, 'HOST' | 'ALLOWED_HOSTS'>): HostAllowList {
  if (config.ALLOWED_HOSTS.includes('*')) return '*';
  if (config.ALLOWED_HOSTS.length > 0) return new Set(config.ALLOWED_HOSTS.map((h) => h.replace(/\.$/, '')));
  if (isLoopbackBind(config.HOST)) return LOOPBACK_HOSTS;
  throw new ConfigError(
    `ALLOWED_HOSTS must be set when HOST (${config.HOST}) is not a loopback address: list the host names clients use, e.g. ALLOWED_HOSTS=coach.example.com, or * to serve any`,
  );
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
    allowedHosts: allowedHostsFor(config),
    authFailures: new TokenBuckets(config.AUTH_FAILURES_PER_MIN),
    ipv6Prefix: config.RATE_LIMIT_IPV6_PREFIX,
    trustProxy: config.TRUST_PROXY,
    ...(config.METRICS_TOKEN ? { metricsToken: config.METRICS_TOKEN } : {}),
  };
}
