import { describe, expect, it } from 'vitest';
import { ASSETS } from '../src/web/web-routes.js';
import { testApp } from './helpers/app.js';

const { app } = testApp();

describe('static files', () => {
  it('serves each chat asset with its listed type, revalidated on every load', async () => {
    for (const [name, type] of Object.entries(ASSETS)) {
      const res = await app.request(`/static/${name}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(type);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect((await res.text()).length).toBeGreaterThan(100);
    }
  });

  it('serves the docs assets with their types, cached for a day', async () => {
    for (const [name, type] of [['swagger-ui.css', 'text/css; charset=utf-8'], ['swagger-ui-bundle.js', 'text/javascript; charset=utf-8']]) {
      const res = await app.request(`/docs/assets/${name}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(type);
      expect(res.headers.get('cache-control')).toBe('public, max-age=86400');
      await res.arrayBuffer();
    }
  });

  it('answers a JSON 404 without cache headers for a file that is not listed', async () => {
    for (const path of ['/static/secrets.txt', '/static/__proto__', '/static/..%2Fpage.tsx', '/docs/assets/package.json', '/docs/assets/..%2Fpackage.json']) {
      const res = await app.request(path);
      expect(res.status).toBe(404);
      expect(res.headers.get('cache-control')).toBeNull();
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
    }
  });
});
