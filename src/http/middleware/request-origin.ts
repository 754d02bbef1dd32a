import type { MiddlewareHandler } from 'hono';
import { CrossSiteRequestError, MisdirectedRequestError } from '../../errors.js';

/** Which `Host` names are served: every one, or these (lower case, no port, IPv6 in brackets). */
export type HostAllowList = '*' | ReadonlySet<string>;

/** Names a loopback-bound server answers to when `ALLOWED_HOSTS` is unset. */
export const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Whether a bind address only takes connections from this machine. */
export function isLoopbackBind(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** The host name of a request, lower case, without port or trailing dot (`localhost.` is `localhost`). */
function requestHost(url: string): string {
  return new URL(url).hostname.toLowerCase().replace(/\.$/, '');
}

/**
 * Answer 421 to a `Host` that is not on the list. A page on `evil.example` whose name an attacker re-points
 * at 127.0.0.1 (DNS rebinding) reaches the server with `Host: evil.example`, so it is refused here.
 */
export function hostGuard(allowed: HostAllowList): MiddlewareHandler {
  // Verdicts by the URL's authority, so a URL is parsed once per distinct Host, not once per request.
  // Bounded: a client sending a new Host each time only costs the parse it would have cost anyway.
  const seen = new Map<string, string>();
  return (c, next) => {
    if (allowed === '*') return next();
    const url = c.req.url;
    const authority = url.slice(0, url.indexOf('/', url.indexOf('//') + 2));
    let host = seen.get(authority);
    if (host === undefined) {
      host = requestHost(url);
      if (seen.size >= 64) seen.clear();
      seen.set(authority, host);
    }
    if (!allowed.has(host)) {
      throw new MisdirectedRequestError(`host: ${JSON.stringify(host.slice(0, 100))} is not served here; add it to ALLOWED_HOSTS to serve it`);
    }
    return next();
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuse (403) a state-changing request that a browser made for a page of another site: its `Origin` is
 * neither this server's host nor one of `corsOrigins`, or `Sec-Fetch-Site` says it is cross-site. Clients
 * that are not browsers send neither header and pass. With `application/json` required on bodies this
 * also covers the body-less POSTs (regrade) that `no-cors` fetches and forms can still send.
 */
export function crossSiteGuard(corsOrigins: readonly string[]): MiddlewareHandler {
  const allowed = new Set(corsOrigins.map((o) => o.toLowerCase().replace(/\/$/, '')));
  return async (c, next) => {
    if (SAFE_METHODS.has(c.req.method)) return next();
    const origin = c.req.header('origin');
    if (origin !== undefined) {
      const o = origin.toLowerCase();
      if (allowed.has(o)) return next();
      let sameHost = false;
      try {
        sameHost = o !== 'null' && new URL(o).host === new URL(c.req.url).host.toLowerCase();
      } catch {
        sameHost = false;
      }
      if (!sameHost) throw new CrossSiteRequestError(`origin: requests from ${JSON.stringify(origin.slice(0, 100))} are not accepted; list it in CORS_ORIGINS to allow it`);
      return next();
    }
    const site = c.req.header('sec-fetch-site');
    if (site === 'cross-site' || site === 'same-site') throw new CrossSiteRequestError('sec-fetch-site: requests from other sites are not accepted');
    return next();
  };
}
