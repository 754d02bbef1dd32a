import { afterEach, describe, expect, it } from 'vitest';
import { completion, type FakeProvider, formatOf, promptTokensOf, type SeenRequest, startFakeProvider, tokensOf, verdictText } from './fake-provider.js';
import { coach, gradeOnce, mark, report } from './harness.js';

let fake: FakeProvider | null = null;
let close: (() => void) | null = null;
afterEach(async () => {
  close?.();
  await fake?.close();
  fake = null;
  close = null;
});

const start = (env: Record<string, string>) => {
  const c = coach(env);
  close = c.close;
  return c;
};
const zero = { calls: 0, promptTokens: 0, completionTokens: 0 };
const scoreOf = (text: string) => (JSON.parse(text) as { score: number }).score;

describe('Groq', () => {
  it('a model without json_schema steps down to json_object; one json_validate_failed is retried there and does not push later grades to text', async () => {
    let validateFailures = 0;
    fake = await startFakeProvider((r) => {
      if (formatOf(r.body) === 'json_schema') {
        return {
          status: 400,
          json: { error: { message: 'This model does not support response format `json_schema`. See supported models at https://console.groq.com/docs/structured-outputs#supported-models', type: 'invalid_request_error', param: 'response_format' } },
        };
      }
      if (formatOf(r.body) === 'json_object' && validateFailures++ === 0) {
        return {
          status: 400,
          json: { error: { message: "Failed to generate JSON. Please adjust your prompt. See 'failed_generation' for more details.", type: 'invalid_request_error', code: 'json_validate_failed', failed_generation: '{"reasoning": "The answer' } },
        };
      }
      return { json: completion(r.body, { content: verdictText(r.body) }, { extraUsage: { queue_time: 0.01 } }) };
    });
    const c = start({ OPENAI_API_KEY: 'gsk_test0123456789abcdef', OPENAI_BASE_URL: `${fake.origin}/openai/v1`, JUDGE_MODEL: 'llama-3.1-8b-instant' });
    const g = await gradeOnce(c);
    expect(g.status).toBe(200);
    expect(fake.requests.map((r) => formatOf(r.body))).toEqual(['json_schema', 'json_schema', 'json_object', 'json_object', 'json_object']);
    report('Groq, model without json_schema, first grade', fake, zero, `${g.status} scored (one json_validate_failed retried)`);
    const before = mark(fake);
    const again = await gradeOnce(c);
    expect(again.status).toBe(200);
    expect(fake.requests.slice(before.calls).map((r) => formatOf(r.body))).toEqual(['json_object', 'json_object']);
    report('Groq, model without json_schema, later grades', fake, before, `${again.status} scored`);
  });
});

describe('OpenRouter', () => {
  it('an HTTP 200 whose body is { error } is a provider failure, retried; extra headers and routing body fields are sent', async () => {
    const failed = new Set<number>();
    fake = await startFakeProvider((r, i) => {
      const retry = Number(r.headers['x-stainless-retry-count'] ?? 0);
      if (retry === 0 && failed.size < 2) {
        failed.add(i);
        // Generation started upstream, then failed: the status line was already sent.
        return { json: { id: 'gen-1', error: { code: 502, message: 'Provider returned error', metadata: { raw: 'upstream model overloaded', provider_name: 'DeepInfra' } } } };
      }
      return { json: completion(r.body, { content: verdictText(r.body), reasoning: null }, { model: 'meta-llama/llama-3.1-70b-instruct' }) };
    });
    const c = start({
      OPENAI_API_KEY: 'sk-or-v1-0123456789abcdef0123456789abcdef',
      OPENAI_BASE_URL: `${fake.origin}/api/v1`,
      JUDGE_MODEL: 'meta-llama/llama-3.1-70b-instruct',
      LLM_EXTRA_HEADERS: '{"HTTP-Referer":"https://coach.example","X-Title":"Interview coach"}',
      LLM_EXTRA_BODY: '{"provider":{"order":["DeepInfra","Together"],"allow_fallbacks":true}}',
      LLM_MAX_RETRIES: '1',
    });
    const g = await gradeOnce(c);
    expect(g.status).toBe(200);
    expect(fake.requests).toHaveLength(4);
    expect(fake.requests[0]?.headers['http-referer']).toBe('https://coach.example');
    expect(fake.requests[0]?.headers['x-title']).toBe('Interview coach');
    expect(fake.requests[0]?.body.provider).toEqual({ order: ['DeepInfra', 'Together'], allow_fallbacks: true });
    report('OpenRouter, 200 with { error } once per order', fake, zero, `${g.status} scored after one retry per order`);
  });

  it('when every answer is a 200 with { error }, the grade is a 503 with the provider\'s message', async () => {
    fake = await startFakeProvider(() => ({ json: { error: { code: 502, message: 'Provider returned error', metadata: { raw: 'upstream model overloaded' } } } }));
    const c = start({ OPENAI_API_KEY: 'sk-or-v1-0123456789abcdef', OPENAI_BASE_URL: `${fake.origin}/api/v1`, JUDGE_MODEL: 'x/y', LLM_MAX_RETRIES: '1' });
    const g = await gradeOnce(c);
    expect(g.status).toBe(503);
    expect(g.json.error?.code).toBe('judge_unavailable');
    expect(g.json.error?.message).toContain('Provider returned error: upstream model overloaded');
    expect(fake.requests).toHaveLength(4);
  });
});

describe('Mistral', () => {
  it('reasoning models: content is a list of parts; thinking parts are left out, text parts are the answer', async () => {
    fake = await startFakeProvider((r) => {
      const answer = verdictText(r.body);
      const thinking = `Let me grade. Draft: ${verdictText(r.body, { score: 5 })}`;
      return {
        json: completion(r.body, { content: [{ type: 'thinking', thinking: [{ type: 'text', text: thinking }] }, { type: 'text', text: answer }] }, { completionTokens: tokensOf(thinking) + tokensOf(answer) }),
      };
    });
    const c = start({ OPENAI_API_KEY: 'mistral-key-0123456789abcdef', OPENAI_BASE_URL: `${fake.origin}/v1`, JUDGE_MODEL: 'magistral-medium-latest' });
    const g = await gradeOnce(c);
    expect(g.status).toBe(200);
    expect(fake.requests[0]?.headers.authorization).toBe('Bearer mistral-key-0123456789abcdef');
    expect(fake.requests[0]?.body).toMatchObject({ model: 'magistral-medium-latest', max_tokens: 1500, response_format: { type: 'json_schema' } });
    expect(g.grade?.runs?.[0]?.judgeScore).toBe(scoreOf(verdictText(fake.requests[0]!.body)));
    report('Mistral reasoning (magistral)', fake, zero, `${g.status} scored`);
  });

  it('finish_reason model_length: the window is full, so no repair is asked for; a clear 502', async () => {
    const window = 3000;
    fake = await startFakeProvider((r) => {
      const prompt = promptTokensOf(r.body);
      return { json: completion(r.body, { content: '{"reasoning": "The answer defines drift and then' }, { finish_reason: 'model_length', completionTokens: window - prompt }) };
    });
    const c = start({ OPENAI_API_KEY: 'mistral-key-0123456789abcdef', OPENAI_BASE_URL: `${fake.origin}/v1`, JUDGE_MODEL: 'open-mistral-7b' });
    const g = await gradeOnce(c);
    expect(g.status).toBe(502);
    expect(g.json.error?.code).toBe('judge_invalid_output');
    expect(g.grade?.unscored).toMatchObject({ reason: 'truncated', detail: expect.stringContaining('context window leaves no room') });
    expect(fake.requests).toHaveLength(2);
    report('Mistral, model_length', fake, zero, `${g.status} truncated, no repair (window full)`);
  });
});

describe('Gemini (OpenAI endpoint)', () => {
  /** Gemini's array-shaped errors; its response_schema has no additionalProperties. */
  const geminiError = (message: string) => ({ status: 400, json: [{ error: { code: 400, message, status: 'INVALID_ARGUMENT' } }] });

  it('a schema keyword it refuses steps down to json_object, and its array-shaped error keeps its message', async () => {
    fake = await startFakeProvider((r) => {
      if (r.headers.authorization !== 'Bearer AIzaSyTest0123456789abcdef') return geminiError('API key not valid. Please pass a valid API key.');
      if (formatOf(r.body) === 'json_schema' && JSON.stringify(r.body.response_format).includes('additionalProperties')) {
        return geminiError('Invalid JSON payload received. Unknown name "additionalProperties" at \'generation_config.response_schema\': Cannot find field.');
      }
      return { json: completion(r.body, { content: verdictText(r.body) }, { model: 'gemini-2.0-flash' }) };
    });
    const c = start({ OPENAI_API_KEY: 'AIzaSyTest0123456789abcdef', OPENAI_BASE_URL: `${fake.origin}/v1beta/openai`, JUDGE_MODEL: 'gemini-2.0-flash' });
    const g = await gradeOnce(c);
    expect(g.status).toBe(200);
    expect(fake.requests.map((r) => formatOf(r.body))).toEqual(['json_schema', 'json_schema', 'json_object', 'json_object']);
    expect(fake.requests[0]?.path).toBe('/v1beta/openai/chat/completions');
    report('Gemini, first grade', fake, zero, `${g.status} scored`);
    const before = mark(fake);
    expect((await gradeOnce(c)).status).toBe(200);
    report('Gemini, later grades', fake, before, '200 scored');

    const wrongKey = coach({ OPENAI_API_KEY: 'AIzaSyWrong', OPENAI_BASE_URL: `${fake.origin}/v1beta/openai`, JUDGE_MODEL: 'gemini-2.0-flash' });
    const bad = await gradeOnce(wrongKey);
    wrongKey.close();
    expect(bad.status).toBe(502);
    expect(bad.json.error?.message).toContain('API key not valid');
    expect(bad.json.error?.message).not.toContain('no body');
  });
});

describe("Anthropic's OpenAI-compatible endpoint", () => {
  it('response_format is ignored and the model fences its JSON; the JSON is found', async () => {
    fake = await startFakeProvider((r) => {
      if (r.headers.authorization !== 'Bearer sk-ant-api03-test0123456789') {
        return { status: 401, json: { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } } };
      }
      return { json: completion(r.body, { content: `Here is the grade:\n\n\`\`\`json\n${verdictText(r.body)}\n\`\`\`` }, { model: 'claude-sonnet-4-5' }) };
    });
    const c = start({ OPENAI_API_KEY: 'sk-ant-api03-test0123456789', OPENAI_BASE_URL: `${fake.origin}/v1`, JUDGE_MODEL: 'claude-sonnet-4-5' });
    const g = await gradeOnce(c);
    expect(g.status).toBe(200);
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[0]?.path).toBe('/v1/chat/completions');
    expect(fake.requests[0]?.body).toMatchObject({ model: 'claude-sonnet-4-5', temperature: 0, max_tokens: 1500 });
    expect(g.grade?.runs?.[0]?.judgeScore).toBe(scoreOf(verdictText(fake.requests[0]!.body)));
    report("Anthropic's OpenAI-compatible endpoint", fake, zero, `${g.status} scored`);

    const wrong = coach({ OPENAI_API_KEY: 'sk-ant-wrong', OPENAI_BASE_URL: `${fake.origin}/v1`, JUDGE_MODEL: 'claude-sonnet-4-5' });
    const bad = await gradeOnce(wrong);
    wrong.close();
    expect(bad.status).toBe(502);
    expect(bad.json.error?.message).toContain('invalid x-api-key');
  });
});

describe('FastAPI-based servers', () => {
  it('a { detail } error keeps its message', async () => {
    fake = await startFakeProvider(() => ({ status: 422, json: { detail: [{ loc: ['body', 'messages', 0, 'content'], msg: 'field required', type: 'value_error.missing' }] } }));
    const c = start({ OPENAI_BASE_URL: `${fake.origin}/v1`, JUDGE_MODEL: 'local' });
    const g = await gradeOnce(c);
    expect(g.status).toBe(502);
    expect(g.json.error?.message).toContain('body.messages.0.content: field required');
    expect(fake.requests).toHaveLength(2);
  });
});

