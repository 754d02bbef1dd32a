import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildCoach, composeServices } from '../../src/compose.js';
import { loadConfig } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';
import { Grade } from '../../src/grading/grade-schema.js';
import { postJson } from '../helpers/app.js';
import { fakeJudgeHandler, LLM_BASE_URL, mswServer } from '../helpers/msw.js';

const server = mswServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe('compose with an LLM configured', () => {
  it('serves LLM grades when OPENAI_BASE_URL is set, with one shared limiter', async () => {
    const seen: unknown[] = [];
    server.use(fakeJudgeHandler({}, seen));
    const services = buildCoach(loadConfig({ DB_PATH: ':memory:', OPENAI_BASE_URL: LLM_BASE_URL, JUDGE_MODEL: 'llama3.1:8b', LLM_CONCURRENCY: '3' }), { logError: () => undefined });
    expect(services.judge).toMatchObject({ kind: 'llm', model: 'llama3.1:8b', promptVersion: expect.stringMatching(/^judge-/) });
    expect(services.llmLimiter?.concurrency).toBe(3);
    const { app } = services;
    expect(await (await app.request('/healthz')).json()).toMatchObject({ judge: { kind: 'llm', model: 'llama3.1:8b' } });
    const res = await postJson(app, '/api/grade', { questionId: 'mlops', answer: 'MLOps is the practice of reliably building, deploying and monitoring ML systems across their whole lifecycle.' });
    expect(res.status).toBe(200);
    const g = Grade.parse(await res.json());
    expect(g.judge.kind).toBe('llm');
    expect(g.runs).toHaveLength(2);
    expect(seen).toHaveLength(2);
    expect(seen[0]).toMatchObject({ model: 'llama3.1:8b', max_tokens: 1500, response_format: { type: 'json_schema' } });
  });

  it('passes the configured token limit and response format to every call', async () => {
    const seen: unknown[] = [];
    server.use(fakeJudgeHandler({}, seen));
    const services = composeServices(loadConfig({ DB_PATH: ':memory:', OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: LLM_BASE_URL, JUDGE_MAX_TOKENS: '900', JUDGE_RESPONSE_FORMAT: 'json_object' }));
    await services.grade({ questionId: 'data-drift', answer: 'Inputs in production stop looking like the training data.' });
    expect(seen).toHaveLength(2);
    for (const body of seen) expect(body).toMatchObject({ max_tokens: 900, response_format: { type: 'json_object' } });
  });

  it('refuses to start with JUDGE=llm and no key or base URL', () => {
    expect(() => composeServices(loadConfig({ DB_PATH: ':memory:', JUDGE: 'llm' }))).toThrow(ConfigError);
    expect(() => composeServices(loadConfig({ DB_PATH: ':memory:', JUDGE: 'llm' }))).toThrow(/OPENAI_API_KEY or OPENAI_BASE_URL/);
  });

  it('keeps the embedded judge and no limiter when JUDGE=embedded', () => {
    const services = composeServices(loadConfig({ DB_PATH: ':memory:', OPENAI_API_KEY: 'sk-test', JUDGE: 'embedded' }));
    expect(services.judge.kind).toBe('embedded');
    expect(services.llmLimiter).toBeNull();
  });
});
