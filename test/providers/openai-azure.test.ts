import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';
import { completion, type FakeProvider, type SeenRequest, startFakeProvider, tokensOf, verdictText } from './fake-provider.js';
import { coach, gradeOnce, mark, report } from './harness.js';

let fake: FakeProvider | null = null;
let close: (() => void) | null = null;
afterEach(async () => {
  close?.();
  await fake?.close();
  fake = null;
  close = null;
});

const err = (status: number, error: Record<string, unknown>) => ({ status, json: { error } });

/** OpenAI's chat models (gpt-4o-mini): bearer key, max_tokens, temperature, strict json_schema. */
function openAiChat(key: string) {
  return (r: SeenRequest) => {
    if (r.headers.authorization !== `Bearer ${key}`) {
      return err(401, { message: 'Incorrect API key provided: sk-****. You can find your API key at https://platform.openai.com/account/api-keys.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' });
    }
    return { json: completion(r.body, { content: verdictText(r.body), refusal: null }) };
  };
}

// Hidden reasoning tokens by reasoning_effort, as a reasoning model spends them before it writes the answer.
const REASONING_TOKENS: Record<string, number> = { minimal: 0, low: 300, medium: 900, high: 2000 };

/**
 * OpenAI's reasoning models (gpt-5, gpt-5-mini, o3, o4-mini): a 400 naming `max_tokens` (use
 * max_completion_tokens) and one naming a non-default `temperature`; hidden reasoning counts against
 * max_completion_tokens, and a budget spent on reasoning leaves an empty reply cut off at `length`.
 */
function openAiReasoning(r: SeenRequest) {
  const b = r.body;
  if ('max_tokens' in b) {
    return err(400, {
      message: "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
      type: 'invalid_request_error',
      param: 'max_tokens',
      code: 'unsupported_parameter',
    });
  }
  if ('temperature' in b && b.temperature !== 1) {
    return err(400, {
      message: `Unsupported value: 'temperature' does not support ${String(b.temperature)} with this model. Only the default (1) value is supported.`,
      type: 'invalid_request_error',
      param: 'temperature',
      code: 'unsupported_value',
    });
  }
  const budget = typeof b.max_completion_tokens === 'number' ? b.max_completion_tokens : Infinity;
  const reasoning = REASONING_TOKENS[String(b.reasoning_effort ?? 'medium')] ?? 900;
  const answer = verdictText(b);
  const details = (n: number) => ({ completion_tokens_details: { reasoning_tokens: n } });
  if (reasoning + tokensOf(answer) > budget) {
    return { json: completion(b, { content: '', refusal: null }, { finish_reason: 'length', completionTokens: budget, extraUsage: details(Math.min(budget, reasoning)) }) };
  }
  return { json: completion(b, { content: answer, refusal: null }, { completionTokens: reasoning + tokensOf(answer), extraUsage: details(reasoning) }) };
}

describe('OpenAI', () => {
  it('chat models: one call per order, json_schema, max_tokens and temperature 0', async () => {
    fake = await startFakeProvider(openAiChat('sk-proj-test-0123456789'));
    const c = coach({ OPENAI_API_KEY: 'sk-proj-test-0123456789', OPENAI_BASE_URL: `${fake.origin}/v1`, JUDGE_MODEL: 'gpt-4o-mini' });
    close = c.close;
    const g = await gradeOnce(c);
    expect(g.status).toBe(200);
    expect(g.grade?.score).toBeGreaterThanOrEqual(1);
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[0]?.path).toBe('/v1/chat/completions');
    expect(fake.requests[0]?.body).toMatchObject({ model: 'gpt-4o-mini', temperature: 0, max_tokens: 1500, response_format: { type: 'json_schema', json_schema: { strict: true } } });
    report('OpenAI chat (gpt-4o-mini)', fake, { calls: 0, promptTokens: 0, completionTokens: 0 }, `${g.status} scored`);
  });

  it('reasoning models: max_completion_tokens and no temperature are learned once, then every grade is two calls', async () => {
    fake = await startFakeProvider(openAiReasoning);
    const c = coach({ OPENAI_API_KEY: 'sk-test-reasoning-0123', OPENAI_BASE_URL: `${fake.origin}/v1`, JUDGE_MODEL: 'gpt-5-mini' });
    close = c.close;
    const first = await gradeOnce(c);
    expect(first.status).toBe(200);
    expect(first.grade?.score).not.toBeNull();
    // Both orders start at once with max_tokens; each learns (or sees the other learn) and tries again.
    expect(fake.requests.length).toBeLessThanOrEqual(6);
    const ok = fake.requests.filter((r) => !('max_tokens' in r.body) && !('temperature' in r.body));
    expect(ok).toHaveLength(2);
    expect(ok[0]?.body).toMatchObject({ max_completion_tokens: 1500 });
    report('OpenAI reasoning (gpt-5-mini), first grade', fake, { calls: 0, promptTokens: 0, completionTokens: 0 }, `${first.status} scored`);

    const before = mark(fake);
    const second = await gradeOnce(c);
    expect(second.status).toBe(200);
    const later = fake.requests.slice(before.calls);
    expect(later).toHaveLength(2);
    for (const r of later) {
      expect(r.body).not.toHaveProperty('max_tokens');
      expect(r.body).not.toHaveProperty('temperature');
      expect(r.body).toMatchObject({ max_completion_tokens: 1500, response_format: { type: 'json_schema' } });
    }
    report('OpenAI reasoning (gpt-5-mini), later grades', fake, before, `${second.status} scored`);
  });

  it('JUDGE_REASONING_EFFORT is sent; reasoning that spends the whole budget is repaired with more room', async () => {
    fake = await startFakeProvider(openAiReasoning);
    const c = coach({ OPENAI_API_KEY: 'sk-test-reasoning-0123', OPENAI_BASE_URL: `${fake.origin}/v1`, JUDGE_MODEL: 'o4-mini', JUDGE_REASONING_EFFORT: 'high' });
    close = c.close;
    await gradeOnce(c); // learns the parameters
    const before = mark(fake);
    const g = await gradeOnce(c);
    expect(g.status).toBe(200);
    const calls = fake.requests.slice(before.calls);
    for (const r of calls) expect(r.body.reasoning_effort).toBe('high');
    // 2000 hidden reasoning tokens do not fit in 1500: the reply is empty and cut off, the repair gets 3000.
    expect(calls.map((r) => r.body.max_completion_tokens).sort()).toEqual([1500, 1500, 3000, 3000]);
    expect(g.grade?.runs?.[0]?.rejected?.finishReason).toBe('length');
    report('OpenAI reasoning (o4-mini), JUDGE_REASONING_EFFORT=high', fake, before, `${g.status} scored after a repair per order`);
  });
});

/**
 * Azure OpenAI's dated API: `/openai/deployments/{deployment}/chat/completions?api-version=...`, the key in
 * an `api-key` header, 401 for a wrong key and 404 "Resource not found" for a wrong path or api-version.
 */
function azureDated(key: string, deployment: string) {
  return (r: SeenRequest) => {
    if (r.headers['api-key'] !== key) {
      return err(401, { code: '401', message: 'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.' });
    }
    const m = /^\/openai\/deployments\/([^/]+)\/chat\/completions$/.exec(r.path);
    if (!m || !/^\d{4}-\d{2}-\d{2}(-preview)?$/.test(r.query.get('api-version') ?? '')) return err(404, { code: '404', message: 'Resource not found' });
    if (m[1] !== deployment) {
      return err(404, { code: 'DeploymentNotFound', message: 'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.' });
    }
    return { json: completion(r.body, { content: verdictText(r.body), refusal: null }, { model: 'gpt-4o-mini-2024-07-18' }) };
  };
}

/** Azure's `/openai/v1` API: OpenAI's paths, the key as `api-key` or a bearer token, the deployment as `model`. */
function azureV1(key: string) {
  return (r: SeenRequest) => {
    if (r.headers['api-key'] !== key && r.headers.authorization !== `Bearer ${key}`) return err(401, { code: '401', message: 'Access denied due to invalid subscription key or wrong API endpoint.' });
    if (r.path !== '/openai/v1/chat/completions') return err(404, { code: '404', message: 'Resource not found' });
    return { json: completion(r.body, { content: verdictText(r.body), refusal: null }, { model: 'gpt-4o-mini-2024-07-18' }) };
  };
}

describe('Azure OpenAI', () => {
  const key = '3f9c0d7e5b2a41c8a6e4d2b0f8c6a4e2';

  it('dated API: deployment URL, api-version query and api-key header, from the SDK settings', async () => {
    fake = await startFakeProvider(azureDated(key, 'judge-4o-mini'));
    const c = coach({ AZURE_OPENAI_ENDPOINT: `${fake.origin}/`, AZURE_OPENAI_API_KEY: key, OPENAI_API_VERSION: '2024-10-21', JUDGE_MODEL: 'judge-4o-mini' });
    close = c.close;
    const g = await gradeOnce(c);
    expect(g.status).toBe(200);
    expect(fake.requests).toHaveLength(2);
    const r = fake.requests[0];
    expect(r?.path).toBe('/openai/deployments/judge-4o-mini/chat/completions');
    expect(r?.query.get('api-version')).toBe('2024-10-21');
    expect(r?.headers['api-key']).toBe(key);
    expect(r?.headers.authorization).toBeUndefined();
    report('Azure OpenAI dated API', fake, { calls: 0, promptTokens: 0, completionTokens: 0 }, `${g.status} scored`);
  });

  it("dated API: a wrong deployment is a 502 with Azure's own message", async () => {
    fake = await startFakeProvider(azureDated(key, 'judge-4o-mini'));
    const c = coach({ AZURE_OPENAI_ENDPOINT: fake.origin, AZURE_OPENAI_API_KEY: key, OPENAI_API_VERSION: '2024-10-21', JUDGE_MODEL: 'no-such-deployment' });
    close = c.close;
    const g = await gradeOnce(c);
    expect(g.status).toBe(502);
    expect(g.json.error?.message).toContain('The API deployment for this resource does not exist');
    expect(fake.requests).toHaveLength(2);
  });

  it('v1 API through OPENAI_BASE_URL', async () => {
    fake = await startFakeProvider(azureV1(key));
    const c = coach({ OPENAI_BASE_URL: `${fake.origin}/openai/v1`, OPENAI_API_KEY: key, JUDGE_MODEL: 'judge-4o-mini' });
    close = c.close;
    const g = await gradeOnce(c);
    expect(g.status).toBe(200);
    expect(fake.requests.map((r) => r.path)).toEqual(['/openai/v1/chat/completions', '/openai/v1/chat/completions']);
    expect(fake.requests[0]?.body.model).toBe('judge-4o-mini');
    report('Azure OpenAI /openai/v1', fake, { calls: 0, promptTokens: 0, completionTokens: 0 }, `${g.status} scored`);
  });

  it('refuses at start a base URL with an api-version query (it would be mangled into the path), naming the settings to use', () => {
    expect(() => loadConfig({ OPENAI_BASE_URL: 'https://r.openai.azure.com/openai/deployments/d?api-version=2024-10-21', OPENAI_API_KEY: key })).toThrow(ConfigError);
    expect(() => loadConfig({ OPENAI_BASE_URL: 'https://r.openai.azure.com/openai/deployments/d?api-version=2024-10-21', OPENAI_API_KEY: key })).toThrow(
      /AZURE_OPENAI_ENDPOINT and OPENAI_API_VERSION/,
    );
    expect(() => loadConfig({ AZURE_OPENAI_ENDPOINT: 'https://r.openai.azure.com', AZURE_OPENAI_API_KEY: key })).toThrow(/needs OPENAI_API_VERSION/);
  });
});
