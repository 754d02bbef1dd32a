import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { Grade } from '../src/grading/grade-schema.js';
import type { LlmCallRecord } from '../src/judge/chat.js';
import { createMetrics } from '../src/observability/metrics.js';
import { parseProm } from './helpers/prom.js';

export { parseProm };

const base = { questionId: 'q', keyPoints: [], strengths: [], gaps: [], followUp: null, adaptiveFollowUp: null, flags: [], runs: [], usage: null, latencyMs: 1 };
const scored = (inconsistent: boolean | null): Grade => ({
  ...base,
  score: 3,
  rawScore: 3,
  level: { value: 3, label: 'adequate' },
  judge: { kind: 'llm', model: 'm', promptVersion: 'p', calibration: null, verifiesCorrectness: true },
  consistency: inconsistent === null ? null : { referenceFirst: 2, referenceLast: inconsistent ? 4 : 3, spread: inconsistent ? 2 : 1, inconsistent, resolution: 'mean' },
  unscored: null,
});

describe('metrics', () => {
  it('counts grades by judge and outcome, and the share of inconsistent ones', async () => {
    const m = createMetrics({ processMetrics: false, limiter: { activeCount: 3, pendingCount: 7 } });
    m.observeGrade(scored(false));
    m.observeGrade(scored(true));
    m.observeGrade(scored(false));
    m.observeGrade(scored(false), 'B');
    m.observeGrade({ ...scored(null), score: null, rawScore: null, level: null, unscored: { reason: 'timeout', detail: 'x' } });
    m.observeGradeFailure('llm', 'provider-unavailable');
    const s = parseProm(await m.registry.metrics());
    expect(s.get('coach_grades_total{judge="llm",outcome="scored",reason="",variant="default"}')).toBe(3);
    expect(s.get('coach_grades_total{judge="llm",outcome="scored",reason="",variant="B"}')).toBe(1);
    expect(s.get('coach_grades_total{judge="llm",outcome="unscored",reason="timeout",variant="default"}')).toBe(1);
    expect(s.get('coach_grades_total{judge="llm",outcome="failed",reason="provider-unavailable",variant="default"}')).toBe(1);
    // Three swapped grades of the default variant, one of them inconsistent; B's one grade is its own share.
    expect(s.get('coach_grades_inconsistent_share{variant="default"}')).toBeCloseTo(1 / 3);
    expect(s.get('coach_grades_inconsistent_share{variant="B"}')).toBe(0);
    expect(s.get('coach_llm_queue_depth')).toBe(7);
    expect(s.get('coach_llm_in_flight')).toBe(3);
  });

  it('records LLM latency, tokens, errors and retries', async () => {
    const m = createMetrics({ processMetrics: false });
    const call = (over: Partial<LlmCallRecord>): LlmCallRecord => ({
      at: '', model: 'gpt', promptVersion: 'p', order: 'reference-first', questionId: null,
      request: { model: 'gpt', messages: [], temperature: 0, maxTokens: 1, responseFormat: 'json_schema' },
      rawReply: '{}', finishReason: 'stop', usage: { promptTokens: 100, completionTokens: 20 }, latencyMs: 300, error: null, ...over,
    });
    m.llmCall(call({}));
    m.llmCall(call({ order: 'reference-last', latencyMs: 700 }));
    m.llmCall(call({ usage: null, error: 'rate-limited: 429 after retries' }));
    m.llmRetry('gpt');
    m.llmRetry('gpt');
    const s = parseProm(await m.registry.metrics());
    expect(s.get('coach_llm_tokens_total{model="gpt",kind="prompt"}')).toBe(200);
    expect(s.get('coach_llm_tokens_total{model="gpt",kind="completion"}')).toBe(40);
    expect(s.get('coach_llm_errors_total{model="gpt",kind="rate-limited"}')).toBe(1);
    expect(s.get('coach_llm_retries_total{model="gpt"}')).toBe(2);
    expect(s.get('coach_llm_call_duration_seconds_count{model="gpt",call="reference-first",outcome="ok"}')).toBe(1);
    expect(s.get('coach_llm_call_duration_seconds_sum{model="gpt",call="reference-last",outcome="ok"}')).toBeCloseTo(0.7);
  });

  it('times HTTP requests by route pattern and status', async () => {
    const m = createMetrics({ processMetrics: false });
    const app = new Hono().use('*', m.http).get('/api/items/:id', (c) => c.text('ok'));
    await app.request('/api/items/1');
    await app.request('/api/items/2');
    await app.request('/nothing');
    const s = parseProm(await m.registry.metrics());
    expect(s.get('coach_http_request_duration_seconds_count{method="GET",route="/api/items/:id",status="200"}')).toBe(2);
    expect([...s.keys()].some((k) => k.includes('status="404"'))).toBe(true);
  });
});
