import { describe, expect, it } from 'vitest';
import { toOpenApiPath } from '../src/http/openapi/route-spec.js';
import { testApp } from './helpers/app.js';

const { app } = testApp();

interface Doc {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, unknown>; requestBody?: unknown; parameters: { name: string; in: string }[] }>>;
}

async function doc(): Promise<Doc> {
  const res = await app.request('/openapi.json');
  expect(res.status).toBe(200);
  return (await res.json()) as Doc;
}

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1', async () => {
    expect((await doc()).openapi).toBe('3.1.0');
  });

  it('carries the response schemas\' field descriptions', async () => {
    const started = (await doc()).paths['/api/sessions']?.post?.responses['201'] as { content: Record<string, { schema: unknown }> };
    const text = JSON.stringify(started.content['application/json']?.schema);
    expect(text).toContain('Gradable id: `data-drift` or `data-drift.follow-up`');
    expect(text).toContain('The question to answer now; null once the session is finished');
  });

  it('describes every route of the app, and nothing the app does not serve', async () => {
    const served = new Set(
      app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method.toLowerCase()} ${toOpenApiPath(r.path)}`),
    );
    const d = await doc();
    const described = new Set(Object.entries(d.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`)));
    expect(served.size).toBeGreaterThan(5);
    expect([...served].filter((r) => !described.has(r))).toEqual([]);
    expect([...described].filter((r) => !served.has(r))).toEqual([]);
  });

  it('takes the grade request and response from the zod schemas', async () => {
    const op = (await doc()).paths['/api/grade']?.post;
    const body = JSON.stringify(op?.requestBody);
    expect(body).toContain('questionId');
    expect(body).toContain('referenceAnswer');
    const ok = JSON.stringify(op?.responses['200']);
    for (const field of ['rawScore', 'keyPoints', 'unscored', 'promptVersion', 'verifiesCorrectness']) expect(ok).toContain(field);
    expect(ok).toMatch(/verifiesCorrectness[^}]*"type":"boolean"[^}]*not whether each statement is true/);
    for (const status of ['400', '401', '404', '413', '429', '503']) expect(op?.responses).toHaveProperty(status);
  });

  it('asks for the bearer key on exactly the routes mounted behind a route guard', async () => {
    const d = (await doc()) as unknown as { paths: Record<string, Record<string, { security?: unknown }>> };
    const secured = Object.entries(d.paths).flatMap(([p, ops]) => Object.entries(ops).filter(([, op]) => op.security).map(([m]) => `${m} ${p}`));
    expect(secured.sort()).toEqual([
      'delete /api/candidates/{candidateId}',
      'get /api/candidates/{candidateId}',
      'get /api/monitoring/ab',
      'get /api/monitoring/drift',
      'get /api/questions',
      'get /api/questions/facets',
      'get /api/questions/{id}',
      'get /api/sessions/{id}',
      'get /api/sessions/{id}/export',
      'get /api/turns/{id}',
      'post /api/grade',
      'post /api/sessions',
      'post /api/sessions/{id}/answers',
      'post /api/sessions/{id}/hint',
      'post /api/turns/{id}/regrade',
      'post /api/turns/{id}/reveal',
    ]);
  });

  it('lists path and query parameters', async () => {
    const op = (await doc()).paths['/api/questions/{id}']?.get;
    expect(op?.parameters.map((p) => `${p.in}:${p.name}`).sort()).toEqual(['path:id', 'query:reveal']);
  });

  it('serves an offline docs page with no external origin', async () => {
    const res = await app.request('/docs');
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).not.toMatch(/https?:\/\//);
    const asset = await app.request('/docs/assets/swagger-ui-bundle.js');
    expect(asset.status).toBe(200);
    expect((await asset.text()).length).toBeGreaterThan(100_000);
    expect((await app.request('/docs/assets/..%2Fpackage.json')).status).toBe(404);
  });
});
