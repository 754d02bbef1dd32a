import { describe, expect, it } from 'vitest';
import { createPageTokens } from '../src/http/middleware/page-token.js';
import { post, securedApp, validAnswer } from './helpers/secured-app.js';

const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; issues?: { field: string }[] } }).error;

describe('assets are looked up by name, not as properties', () => {
  const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];

  it.each(names)('GET /docs/assets/%s is a 404 naming the file, with nothing logged', async (name) => {
    const { app, errors } = securedApp();
    const res = await app.request(`/docs/assets/${name}`);
    expect(res.status).toBe(404);
    expect((await errorOf(res)).issues?.[0]?.field).toBe('file');
    expect(errors).toEqual([]);
  });

  it.each(names)('GET /static/%s is a 404', async (name) => {
    const { app, errors } = securedApp();
    expect((await app.request(`/static/${name}`)).status).toBe(404);
    expect(errors).toEqual([]);
  });

  it('still serves the real files', async () => {
    const { app } = securedApp();
    expect((await app.request('/docs/assets/swagger-ui.css')).status).toBe(200);
    expect((await app.request('/static/chat.js')).status).toBe(200);
  });
});

describe('page tokens are exactly what the server issues', () => {
  it('refuses a valid token with anything after it', () => {
    const tokens = createPageTokens();
    const token = tokens.issue();
    expect(tokens.verify(token)).toBe(true);
    for (const t of [`${token}.extra`, `${token}.`, ` ${token}`, `${token}x`, `x${token}`, token.replace('page.', 'page..')]) {
      expect([t, tokens.verify(t)]).toEqual([t, false]);
    }
  });

  it('is refused by the API with a suffix', async () => {
    const { app, security } = securedApp({ API_KEYS: 'k' });
    const token = security.pageTokens.issue();
    expect((await app.request('/api/questions', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await app.request('/api/questions', { headers: { authorization: `Bearer ${token}.extra` } })).status).toBe(401);
  });
});

describe('the Authorization header is parsed strictly', () => {
  it.each([
    ['a no-break space', 'Bearer\u00a0right-key'],
    ['a tab', 'Bearer\tright-key'],
    ['no space', 'Bearerright-key'],
    ['a second token', 'Bearer right-key extra'],
  ])('refuses %s after Bearer', async (_name, header) => {
    const { app } = securedApp({ API_KEYS: 'right-key' });
    expect((await post(app, '/api/grade', validAnswer, { authorization: header })).status).toBe(401);
  });

  it('accepts the scheme in any case, with ASCII spaces', async () => {
    const { app } = securedApp({ API_KEYS: 'right-key' });
    for (const header of ['Bearer right-key', 'bearer right-key', 'BEARER  right-key']) {
      expect([header, (await post(app, '/api/grade', validAnswer, { authorization: header })).status]).toEqual([header, 200]);
    }
  });
});

describe('HSTS', () => {
  it('is not sent over plain HTTP', async () => {
    const { app } = securedApp();
    expect((await app.request('http://localhost/healthz')).headers.get('strict-transport-security')).toBeNull();
  });

  it('is not sent on a forwarded HTTPS request unless the proxy is trusted', async () => {
    const { app } = securedApp();
    expect((await app.request('http://localhost/healthz', { headers: { 'x-forwarded-proto': 'https' } })).headers.get('strict-transport-security')).toBeNull();
  });

  it('is sent when the request came over HTTPS, directly or through a trusted proxy', async () => {
    expect((await securedApp().app.request('https://localhost/healthz')).headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    const proxied = securedApp({ TRUST_PROXY: 'true' }).app;
    expect((await proxied.request('http://localhost/healthz', { headers: { 'x-forwarded-proto': 'https' } })).headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
  });
});

describe('GET /metrics', () => {
  it('needs an API key when API keys are set', async () => {
    const { app } = securedApp({ API_KEYS: 'k1' });
    const res = await app.request('/metrics');
    expect(res.status).toBe(401);
    expect((await errorOf(res)).issues?.[0]?.field).toBe('authorization');
    expect((await app.request('/metrics', { headers: { authorization: 'Bearer k1' } })).status).toBe(200);
  });

  it('takes METRICS_TOKEN, and no page token', async () => {
    const { app, security } = securedApp({ API_KEYS: 'k1', METRICS_TOKEN: 'scrape-token-0123456789' });
    expect((await app.request('/metrics', { headers: { authorization: 'Bearer scrape-token-0123456789' } })).status).toBe(200);
    expect((await app.request('/metrics', { headers: { authorization: `Bearer ${security.pageTokens.issue()}` } })).status).toBe(401);
  });

  it('needs METRICS_TOKEN when only that is set, and is open when neither is', async () => {
    const guarded = securedApp({ METRICS_TOKEN: 'scrape-token-0123456789' }).app;
    expect((await guarded.request('/metrics')).status).toBe(401);
    expect((await guarded.request('/metrics', { headers: { authorization: 'Bearer scrape-token-0123456789' } })).status).toBe(200);
    expect((await securedApp().app.request('/metrics')).status).toBe(200);
  });
});
