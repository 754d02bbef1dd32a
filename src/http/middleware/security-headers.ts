import type { Context, MiddlewareHandler } from 'hono';
import { randomBytes } from 'node:crypto';
import { ServerResponse } from 'node:http';

/**
 * The Content Security Policy: scripts only from this origin or by this response's nonce; styles, images and
 * connections only from this origin; no plugins, no `<base>`, no framing.
 */
export const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'", 'NONCE'],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
} as const;

/**
 * hono's `secureHeaders` defaults without COEP and HSTS (HSTS is added below, over HTTPS only).
 * test/security-headers.test.ts checks that these are exactly what `secureHeaders` sends with the same options.
 */
const FIXED_HEADERS: readonly (readonly [string, string])[] = [
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Cross-Origin-Resource-Policy', 'same-origin'],
  ['Origin-Agent-Cluster', '?1'],
  ['Referrer-Policy', 'no-referrer'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-DNS-Prefetch-Control', 'off'],
  ['X-Download-Options', 'noopen'],
  ['X-Frame-Options', 'SAMEORIGIN'],
  ['X-Permitted-Cross-Domain-Policies', 'none'],
  ['X-XSS-Protection', '0'],
];

const kebab = (name: string) => name.replace(/[A-Z]/g, (ch) => `-${ch.toLowerCase()}`);
const policy = Object.entries(CSP_DIRECTIVES).map(([name, values]) => `${kebab(name)} ${values.join(' ')}`).join('; ');
// The policy split around its one per-response part, so a response costs one concatenation.
const [CSP_HEAD, CSP_TAIL] = policy.split('NONCE') as [string, string];

/**
 * Security headers on every response, errors included: the CSP above with a fresh nonce, the fixed headers,
 * and HSTS only on a response to an HTTPS request (over plain HTTP a browser ignores it, and it says what is
 * not so). A response's own value of one of these headers is kept. The values are computed once: a response
 * only pays for its nonce and the header writes, which `/healthz` and every API call pay on each request.
 */
export function securityHeaders(options: { trustProxy?: boolean } = {}): MiddlewareHandler {
  const trustProxy = options.trustProxy ?? false;
  return (c, next) => {
    // Drawn before the handler runs, so a page can read it from the context (as with hono's `NONCE`).
    const csp = `${CSP_HEAD}'nonce-${nonceFor(c)}'${CSP_TAIL}`;
    const hsts = cameOverHttps(c, trustProxy);
    const node = nodeResponse(c);
    if (node) {
      // Served by @hono/node-server: set on Node's response, under the headers the route's response brings.
      // Setting them on `c.res` instead would turn that response's plain header object into a Headers, which
      // the adapter then copies back out, on every request.
      for (const [name, value] of FIXED_HEADERS) node.setHeader(name, value);
      node.setHeader('Content-Security-Policy', csp);
      if (hsts) node.setHeader('Strict-Transport-Security', HSTS);
      return next();
    }
    return next().then(() => {
      const headers = c.res.headers;
      const put = (name: string, value: string) => headers.has(name) || headers.set(name, value);
      for (const [name, value] of FIXED_HEADERS) put(name, value);
      put('Content-Security-Policy', csp);
      if (hsts) put('Strict-Transport-Security', HSTS);
    });
  };
}

const HSTS = 'max-age=15552000; includeSubDomains';

/** Node's response object, when this request came through @hono/node-server and nothing is sent yet. */
function nodeResponse(c: Context): ServerResponse | undefined {
  const outgoing: unknown = (c.env as { outgoing?: unknown } | undefined)?.outgoing;
  return outgoing instanceof ServerResponse && !outgoing.headersSent ? outgoing : undefined;
}

// Random bytes for CSP nonces, drawn 4 KiB at a time: one system call per 256 responses instead of one each.
const NONCE_BYTES = 16;
let noncePool = Buffer.alloc(0);
let nonceOffset = 0;

/** This response's nonce (16 random bytes, base64), kept under hono's context key `secureHeadersNonce`. */
function nonceFor(c: Context): string {
  let nonce = c.get('secureHeadersNonce');
  if (!nonce) {
    if (nonceOffset + NONCE_BYTES > noncePool.length) {
      noncePool = randomBytes(NONCE_BYTES * 256);
      nonceOffset = 0;
    }
    nonce = noncePool.toString('base64', nonceOffset, nonceOffset + NONCE_BYTES);
    nonceOffset += NONCE_BYTES;
    c.set('secureHeadersNonce', nonce);
  }
  return nonce;
}

/** HTTPS to this server, or to the proxy in front of it when that proxy is trusted. */
function cameOverHttps(c: Context, trustProxy: boolean): boolean {
  // A request URL is absolute with a lower-case scheme (WHATWG URL), so a prefix test is the protocol test.
  if (c.req.url.startsWith('https:')) return true;
  return trustProxy && c.req.header('x-forwarded-proto')?.split(',').at(-1)?.trim().toLowerCase() === 'https';
}
