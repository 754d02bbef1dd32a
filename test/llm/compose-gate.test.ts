import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { composeServices } from '../../src/compose.js';
import { loadConfig } from '../../src/config.js';
import { OverloadedError } from '../../src/errors.js';
import { fakeJudgeHandler, LLM_BASE_URL, mswServer } from '../helpers/msw.js';

const server = mswServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const request = { questionId: 'mlops', answer: 'MLOps is the practice of reliably building, deploying and monitoring ML systems.' };

describe('compose wires the grade gate', () => {
  it('refuses a second grade when LLM_QUEUE_MAX leaves no room, and lets the first finish whole', async () => {
    const seen: unknown[] = [];
    server.use(fakeJudgeHandler({}, seen));
    const services = composeServices(loadConfig({ DB_PATH: ':memory:', OPENAI_BASE_URL: LLM_BASE_URL, LLM_CONCURRENCY: '1', LLM_QUEUE_MAX: '0' }));
    // An idle limiter takes a grade even when its two calls exceed 1 running + 0 waiting.
    const first = services.grade(request);
    await expect(services.grade(request)).rejects.toBeInstanceOf(OverloadedError);
    const g = await first;
    expect(g.runs).toHaveLength(2);
    expect(g.score).not.toBeNull();
    expect(seen).toHaveLength(2);
    expect(services.gate.inFlight).toBe(0);
    services.store.close();
  });

  it('puts the embedded judge behind the gate too: no queue, but refused once shutting down', async () => {
    const services = composeServices(loadConfig({ DB_PATH: ':memory:', JUDGE: 'embedded' }));
    expect((await services.grade(request)).score).not.toBeNull();
    services.gate.close();
    await expect(services.grade(request)).rejects.toThrow(/shutting down/);
    services.store.close();
  });
});
