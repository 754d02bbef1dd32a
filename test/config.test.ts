import { describe, expect, it } from 'vitest';
import { judgeKindFor, loadConfig } from '../src/config.js';
import { ConfigError } from '../src/errors.js';

describe('config', () => {
  it('has working defaults with an empty environment', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ PORT: 8787, HOST: '127.0.0.1', JUDGE: 'auto', JUDGE_MODEL: 'gpt-4o-mini' });
    expect(judgeKindFor(c)).toBe('embedded');
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', OPENAI_API_KEY: '' }).PORT).toBe(8787);
    expect(judgeKindFor(loadConfig({ OPENAI_API_KEY: '' }))).toBe('embedded');
  });

  it('names each bad variable', () => {
    expect(() => loadConfig({ PORT: 'eighty', JUDGE: 'magic' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty', JUDGE: 'magic' })).toThrow(/PORT.*JUDGE|JUDGE.*PORT/);
    expect(() => loadConfig({ OPENAI_BASE_URL: 'not a url' })).toThrow(/OPENAI_BASE_URL/);
  });

  it('picks the LLM judge on auto when a key or base URL is set', () => {
    expect(judgeKindFor(loadConfig({ OPENAI_API_KEY: 'sk-test' }))).toBe('llm');
    expect(judgeKindFor(loadConfig({ OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1' }))).toBe('llm');
    expect(judgeKindFor(loadConfig({ OPENAI_API_KEY: 'sk-test', JUDGE: 'embedded' }))).toBe('embedded');
  });

  it('refuses JUDGE=llm with no LLM configured', () => {
    expect(() => judgeKindFor(loadConfig({ JUDGE: 'llm' }))).toThrow(/OPENAI_API_KEY or OPENAI_BASE_URL/);
  });
});

describe('LLM configuration', () => {
  it('has documented defaults', () => {
    expect(loadConfig({})).toMatchObject({
      JUDGE_RESPONSE_FORMAT: 'auto',
      JUDGE_MAX_TOKENS: 1500,
      LLM_CONCURRENCY: 4,
      LLM_TIMEOUT_MS: 60_000,
      LLM_MAX_RETRIES: 2,
    });
  });

  it('names each bad LLM variable', () => {
    expect(() => loadConfig({ LLM_CONCURRENCY: '0' })).toThrow(/LLM_CONCURRENCY/);
    expect(() => loadConfig({ LLM_TIMEOUT_MS: 'soon' })).toThrow(/LLM_TIMEOUT_MS/);
    expect(() => loadConfig({ LLM_MAX_RETRIES: '-1' })).toThrow(/LLM_MAX_RETRIES/);
    expect(() => loadConfig({ JUDGE_RESPONSE_FORMAT: 'xml' })).toThrow(/JUDGE_RESPONSE_FORMAT/);
    expect(() => loadConfig({ JUDGE_MAX_TOKENS: '10' })).toThrow(/JUDGE_MAX_TOKENS/);
  });
});

describe('security and operations configuration', () => {
  it('has documented defaults', () => {
    expect(loadConfig({})).toMatchObject({
      API_KEYS: [],
      RATE_LIMIT_PER_MIN: 30,
      RATE_LIMIT_READS_PER_MIN: 600,
      CORS_ORIGINS: [],
      TRUST_PROXY: false,
      LLM_QUEUE_MAX: 32,
      SHUTDOWN_GRACE_MS: 30_000,
    });
  });

  it('parses lists and switches', () => {
    expect(loadConfig({ API_KEYS: ' k1, ,k2 ', CORS_ORIGINS: 'https://a.example', TRUST_PROXY: 'true' })).toMatchObject({
      API_KEYS: ['k1', 'k2'],
      CORS_ORIGINS: ['https://a.example'],
      TRUST_PROXY: true,
    });
    expect(loadConfig({ LLM_QUEUE_MAX: '0' }).LLM_QUEUE_MAX).toBe(0);
  });

  it('names each bad variable', () => {
    expect(() => loadConfig({ LLM_QUEUE_MAX: '-1' })).toThrow(/LLM_QUEUE_MAX/);
    expect(() => loadConfig({ SHUTDOWN_GRACE_MS: 'later' })).toThrow(/SHUTDOWN_GRACE_MS/);
    expect(() => loadConfig({ RATE_LIMIT_PER_MIN: '0' })).toThrow(/RATE_LIMIT_PER_MIN/);
    expect(() => loadConfig({ TRUST_PROXY: 'maybe' })).toThrow(/TRUST_PROXY/);
  });
});
