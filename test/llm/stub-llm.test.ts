import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStubLlmServer } from '../../scripts/fake-judge/stub-server.js';
import { buildCoach } from '../../src/compose.js';
import { loadConfig } from '../../src/config.js';
import { Grade } from '../../src/grading/grade-schema.js';
import { postJson } from '../helpers/app.js';

// The demo server, in-process on a loopback port: the same path as `npm run stub-llm` + `npm start`.
let stub: Server;
let base: string;
const completions: { promptTokens: number; completionTokens: number }[] = [];
beforeAll(async () => {
  stub = createStubLlmServer({ onCompletion: (c) => completions.push(c) });
  await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(stub.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((resolve) => stub.close(() => resolve())));

describe('stub LLM server', () => {
  it('makes POST /api/grade return an LLM grade end to end', async () => {
    const { app } = buildCoach(loadConfig({ DB_PATH: ':memory:', OPENAI_BASE_URL: base }), { logError: () => undefined });
    const res = await postJson(app, '/api/grade', {
      questionId: 'data-drift',
      answer:
        'Data drift means the distribution of production inputs moves away from the training distribution, for example a new customer segment. ' +
        'We detect it by comparing feature distributions with a training baseline using PSI or a KS test.',
    });
    expect(res.status).toBe(200);
    const g = Grade.parse(await res.json());
    expect(g.judge).toMatchObject({ kind: 'llm', model: 'gpt-4o-mini' });
    expect(g.consistency).toMatchObject({ referenceFirst: expect.any(Number), referenceLast: expect.any(Number) });
    expect(g.keyPoints.some((k) => k.evidence !== null)).toBe(true);
    expect(g.score).toBeGreaterThanOrEqual(3);
    expect(completions.length).toBeGreaterThanOrEqual(2);
    expect(g.usage?.promptTokens).toBe(completions.reduce((a, c) => a + c.promptTokens, 0));
  });

  it('answers like an OpenAI-compatible server for models, bad bodies and unknown routes', async () => {
    expect(await (await fetch(`${base}/models`)).json()).toMatchObject({ object: 'list', data: [{ id: 'stub-judge' }] });
    const bad = await fetch(`${base}/chat/completions`, { method: 'POST', body: '{"model": "x"}' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { message: expect.stringContaining('messages') } });
    expect((await fetch(`${base}/embeddings`, { method: 'POST', body: '{}' })).status).toBe(404);
  });
});
