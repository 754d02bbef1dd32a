import { describe, expect, it } from 'vitest';
import { composeServices } from '../src/compose.js';
import { loadConfig } from '../src/config.js';
import { post, securedApp, validAnswer } from './helpers/secured-app.js';

const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; issues?: { field: string }[] } }).error;

describe('POST bodies must be application/json', () => {
  const simpleTypes = ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'];

  it.each(simpleTypes)('a grade sent as %s (what a no-cors fetch can send) is a 415 and reaches no judge', async (type) => {
    const { app, calls } = securedApp();
    const res = await post(app, '/api/grade', validAnswer, { 'content-type': type });
    expect(res.status).toBe(415);
    expect((await errorOf(res)).issues?.[0]?.field).toBe('content-type');
    expect(calls.grades).toBe(0);
  });

  it('refuses an answer sent as text/plain and stores nothing', async () => {
    const { app, store, calls } = securedApp();
    const started = await post(app, '/api/sessions', {});
    const { session } = (await started.json()) as { session: { id: string } };
    const res = await post(app, `/api/sessions/${session.id}/answers`, { answer: 'Drift is a change in inputs.' }, { 'content-type': 'text/plain' });
    expect(res.status).toBe(415);
    expect(await store.turns.bySession(session.id)).toEqual([]);
    expect(calls.grades).toBe(0);
  });

  it('accepts application/json with a UTF-8 charset, and a bare POST that starts a default session', async () => {
    const { app } = securedApp();
    expect((await post(app, '/api/grade', validAnswer, { 'content-type': 'application/json; charset=utf-8' })).status).toBe(200);
    expect((await app.request('/api/sessions', { method: 'POST' })).status).toBe(201);
  });
});

describe('requests made by pages of other sites', () => {
  it('refuses a POST whose Origin is another site, before any grade', async () => {
    const { app, calls } = securedApp();
    const res = await post(app, '/api/grade', validAnswer, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect((await errorOf(res)).issues?.[0]?.field).toBe('origin');
    expect(calls.grades).toBe(0);
  });

  it('refuses a body-less cross-site regrade', async () => {
    const { app } = securedApp();
    const res = await app.request('/api/turns/x/regrade', { method: 'POST', headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } });
    expect(res.status).toBe(403);
    const noOrigin = await app.request('/api/turns/x/regrade', { method: 'POST', headers: { 'sec-fetch-site': 'cross-site' } });
    expect(noOrigin.status).toBe(403);
  });

  it('lets the page itself and configured CORS origins through', async () => {
    const { app } = securedApp({ CORS_ORIGINS: 'https://integrator.example' });
    expect((await post(app, '/api/grade', validAnswer, { origin: 'http://localhost', 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    expect((await post(app, '/api/grade', validAnswer, { origin: 'https://integrator.example' })).status).toBe(200);
  });
});

describe('Host allow-list (DNS rebinding)', () => {
  it('serves only localhost names when bound to loopback and ALLOWED_HOSTS is unset', async () => {
    const { app, calls } = securedApp();
    for (const host of ['localhost', '127.0.0.1', '[::1]', 'localhost:8787', '127.0.0.1:9']) {
      expect([host, (await app.request(`http://${host}/healthz`)).status]).toEqual([host, 200]);
    }
    for (const path of ['/healthz', '/', '/api/questions', '/docs']) {
      const res = await app.request(`http://evil.example${path}`);
      expect([path, res.status]).toEqual([path, 421]);
      expect((await errorOf(res)).issues?.[0]?.field).toBe('host');
    }
    expect((await app.request('http://evil.example/api/grade', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(validAnswer) })).status).toBe(421);
    expect(calls.grades).toBe(0);
  });

  it('serves the ALLOWED_HOSTS names, at any port, and only them', async () => {
    const { app } = securedApp({ HOST: '0.0.0.0', ALLOWED_HOSTS: 'coach.example.com' });
    expect((await app.request('http://coach.example.com:8443/healthz')).status).toBe(200);
    expect((await app.request('http://COACH.example.com/healthz')).status).toBe(200);
    expect((await app.request('http://localhost/healthz')).status).toBe(421);
    expect((await app.request('http://evil.example/healthz')).status).toBe(421);
  });

  it('refuses to start bound to a non-loopback address without ALLOWED_HOSTS', () => {
    expect(() => composeServices(loadConfig({ HOST: '0.0.0.0', DB_PATH: ':memory:' }), { processMetrics: false })).toThrow(/ALLOWED_HOSTS/);
    expect(securedApp({ HOST: '0.0.0.0', ALLOWED_HOSTS: '*' }).security.allowedHosts).toBe('*');
  });
});
