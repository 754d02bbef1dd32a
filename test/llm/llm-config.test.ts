import { describe, expect, it } from 'vitest';
import { gradeTimeoutMs, judgeKindFor, loadConfig } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';

describe('LLM settings', () => {
  it('parses LLM_EXTRA_HEADERS and LLM_EXTRA_BODY as JSON objects', () => {
    const c = loadConfig({ LLM_EXTRA_HEADERS: '{"X-Title":"Coach"}', LLM_EXTRA_BODY: '{"chat_template_kwargs":{"enable_thinking":false}}' });
    expect(c.LLM_EXTRA_HEADERS).toEqual({ 'X-Title': 'Coach' });
    expect(c.LLM_EXTRA_BODY).toEqual({ chat_template_kwargs: { enable_thinking: false } });
    expect(loadConfig({}).LLM_EXTRA_BODY).toEqual({});
  });

  it('refuses bad JSON, non-objects, non-string headers and reserved body fields, without echoing the value', () => {
    const fails = (env: Record<string, string>, re: RegExp) => {
      let message = '';
      try {
        loadConfig(env);
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        message = (err as Error).message;
      }
      expect(message).toMatch(re);
      for (const v of Object.values(env)) expect(message).not.toContain(v);
    };
    fails({ LLM_EXTRA_HEADERS: '{"Authorization": secret-value-123' }, /LLM_EXTRA_HEADERS must be a JSON object.*not valid JSON/);
    fails({ LLM_EXTRA_HEADERS: '{"X-Retries": 3}' }, /LLM_EXTRA_HEADERS must be a JSON object whose values are strings/);
    fails({ LLM_EXTRA_BODY: '["top_k"]' }, /LLM_EXTRA_BODY must be a JSON object/);
    fails({ LLM_EXTRA_BODY: '{"model":"other-model-x"}' }, /must not set model/);
  });

  it('counts Azure as a configured LLM and bounds a grade by its attempts', () => {
    expect(judgeKindFor(loadConfig({ AZURE_OPENAI_ENDPOINT: 'https://r.openai.azure.com', AZURE_OPENAI_API_KEY: 'k'.repeat(32), OPENAI_API_VERSION: '2024-10-21' }))).toBe('llm');
    expect(() => loadConfig({ AZURE_OPENAI_ENDPOINT: 'https://r.openai.azure.com', OPENAI_API_VERSION: '2024-10-21' })).toThrow(/needs AZURE_OPENAI_API_KEY/);
    expect(gradeTimeoutMs(loadConfig({}))).toBe(60_000 * 3 + 500 + 1000 + 1000);
    expect(gradeTimeoutMs(loadConfig({ LLM_GRADE_TIMEOUT_MS: '5000' }))).toBe(5000);
    // One slot: the orders run one after the other.
    expect(gradeTimeoutMs(loadConfig({ LLM_CONCURRENCY: '1', LLM_MAX_RETRIES: '0', LLM_TIMEOUT_MS: '120000' }))).toBe(241_000);
    expect(() => loadConfig({ JUDGE_REASONING_EFFORT: 'max' })).toThrow(ConfigError);
  });
});
