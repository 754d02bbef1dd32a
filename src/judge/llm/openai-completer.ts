import OpenAI from 'openai';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { ChatFailure } from '../chat-failure.js';
import type { ChatCompleter, ChatRequest, ChatResponse } from '../chat.js';

/** The public OpenAI endpoint, used when no base URL is configured. */
export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

export interface OpenAiClientOptions {
  /** Absent for servers that need none (Ollama, vLLM, llama.cpp). */
  apiKey?: string | undefined;
  /** Any OpenAI-compatible `/v1` root. Default: the public OpenAI API. */
  baseURL?: string | undefined;
  /** Timeout of one HTTP attempt, in milliseconds. */
  timeoutMs: number;
  /** Retries of 408/409/429/5xx and connection failures, with the SDK's backoff or the provider's Retry-After. */
  maxRetries: number;
  /** Default: `globalThis.fetch`, looked up on every call so an interceptor installed later still applies. */
  fetch?: typeof fetch;
  /** Told about every HTTP attempt beyond the first of one call, i.e. each retry the client makes. */
  onRetry?: (retry: number) => void;
}

/**
 * The SDK has no retry hook, but numbers each HTTP attempt of one call in this header (0 for the first);
 * an attempt numbered 1 or more is a retry.
 */
export const RETRY_COUNT_HEADER = 'x-stainless-retry-count';

/** A `fetch` that reports each retry the SDK makes, then calls `inner` (looked up on every call). */
export function countingFetch(inner: () => typeof fetch, onRetry: (retry: number) => void): typeof fetch {
  return (input, init) => {
    const retry = Number(new Headers(init?.headers).get(RETRY_COUNT_HEADER) ?? 0);
    if (Number.isInteger(retry) && retry > 0) {
      try {
        onRetry(retry);
      } catch {
        // A metrics sink that throws must not fail the call.
      }
    }
    return inner().call(globalThis, input, init);
  };
}

/**
 * Build the one OpenAI SDK client, from configuration only: every option the SDK would otherwise read from
 * `process.env` is passed explicitly, so `src/main.ts` stays the only reader of the environment.
 *
 * @example
 * const client = createOpenAiClient({ baseURL: 'http://127.0.0.1:11434/v1', timeoutMs: 60_000, maxRetries: 2 });
 */
export function createOpenAiClient(options: OpenAiClientOptions): OpenAI {
  return new OpenAI({
    // Local servers ignore the key, but the SDK refuses to build a client without one.
    apiKey: options.apiKey ?? 'no-key',
    baseURL: options.baseURL ?? OPENAI_DEFAULT_BASE_URL,
    organization: null,
    project: null,
    webhookSecret: null,
    timeout: options.timeoutMs,
    maxRetries: options.maxRetries,
    logLevel: 'off',
    fetch: countingFetch(() => options.fetch ?? globalThis.fetch, options.onRetry ?? (() => undefined)),
  });
}

/** The request body the provider receives for one `ChatRequest`. */
export function toRequestBody(request: ChatRequest): ChatCompletionCreateParamsNonStreaming {
  const body: ChatCompletionCreateParamsNonStreaming = {
    model: request.model,
    messages: request.messages,
    temperature: request.temperature,
    // `max_tokens` rather than `max_completion_tokens`: every OpenAI-compatible server understands it.
    max_tokens: request.maxTokens,
  };
  if (request.responseFormat === 'json_schema') {
    if (!request.jsonSchema) throw new TypeError('a json_schema request needs jsonSchema');
    body.response_format = {
      type: 'json_schema',
      json_schema: { name: request.jsonSchema.name, schema: request.jsonSchema.schema, strict: true },
    };
  } else if (request.responseFormat === 'json_object') {
    body.response_format = { type: 'json_object' };
  }
  // `text` sends no response_format at all: some servers reject even `{ type: 'text' }`.
  return body;
}

/**
 * The `ChatCompleter` over an OpenAI-compatible chat completions API. Provider failures come out as a
 * `ChatFailure` once the client's retries are spent; the reply itself is returned as is, for the judge
 * to validate.
 */
export function createOpenAiCompleter(client: OpenAI): ChatCompleter {
  return {
    async complete(request, options) {
      const body = toRequestBody(request);
      let completion: OpenAI.ChatCompletion;
      try {
        completion = await client.chat.completions.create(body, options?.signal ? { signal: options.signal } : {});
      } catch (err) {
        throw toChatFailure(err);
      }
      return chatResponseOf(completion, request.model);
    },
  };
}

/**
 * The `ChatResponse` of one chat completion body, whether it came from a live call or from a line of a
 * Batch API output file.
 */
export function chatResponseOf(completion: OpenAI.ChatCompletion, requestedModel: string): ChatResponse {
  const choice = completion.choices[0];
  const usage = completion.usage;
  return {
    content: choice?.message.content ?? null,
    refusal: choice?.message.refusal ?? null,
    finishReason: choice?.finish_reason ?? null,
    usage: usage ? { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens } : null,
    model: completion.model || requestedModel,
  };
}

/** Map whatever the SDK threw to a `ChatFailure`. Matched by class, never by name (see STACK.md). */
export function toChatFailure(err: unknown): ChatFailure {
  if (err instanceof ChatFailure) return err;
  const cause = { cause: err };
  if (err instanceof OpenAI.APIUserAbortError) return new ChatFailure('aborted', 'the request was cancelled', {}, cause);
  if (err instanceof OpenAI.APIConnectionTimeoutError) {
    return new ChatFailure('timeout', 'the LLM provider did not answer in time', {}, cause);
  }
  if (err instanceof OpenAI.APIConnectionError) {
    return new ChatFailure('unavailable', `could not reach the LLM provider: ${err.message}`, {}, cause);
  }
  if (err instanceof OpenAI.APIError) {
    const status = err.status;
    const retryAfterSeconds = retryAfterOf(err.headers);
    const details = {
      ...(status !== undefined ? { status } : {}),
      ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
    };
    const said = `the LLM provider answered ${clip(err.message)}`;
    if (err instanceof OpenAI.RateLimitError) return new ChatFailure('rate-limited', said, details, cause);
    if (status === undefined || status >= 500 || status === 408 || status === 409) {
      return new ChatFailure('unavailable', said, details, cause);
    }
    if (status === 400 || status === 422) return new ChatFailure('bad-request', said, details, cause);
    if (status === 401 || status === 403) return new ChatFailure('auth', said, details, cause);
    if (status === 404) return new ChatFailure('not-found', said, details, cause);
    return new ChatFailure('provider-error', said, details, cause);
  }
  return new ChatFailure('provider-error', `the LLM call failed: ${clip(String(err))}`, {}, cause);
}

/**
 * Seconds the provider asked for, from `retry-after-ms` (OpenAI's own) and the standard `retry-after`
 * (seconds or an HTTP date). When both are sent, the longer wait wins: it is the one that is safe.
 */
export function retryAfterOf(headers: Headers | undefined, now: number = Date.now()): number | undefined {
  const waits: number[] = [];
  const ms = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) waits.push(ms / 1000);
  const value = headers?.get('retry-after')?.trim();
  if (value) {
    const seconds = /^\d+(\.\d+)?$/.test(value) ? Number(value) : (Date.parse(value) - now) / 1000;
    if (Number.isFinite(seconds)) waits.push(Math.max(0, seconds));
  }
  return waits.length ? Math.max(...waits) : undefined;
}

// Provider messages can be long (a whole schema error); the client only needs the gist.
function clip(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}
