import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createGrader } from '../src/grading/grade.js';
import { createApp } from '../src/http/app.js';
import { clientAddress } from '../src/http/middleware/client-address.js';
import { matchesAny } from '../src/http/middleware/constant-time.js';
import { createPageTokens } from '../src/http/middleware/page-token.js';
import { TokenBuckets } from '../src/http/middleware/rate-limit.js';
import type { SecurityDeps } from '../src/http/security.js';
import { createEmbeddedJudge } from '../src/judge/embedded/embedded-judge.js';
import { createStore } from '../src/store/store.js';
import { bank, postJson, testApp, testCoach } from './helpers/app.js';

function appWith(overrides: Partial<SecurityDeps> = {}, clock = { t: 0 }) {
  const judge = createEmbeddedJudge();
  const now = () => clock.t;
  const security: SecurityDeps = {
    apiKeys: [],
    pageTokens: createPageTokens({ now }),
    grading: new TokenBuckets(3, now),
    reads: new TokenBuckets(100, now),
    clientAddress: (c) => c.req.header('x-test-client') ?? 'a',
    corsOrigins: [],
    // Generous here: the throttling of failed authentications has its own tests.
    authFailures: new TokenBuckets(1000, now),
    ...overrides,
  };
  const { app } = testCoach({}, { judge, security });
  return { app, security, clock };
}

const answer = { questionId: 'data-drift', answer: 'Inputs in production move away from the training data.' };

describe('API keys', () => {
  const { app, security } = appWith({ apiKeys: ['key-one', 'key-two'] });
  const post = (auth?: string) =>
    app.request('/api/grade', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
      body: JSON.stringify(answer),
    });

  it('answers 401 without a key, naming the header', async () => {
    const res = await post();
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('Bearer');
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/^authorization:/);
  });

  it('answers 401 for a wrong key and 200 for each right one', async () => {
    expect((await post('Bearer key-three')).status).toBe(401);
    expect((await post('Basic key-one')).status).toBe(401);
    expect((await post('Bearer key-one')).status).toBe(200);
    expect((await post('bearer key-two')).status).toBe(200);
  });

  it('keeps /healthz open', async () => {
    expect((await app.request('/healthz')).status).toBe(200);
  });

  it('lets a page token read questions but not call the grading endpoint', async () => {
    const token = security.pageTokens.issue();
    expect((await app.request('/api/questions', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await post(`Bearer ${token}`)).status).toBe(401);
  });

  it('refuses a forged or expired page token', () => {
    const clock = { t: 1000 };
    const tokens = createPageTokens({ now: () => clock.t, ttlMs: 10 });
    const token = tokens.issue();
    expect(tokens.verify(token)).toBe(true);
    expect(tokens.verify(token.replace(/.$/, (ch) => (ch === 'A' ? 'B' : 'A')))).toBe(false);
    expect(tokens.verify(`page.${clock.t + 999999}.${token.split('.')[2]}`)).toBe(false);
    expect(createPageTokens().verify(token)).toBe(false);
    clock.t += 11;
    expect(tokens.verify(token)).toBe(false);
  });

  it('compares keys whole, not by prefix', () => {
    expect(matchesAny('key', ['key-one'])).toBe(false);
    expect(matchesAny('key-one', ['x', 'key-one'])).toBe(true);
    expect(matchesAny('', [])).toBe(false);
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After once the grading bucket is spent, per client', async () => {
    const { app, clock } = appWith();
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await postJson(app, '/api/grade', answer)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const res = await postJson(app, '/api/grade', answer);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBe(20); // 3 a minute: one token every 20 s
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('rate_limited');

    // Another client has its own bucket; reads are counted apart.
    const other = await app.request('/api/grade', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-test-client': 'b' },
      body: JSON.stringify(answer),
    });
    expect(other.status).toBe(200);
    expect((await app.request('/api/questions')).status).toBe(200);

    clock.t += 20_000;
    expect((await postJson(app, '/api/grade', answer)).status).toBe(200);
  });

  it('counts per API key when one is sent', async () => {
    const { app } = appWith({ apiKeys: ['k1', 'k2'] });
    const send = (key: string) =>
      app.request('/api/grade', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(answer) });
    for (let i = 0; i < 3; i++) expect((await send('k1')).status).toBe(200);
    expect((await send('k1')).status).toBe(429);
    expect((await send('k2')).status).toBe(200);
  });

  it('refills continuously and never above the limit', () => {
    const clock = { t: 0 };
    const b = new TokenBuckets(60, () => clock.t);
    for (let i = 0; i < 60; i++) expect(b.take('x')).toBe(0);
    expect(b.take('x')).toBe(1);
    clock.t += 1000;
    expect(b.take('x')).toBe(0);
    clock.t += 10 * 60_000;
    for (let i = 0; i < 60; i++) expect(b.take('x')).toBe(0);
    expect(b.take('x')).toBeGreaterThan(0);
  });

  it('prunes idle buckets when there are too many clients', () => {
    const clock = { t: 0 };
    const b = new TokenBuckets(10, () => clock.t, 100);
    for (let i = 0; i < 100; i++) b.take(`c${i}`);
    clock.t += 60_000;
    b.take('new');
    expect(b.size).toBe(1);
  });

  it('stays bounded under a flood of distinct clients', () => {
    const b = new TokenBuckets(10, () => 0, 100);
    for (let i = 0; i < 1000; i++) b.take(`c${i}`);
    expect(b.size).toBeLessThanOrEqual(100);
    expect(b.take('c999')).toBe(0); // a recent client keeps its bucket
  });

  it('takes the client address from the proxy-appended X-Forwarded-For entry only when told to trust a proxy', async () => {
    const app = (trust: boolean) => new Hono().get('/', (c) => c.text(clientAddress(trust)(c)));
    const headers = { 'x-forwarded-for': '203.0.113.9, 198.51.100.7' };
    // The first entry is the client's own claim; the last one is what our proxy saw.
    expect(await (await app(true).request('/', { headers })).text()).toBe('198.51.100.7');
    expect(await (await app(false).request('/', { headers })).text()).toBe('local');
  });

  it('counts grading routes apart from reads, each by the class its route declares', async () => {
    // Grading buckets hold 3 a minute here, reads 100: the policy header names the bucket a request spent.
    const { app } = appWith();
    const policy = async (method: string, path: string) =>
      (await app.request(path, { method, headers: { 'content-type': 'application/json' }, ...(method === 'POST' ? { body: '{}' } : {}) })).headers.get('ratelimit-policy');
    expect(await policy('POST', '/api/grade')).toBe('3;w=60');
    expect(await policy('POST', '/api/sessions/abc/answers')).toBe('3;w=60');
    expect(await policy('POST', '/api/turns/7/regrade')).toBe('3;w=60');
    expect(await policy('POST', '/api/sessions')).toBe('100;w=60');
    expect(await policy('GET', '/api/questions')).toBe('100;w=60');
    expect(await policy('GET', '/api/no-such-route')).toBe('100;w=60');
    expect(await policy('GET', '/healthz')).toBeNull();
  });
});

describe('every route', () => {
  const { app } = testApp();
  const concrete = (path: string) => path.replace(/:[A-Za-z]+/g, 'x');
  const posts = app.routes.filter((r) => r.method === 'POST').map((r) => concrete(r.path));

  it.each(posts)('POST %s refuses a body over 64 KiB with 413', async (path) => {
    const res = await postJson(app, path, { answer: 'a', pad: 'x'.repeat(70_000) });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
  });

  it('covers the grading and session routes', () => {
    expect(posts).toEqual(expect.arrayContaining(['/api/grade', '/api/sessions', '/api/sessions/x/answers', '/api/turns/x/regrade']));
  });

  it('needs a key on every /api route when keys are set', async () => {
    const { app: locked } = appWith({ apiKeys: ['k'] });
    const api = locked.routes.filter((r) => r.path.startsWith('/api/') && r.method !== 'ALL');
    expect(api.length).toBeGreaterThan(5);
    for (const r of api) {
      const res = await locked.request(concrete(r.path), { method: r.method, headers: { 'content-type': 'application/json' }, ...(r.method === 'POST' ? { body: '{}' } : {}) });
      expect([r.method, r.path, res.status]).toEqual([r.method, r.path, 401]);
    }
  });
});

describe('headers', () => {
  it('sends a CSP with no inline script except by nonce and no external origin', async () => {
    const { app } = appWith();
    const res = await app.request('/healthz');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=_-]+'/);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toMatch(/https?:/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('uses a fresh nonce on every response', async () => {
    const { app } = appWith();
    const nonce = async () => /nonce-([^']+)/.exec((await app.request('/healthz')).headers.get('content-security-policy') ?? '')?.[1];
    expect(await nonce()).not.toBe(await nonce());
  });

  it('allows configured CORS origins only', async () => {
    const { app } = appWith({ corsOrigins: ['https://integrator.example'] });
    const ok = await app.request('/api/questions', { headers: { origin: 'https://integrator.example' } });
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://integrator.example');
    const other = await app.request('/api/questions', { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await app.request('/api/grade', {
      method: 'OPTIONS',
      headers: { origin: 'https://integrator.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
  });

  it('puts the security headers on errors too', async () => {
    const { app } = appWith({ apiKeys: ['k'] });
    const res = await postJson(app, '/api/grade', answer);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-security-policy')).toBeTruthy();
  });
});

describe('the chat page when API keys are required', () => {
  it('carries a page token that opens the session API and nothing else', async () => {
    const judge = createEmbeddedJudge();
    const security: SecurityDeps = {
      apiKeys: ['secret-key'],
      pageTokens: createPageTokens(),
      grading: new TokenBuckets(100),
      reads: new TokenBuckets(100),
      clientAddress: () => 'a',
      corsOrigins: [],
    };
    const { app } = testCoach({}, { judge, security });
    const html = await (await app.request('/')).text();
    const token = /<meta name="coach-api-token" content="([^"]+)"/.exec(html)?.[1];
    expect(token).toMatch(/^page\./);
    expect(html).not.toContain('secret-key');
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    expect((await app.request('/api/sessions', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).status).toBe(401);
    const started = await app.request('/api/sessions', { method: 'POST', body: JSON.stringify({ count: 1 }), headers: auth });
    expect(started.status).toBe(201);
    expect((await app.request('/api/grade', { method: 'POST', body: JSON.stringify(answer), headers: auth })).status).toBe(401);
  });

  it('has no token when the API is open', async () => {
    const { app } = appWith();
    expect(await (await app.request('/')).text()).not.toContain('coach-api-token');
  });
});
