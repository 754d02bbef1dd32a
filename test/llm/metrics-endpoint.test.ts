import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CompletionRequest, fakeCompletion } from '../../scripts/fake-judge/fake-completion.js';
import { buildCoach } from '../../src/compose.js';
import { loadConfig } from '../../src/config.js';
import { postJson } from '../helpers/app.js';
import { COMPLETIONS_URL, LLM_BASE_URL, mswServer } from '../helpers/msw.js';
import { parseProm } from '../helpers/prom.js';

const server = mswServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const ANSWER = 'Production inputs shift away from the training distribution; we compare feature distributions with PSI and retrain when it is significant.';
const MODEL = 'judge-model';

/** The app as `main.ts` builds it, against the msw provider. */
function app() {
  const services = buildCoach(loadConfig({ DB_PATH: ':memory:', OPENAI_BASE_URL: LLM_BASE_URL, JUDGE_MODEL: MODEL }), { processMetrics: false, warn: () => undefined, logError: () => undefined });
  return { app: services.app, services };
}

/**
 * A provider that fails the first `failures` requests with `status` (retry right away), then answers as the
 * fake judge, biased by `positionBias` levels towards whichever answer it reads first.
 */
function provider(status: number, failures: number, positionBias = 0) {
  let seen = 0;
  return http.post(COMPLETIONS_URL, async ({ request }) => {
    seen++;
    if (seen <= failures) return HttpResponse.json({ error: { message: 'try again' } }, { status, headers: { 'retry-after-ms': '0' } });
    return HttpResponse.json(fakeCompletion(CompletionRequest.parse(await request.json()), { positionBias }));
  });
}

async function scrape(a: ReturnType<typeof app>['app']) {
  const res = await a.request('/metrics');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  return { text, series: parseProm(text) };
}

describe('GET /metrics', () => {
  it('exports request durations, grades, LLM calls, retries, inconsistency, the LLM queue and drift', async () => {
    const { app: a, services } = app();
    // One 429 before the first call succeeds: one retry.
    server.use(provider(429, 1));
    expect((await postJson(a, '/api/grade', { questionId: 'data-drift', answer: ANSWER })).status).toBe(200);
    // A judge that favours whichever answer it reads first by 2 levels: the orders end up 2+ levels apart.
    server.resetHandlers(provider(429, 0, 2));
    expect((await postJson(a, '/api/grade', { questionId: 'data-drift', answer: 'Data drift: the inputs change.' })).status).toBe(200);
    // A provider that keeps failing: both orders spend their two retries, and the grade is unscored.
    server.resetHandlers(provider(500, 1000));
    expect((await postJson(a, '/api/grade', { questionId: 'data-drift', answer: 'Drift is when things move.' })).status).toBe(503);
    expect((await postJson(a, '/api/grade', { questionId: 'nope', answer: 'x' })).status).toBe(404);

    const { text, series: s } = await scrape(a);
    const httpCount = (route: string, status: number, method = 'POST') => s.get(`coach_http_request_duration_seconds_count{method="${method}",route="${route}",status="${status}"}`);
    expect(httpCount('/api/grade', 200)).toBe(2);
    expect(httpCount('/api/grade', 503)).toBe(1);
    expect(httpCount('/api/grade', 404)).toBe(1);
    expect(s.get('coach_http_request_duration_seconds_bucket{le="+Inf",method="POST",route="/api/grade",status="200"}')).toBe(2);

    expect(s.get('coach_grades_total{judge="llm",outcome="scored",reason="",variant="A"}')).toBe(2);
    expect(s.get('coach_grades_total{judge="llm",outcome="unscored",reason="provider-unavailable",variant="A"}')).toBe(1);
    expect(s.get('coach_grades_position_swapped_total{variant="A"}')).toBe(2);
    expect(s.get('coach_grades_inconsistent_total{variant="A"}')).toBe(1);
    expect(s.get('coach_grades_inconsistent_share{variant="A"}')).toBe(0.5);

    // 4 successful calls (2 grades x 2 orders); 2 failed calls, each after 2 retries; plus the first 429's retry.
    expect(s.get(`coach_llm_call_duration_seconds_count{model="${MODEL}",call="reference-first",outcome="ok"}`)).toBe(2);
    expect(s.get(`coach_llm_call_duration_seconds_count{model="${MODEL}",call="reference-last",outcome="ok"}`)).toBe(2);
    expect(s.get(`coach_llm_errors_total{model="${MODEL}",kind="unavailable"}`)).toBe(2);
    expect(s.get(`coach_llm_retries_total{model="${MODEL}"}`)).toBe(1 + 2 * 2);
    expect(s.get(`coach_llm_tokens_total{model="${MODEL}",kind="prompt"}`)).toBeGreaterThan(1000);
    expect(s.get(`coach_llm_tokens_total{model="${MODEL}",kind="completion"}`)).toBeGreaterThan(0);

    expect(s.get('coach_llm_queue_depth')).toBe(0);
    expect(s.get('coach_llm_in_flight')).toBe(0);
    expect(services.llmLimiter?.concurrency).toBe(4);
    // Drift has no reading before its baseline is full, but the series is declared.
    expect(text).toContain('# TYPE coach_drift_psi gauge');
  });

  it('serves Node process metrics by default', async () => {
    const { series } = await scrape(buildCoach(loadConfig({ DB_PATH: ':memory:' }), { warn: () => undefined }).app);
    expect(series.get('coach_process_resident_memory_bytes')).toBeGreaterThan(0);
  });
});
