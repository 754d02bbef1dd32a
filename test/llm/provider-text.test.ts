import { describe, expect, it } from 'vitest';
import { contextNumbers, errorOfJson, errorOfText, isContextLength, isFormatRefusal, isGenerationFailure, refusedParam } from '../../src/judge/llm/provider-errors.js';
import { readCapped } from '../../src/judge/llm/provider-fetch.js';
import { answerOf, contentText, stripReasoning } from '../../src/judge/llm/reply-text.js';
import { redactDeep, redactSecrets, registerSecret } from '../../src/store/redact.js';

describe('the answer of a reply', () => {
  it('strips <think> blocks, an orphan closing tag and an unclosed opening one', () => {
    expect(stripReasoning('<think>draft {"score": 5}</think>\n{"score": 2}')).toBe('{"score": 2}');
    expect(stripReasoning('reasoning with {"score": 5}\n</think>\n\n{"score": 3}')).toBe('{"score": 3}');
    expect(stripReasoning('<think>\nstill thinking {"score": 5}')).toBe('');
    expect(stripReasoning('{"score": 4}<think>afterthought')).toBe('{"score": 4}');
    expect(stripReasoning('  {"score": 1}  ')).toBe('  {"score": 1}  ');
  });

  it('joins the text parts of a content list and leaves thinking parts out', () => {
    const content = [{ type: 'thinking', thinking: [{ type: 'text', text: '{"score": 5}' }] }, { type: 'text', text: '{"score":' }, { type: 'text', text: ' 2}' }];
    expect(contentText(content)).toBe('{"score": 2}');
    expect(answerOf(content)).toBe('{"score": 2}');
    expect(contentText([{ type: 'image_url' }])).toBeNull();
    expect(contentText(null)).toBeNull();
    expect(contentText(42)).toBeNull();
  });
});

describe("a provider's error", () => {
  it('keeps the message of every shape', () => {
    expect(errorOfJson({ error: { message: 'bad', type: 't', code: 'c', param: 'p' } })).toEqual({ message: 'bad', type: 't', code: 'c', param: 'p' });
    expect(errorOfJson([{ error: { code: 400, message: 'API key not valid.', status: 'INVALID_ARGUMENT' } }])).toMatchObject({ message: 'API key not valid.', code: '400' });
    expect(errorOfJson({ object: 'error', message: 'flat', type: 'BadRequestError', param: null, code: 400 })).toMatchObject({ message: 'flat' });
    expect(errorOfJson({ detail: 'Not Found' })).toEqual({ message: 'Not Found' });
    expect(errorOfJson({ detail: [{ loc: ['body', 'model'], msg: 'field required' }] })).toEqual({ message: 'body.model: field required' });
    expect(errorOfJson({ error: 'model "x" not found, try pulling it first' })).toEqual({ message: 'model "x" not found, try pulling it first' });
    expect(errorOfJson({ error: { message: 'Provider returned error', metadata: { raw: 'overloaded' } } })?.message).toBe('Provider returned error: overloaded');
    expect(errorOfText('<html><body><h1>502 Bad Gateway</h1></body></html>')?.message).toBe('502 Bad Gateway');
    expect(errorOfText('')).toBeNull();
  });

  it('tells format refusals from failed generations, context errors and other 400s', () => {
    expect(isFormatRefusal({ message: 'This model does not support response format `json_schema`.' })).toBe(true);
    expect(isFormatRefusal({ message: 'Unknown name "additionalProperties" at \'generation_config.response_schema\'' })).toBe(true);
    expect(isFormatRefusal({ message: 'failed to parse grammar' })).toBe(true);
    expect(isFormatRefusal({ message: "Failed to generate JSON. See 'failed_generation'", code: 'json_validate_failed' })).toBe(false);
    expect(isGenerationFailure({ message: "Failed to generate JSON. See 'failed_generation'", code: 'json_validate_failed' })).toBe(true);
    expect(isFormatRefusal({ message: "This model's maximum context length is 4096 tokens." })).toBe(false);
    expect(isFormatRefusal({ message: "Invalid 'messages[1].content': string too long." })).toBe(false);
    expect(isContextLength({ message: 'Prompt contains 5000 tokens, too large for model with 4096 maximum context length' })).toBe(true);
  });

  it("reads a context-length error's numbers", () => {
    expect(contextNumbers({ message: "This model's maximum context length is 4096 tokens. However, you requested 5100 tokens (3600 in the messages, 1500 in the completion)." })).toEqual({ context: 4096, prompt: 3600 });
    expect(contextNumbers({ message: 'Prompt contains 5000 tokens, too large for model with 4096 maximum context length' })).toEqual({ context: 4096, prompt: 5000 });
    expect(contextNumbers({ message: 'too long' })).toEqual({});
  });

  it('names a refused parameter only when it is refused outright', () => {
    expect(refusedParam({ message: "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", param: 'max_tokens', code: 'unsupported_parameter' })).toBe('max_tokens');
    expect(refusedParam({ message: "Unsupported value: 'temperature' does not support 0 with this model. Only the default (1) value is supported.", param: 'temperature' })).toBe('temperature');
    expect(refusedParam({ message: 'max_tokens is too large: 50000. This model supports at most 16384 completion tokens.', type: 'invalid_request_error', param: 'max_tokens' })).toBeNull();
    expect(refusedParam({ message: 'Extra inputs are not permitted: top_p' })).toBe('top_p');
  });
});

describe('reading a reply body', () => {
  const stream = (chunks: string[], endless = false) =>
    new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = chunks.shift();
        if (next !== undefined) controller.enqueue(new TextEncoder().encode(next));
        else if (!endless) controller.close();
        else await new Promise((r) => setTimeout(r, 5));
      },
    });

  it('stops at the byte limit', async () => {
    const r = await readCapped(stream(['abcd', 'efgh', 'ijkl']), 6);
    expect(r.over).toBe(true);
    expect(new TextDecoder().decode(r.bytes)).toBe('abcdef');
    expect((await readCapped(stream(['ab', 'cd']), 6)).over).toBe(false);
  });

  it('gives up when the signal fires, even on a stream that never ends', async () => {
    const signal = AbortSignal.timeout(30);
    await expect(readCapped(stream(['a'], true), 1000, signal)).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('secret masking', () => {
  it('masks a configured key of any shape, and leaves short dummy keys alone', () => {
    registerSecret('Zq81-not-shaped-like-a-key-7Hx');
    registerSecret('ollama');
    expect(redactSecrets('Incorrect API key provided: Zq81-not-shaped-like-a-key-7Hx.')).toBe('Incorrect API key provided: [redacted].');
    expect(redactSecrets('model ollama/llama3')).toBe('model ollama/llama3');
    expect(redactDeep({ a: ['x Zq81-not-shaped-like-a-key-7Hx'], n: 1, z: null })).toEqual({ a: ['x [redacted]'], n: 1, z: null });
  });
});

describe('the default error logger', () => {
  it('masks the configured key in what it prints', async () => {
    const { vi } = await import('vitest');
    const { buildCoach } = await import('../../src/compose.js');
    const { loadConfig } = await import('../../src/config.js');
    const { bank, postJson, TEST_ENV } = await import('../helpers/app.js');
    registerSecret('key-in-a-log-line-0123');
    const printed: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(' ')));
    try {
      // The default error logger: no `logError` override.
      const { app } = buildCoach(loadConfig(TEST_ENV), {
        bank,
        processMetrics: false,
        wrapGrade: () => () => Promise.reject(new Error('provider said: key-in-a-log-line-0123 is wrong')),
      });
      const res = await postJson(app, '/api/grade', { questionId: 'data-drift', answer: 'An answer.' });
      expect(res.status).toBe(500);
    } finally {
      spy.mockRestore();
    }
    expect(printed.join('\n')).toContain('provider said: [redacted] is wrong');
    expect(printed.join('\n')).not.toContain('key-in-a-log-line-0123');
  });
});
