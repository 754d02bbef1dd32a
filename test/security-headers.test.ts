import { Hono } from 'hono';
import { NONCE, secureHeaders } from 'hono/secure-headers';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSP_DIRECTIVES, securityHeaders } from '../src/http/middleware/security-headers.js';
import { testCoach } from './helpers/app.js';

/** The headers of a response, with the CSP nonce replaced by a placeholder. */
async function headersOf(app: Hono, url = 'http://localhost/x') {
  const res = await app.request(url);
  return Object.fromEntries([...res.headers].map(([k, v]) => [k, v.replace(/'nonce-[^']+'/, "'nonce-N'")]));
}

describe('security headers', () => {
  it("are exactly what hono's secureHeaders sends with the coach's policy", async () => {
    const reference = new Hono()
      .use(
        '*',
        secureHeaders({
          // The same directives, with hono's own nonce in the placeholder's place.
          contentSecurityPolicy: Object.fromEntries(Object.entries(CSP_DIRECTIVES).map(([name, values]) => [name, values.map((v) => (v === 'NONCE' ? NONCE : v))])),
          crossOriginEmbedderPolicy: false,
          strictTransportSecurity: false,
        }),
      )
      .get('/x', (c) => c.json({}));
    const ours = new Hono().use('*', securityHeaders()).get('/x', (c) => c.json({}));
    const expected = await headersOf(reference);
    expect(Object.keys(expected).length).toBeGreaterThan(10);
    expect(await headersOf(ours)).toEqual(expected);
  });

  it('adds HSTS over HTTPS only, and behind a proxy only when it is trusted', async () => {
    const app = (trustProxy: boolean) => new Hono().use('*', securityHeaders({ trustProxy })).get('/x', (c) => c.text('ok'));
    const hsts = async (a: Hono, url: string, headers: Record<string, string> = {}) => (await a.request(url, { headers })).headers.get('strict-transport-security');
    expect(await hsts(app(false), 'https://localhost/x')).toBe('max-age=15552000; includeSubDomains');
    expect(await hsts(app(false), 'http://localhost/x')).toBeNull();
    expect(await hsts(app(false), 'http://localhost/x', { 'x-forwarded-proto': 'https' })).toBeNull();
    expect(await hsts(app(true), 'http://localhost/x', { 'x-forwarded-proto': 'http, https' })).toBe('max-age=15552000; includeSubDomains');
  });

  it('keeps the nonce on the context for the handler, the same one the CSP carries', async () => {
    let seen: string | undefined;
    const app = new Hono().use('*', securityHeaders()).get('/x', (c) => {
      seen = c.get('secureHeadersNonce');
      return c.text('ok');
    });
    const csp = (await app.request('/x')).headers.get('content-security-policy') ?? '';
    expect(seen).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(csp).toContain(`'nonce-${seen}'`);
  });

  it('sets them on a Response a handler built itself', async () => {
    const app = new Hono().use('*', securityHeaders()).get('/x', () => new Response('raw', { headers: { 'x-own': '1' } }));
    const res = await app.request('/x');
    expect(res.headers.get('x-own')).toBe('1');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });
});

describe('security headers over real HTTP', () => {
  // Node's own response carries them there; app.request() has none, so they go on the Response. Same headers.
  const coach = testCoach({ API_KEYS: 'k' });
  let server: ReturnType<typeof serve>;
  let origin = '';
  beforeAll(async () => {
    server = serve({ fetch: coach.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await coach.store.close();
  });
  // What the HTTP layer adds or the request's own nonce changes.
  const transport = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);
  const comparable = (res: Response) =>
    Object.fromEntries([...res.headers].filter(([k]) => !transport.has(k)).map(([k, v]) => [k, v.replace(/'nonce-[^']+'/, "'nonce-N'")]));

  it.each([
    ['GET', '/healthz'],
    ['GET', '/'],
    ['GET', '/static/chat.js'],
    ['GET', '/api/no-such-route'],
    ['POST', '/api/grade'],
  ])('%s %s: the same headers as app.request() gives', async (method, path) => {
    const init = { method, headers: { host: new URL(origin).host, 'content-type': 'application/json', authorization: 'Bearer wrong' }, ...(method === 'POST' ? { body: '{}' } : {}) };
    const viaHttp = await fetch(`${origin}${path}`, init);
    const inProcess = await coach.app.request(`${origin}${path}`, init);
    expect(viaHttp.status).toBe(inProcess.status);
    expect(comparable(viaHttp)).toEqual(comparable(inProcess));
    expect(viaHttp.headers.get('content-security-policy')).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
    expect(viaHttp.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
