import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { ChatFailure } from '../../src/judge/chat-failure.js';
import { retryAfterOf, toChatFailure, toRequestBody } from '../../src/judge/llm/openai-completer.js';

const apiError = (status: number, headers: Record<string, string> = {}) =>
  OpenAI.APIError.generate(status, { error: { message: `status ${status}` } }, undefined, new Headers(headers));

describe('toChatFailure', () => {
  it.each([
    [429, 'rate-limited'],
    [500, 'unavailable'],
    [503, 'unavailable'],
    [408, 'unavailable'],
    [400, 'bad-request'],
    [422, 'bad-request'],
    [401, 'auth'],
    [403, 'auth'],
    [404, 'not-found'],
    [418, 'provider-error'],
  ])('maps HTTP %i to %s', (status, kind) => {
    const f = toChatFailure(apiError(status));
    expect(f).toBeInstanceOf(ChatFailure);
    expect(f.kind).toBe(kind);
    expect(f.details.status).toBe(status);
    expect(f.message).toContain(`status ${status}`);
  });

  it('maps timeouts, connection failures and aborts', () => {
    expect(toChatFailure(new OpenAI.APIConnectionTimeoutError()).kind).toBe('timeout');
    expect(toChatFailure(new OpenAI.APIConnectionError({ message: 'ECONNREFUSED' })).kind).toBe('unavailable');
    expect(toChatFailure(new OpenAI.APIUserAbortError()).kind).toBe('aborted');
    expect(toChatFailure(new Error('boom'))).toMatchObject({ kind: 'provider-error', message: expect.stringContaining('boom') });
  });

  it("keeps the provider's Retry-After", () => {
    expect(toChatFailure(apiError(429, { 'retry-after': '12' })).details.retryAfterSeconds).toBe(12);
  });
});

describe('retryAfterOf', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  it('reads seconds, milliseconds and HTTP dates, and keeps the longer wait', () => {
    expect(retryAfterOf(new Headers({ 'retry-after': '3' }), now)).toBe(3);
    expect(retryAfterOf(new Headers({ 'retry-after-ms': '1500' }), now)).toBe(1.5);
    expect(retryAfterOf(new Headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:30 GMT' }), now)).toBe(30);
    expect(retryAfterOf(new Headers({ 'retry-after-ms': '1', 'retry-after': '7' }), now)).toBe(7);
    expect(retryAfterOf(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(retryAfterOf(new Headers(), now)).toBeUndefined();
    expect(retryAfterOf(undefined, now)).toBeUndefined();
  });
});

describe('toRequestBody', () => {
  const base = { model: 'm', messages: [{ role: 'user' as const, content: 'hi' }], temperature: 0, maxTokens: 10 };
  it('refuses a json_schema request without a schema', () => {
    expect(() => toRequestBody({ ...base, responseFormat: 'json_schema' })).toThrow(/needs jsonSchema/);
  });
  it('sends no response_format in text mode', () => {
    expect(toRequestBody({ ...base, responseFormat: 'text', jsonSchema: { name: 'x', schema: {} } })).toEqual({
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
      temperature: 0,
      max_tokens: 10,
    });
  });
});
