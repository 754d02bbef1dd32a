import OpenAI from 'openai';
import { ChatFailure } from '../chat-failure.js';
import type { ChatCompleter, ChatRequest, ChatResponse } from '../chat.js';
import { redactSecrets } from '../../store/redact.js';
import { createModelParamsBook, type ModelParams, type ModelParamsBook } from './model-params.js';
import {
  contextNumbers,
  errorOfJson,
  isContextLength,
  isFormatRefusal,
  isGenerationFailure,
  type ProviderError,
  refusedParam,
} from './provider-errors.js';
import { REPLY_TOO_LARGE_HEADER } from './provider-fetch.js';
import { answerOf } from './reply-text.js';

export { createOpenAiClient, OPENAI_DEFAULT_BASE_URL, type OpenAiClientOptions } from './provider-client.js';
export { RETRY_COUNT_HEADER } from './provider-fetch.js';

/** The wire body: the SDK's params plus the provider-specific fields it passes through untouched. */
export type RequestBody = OpenAI.ChatCompletionCreateParamsNonStreaming & Record<string, unknown>;

export interface RequestExtras {
  /** Fields merged into every body (`LLM_EXTRA_BODY`), under the judge's own fields. */
  extraBody?: Record<string, unknown>;
  /** `reasoning_effort` to send (`JUDGE_REASONING_EFFORT`); absent sends none. */
  reasoningEffort?: string | undefined;
}

const DEFAULT_PARAMS: ModelParams = { tokenField: 'max_tokens', omit: new Set() };

/** The request body the provider receives for one `ChatRequest`, with what the model is known to refuse left out. */
export function toRequestBody(request: ChatRequest, params: ModelParams = DEFAULT_PARAMS, extras: RequestExtras = {}): RequestBody {
  const body: RequestBody = { ...extras.extraBody, model: request.model, messages: request.messages };
  delete body.max_tokens;
  delete body.max_completion_tokens;
  for (const p of params.omit) delete body[p];
  if (!params.omit.has('temperature')) body.temperature = request.temperature;
  body[params.tokenField] = request.maxTokens;
  if (extras.reasoningEffort) body.reasoning_effort = extras.reasoningEffort as OpenAI.ReasoningEffort;
  if (request.responseFormat === 'json_schema') {
    if (!request.jsonSchema) throw new TypeError('a json_schema request needs jsonSchema');
    body.response_format = {
      type: 'json_schema',
      json_schema: { name: request.jsonSchema.name, schema: request.jsonSchema.schema, strict: true },
    };
  } else if (request.responseFormat === 'json_object') {
    body.response_format = { type: 'json_object' };
  } else {
    // `text` sends no response_format at all: some servers reject even `{ type: 'text' }`.
    delete body.response_format;
  }
  return body;
}

export interface CompleterOptions extends RequestExtras {
  /** Refused parameters learned per model; one book per process by default. */
  params?: ModelParamsBook;
}

/**
 * The `ChatCompleter` over an OpenAI-compatible chat completions API. A 400 refusing a parameter the judge
 * can rename or drop is retried without it, and remembered for the model. Provider failures come out as a
 * `ChatFailure` once the client's retries are spent; the reply's answer text (reasoning removed) is returned
 * for the judge to validate.
 */
export function createOpenAiCompleter(client: OpenAI, options: CompleterOptions = {}): ChatCompleter {
  const params = options.params ?? createModelParamsBook();
  return {
    async complete(request, callOptions) {
      for (;;) {
        const sent = params.of(request.model);
        const body = toRequestBody(request, sent, options);
        let response: Response;
        try {
          response = await client.chat.completions.create(body, callOptions?.signal ? { signal: callOptions.signal } : {}).asResponse();
        } catch (err) {
          const failure = toChatFailure(err);
          const refused = err instanceof OpenAI.BadRequestError || err instanceof OpenAI.UnprocessableEntityError ? refusedParam(providerErrorOf(err)) : null;
          // One more attempt per newly learned parameter (learned here, or meanwhile by a concurrent call of
          // the same model); a parameter refused again after it was dropped is a plain failure.
          if (refused && (params.learn(request.model, refused) || !sameParams(sent, params.of(request.model)))) continue;
          throw failure;
        }
        return readCompletion(response, request);
      }
    },
  };
}

function sameParams(a: ModelParams, b: ModelParams): boolean {
  return a.tokenField === b.tokenField && a.omit.size === b.omit.size && [...a.omit].every((p) => b.omit.has(p));
}

/** The reply of a 2xx: the answer text of the first choice, or a `ChatFailure` when there is none to read. */
export async function readCompletion(response: Response, request: ChatRequest): Promise<ChatResponse> {
  if (response.headers.get(REPLY_TOO_LARGE_HEADER)) {
    throw new ChatFailure('reply-too-large', `the LLM provider's reply was over ${response.headers.get(REPLY_TOO_LARGE_HEADER)} bytes and was not read`, {
      status: response.status,
    });
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ChatFailure('unavailable', `the LLM provider's reply is not JSON: ${sanitise(text.slice(0, 120))}`, { status: response.status });
  }
  return chatResponseOf(json, request, response.status);
}

/**
 * The reply in a chat completion body, whether it came from a live call or from a line of a Batch API
 * output file: the answer text of the first choice, or a `ChatFailure` when there is none to read (a 200
 * whose body is `{ error }` is the provider's failure, not an empty answer).
 */
export function chatResponseOf(json: unknown, request: ChatRequest, status?: number): ChatResponse {
  const details = status === undefined ? {} : { status };
  const completion = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  const choices = Array.isArray(completion.choices) ? (completion.choices as unknown[]) : [];
  const choice = (choices[0] ?? null) as Record<string, unknown> | null;
  if (!choice) throw new ChatFailure('unavailable', 'the LLM provider answered without any choice', details);
  const message = (typeof choice.message === 'object' && choice.message !== null ? choice.message : {}) as Record<string, unknown>;
  const usage = (completion.usage ?? null) as Record<string, unknown> | null;
  const promptTokens = Number(usage?.prompt_tokens);
  const completionTokens = Number(usage?.completion_tokens);
  return {
    // Only `content`: `reasoning_content` / `reasoning` fields and `thinking` parts are never the verdict.
    content: answerOf(message.content),
    refusal: typeof message.refusal === 'string' && message.refusal.trim() ? message.refusal : null,
    finishReason: typeof choice.finish_reason === 'string' ? choice.finish_reason : null,
    usage: Number.isFinite(promptTokens) && Number.isFinite(completionTokens) ? { promptTokens, completionTokens } : null,
    model: typeof completion.model === 'string' && completion.model ? completion.model : request.model,
  };
}

function providerErrorOf(err: InstanceType<typeof OpenAI.APIError>): ProviderError {
  const e = errorOfJson({ error: err.error }) ?? { message: err.message };
  return { ...e, ...(err.code ? { code: err.code } : {}), ...(err.param ? { param: err.param } : {}) };
}

/** Map whatever the SDK threw to a `ChatFailure`, masked. Matched by class, never by name (see STACK.md). */
export function toChatFailure(err: unknown): ChatFailure {
  if (err instanceof ChatFailure) return err;
  // The SDK's error is not kept as the cause: its message may hold the provider's echo of the key.
  if (err instanceof OpenAI.APIUserAbortError) return new ChatFailure('aborted', 'the request was cancelled');
  if (err instanceof OpenAI.APIConnectionTimeoutError) return new ChatFailure('timeout', 'the LLM provider did not answer in time');
  if (err instanceof OpenAI.APIConnectionError) {
    return new ChatFailure('unavailable', `could not reach the LLM provider: ${sanitise(err.message)}`);
  }
  if (err instanceof OpenAI.APIError) {
    const status = err.status;
    const e = providerErrorOf(err);
    const full = redactSecrets(e.message);
    const retryAfterSeconds = retryAfterOf(err.headers);
    const details = {
      ...(status !== undefined ? { status } : {}),
      ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
      providerMessage: full.slice(0, 4000),
    };
    const said = `the LLM provider answered ${status ?? ''} ${sanitise(full)}`.replace(/\s+/g, ' ');
    const clientError = status === 400 || status === 413 || status === 422;
    if ((clientError || status === undefined) && isContextLength(e)) {
      const n = contextNumbers(e);
      return new ChatFailure('context-length', said, {
        ...details,
        ...(n.context !== undefined ? { contextTokens: n.context } : {}),
        ...(n.prompt !== undefined ? { promptTokens: n.prompt } : {}),
      });
    }
    if (clientError && isGenerationFailure(e)) return new ChatFailure('generation-failed', said, details);
    if ((clientError || (status ?? 0) >= 500) && isFormatRefusal(e)) return new ChatFailure('format-unsupported', said, details);
    if (err instanceof OpenAI.RateLimitError) return new ChatFailure('rate-limited', said, details);
    if (status === undefined || status >= 500 || status === 408 || status === 409) return new ChatFailure('unavailable', said, details);
    if (clientError) return new ChatFailure('bad-request', said, details);
    if (status === 401 || status === 403) return new ChatFailure('auth', said, details);
    if (status === 404) return new ChatFailure('not-found', said, details);
    return new ChatFailure('provider-error', said, details);
  }
  return new ChatFailure('provider-error', `the LLM call failed: ${sanitise(String(err))}`);
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

/**
 * Provider text shown to a candidate: masked, one line, no control characters, and short (a whole schema
 * error is for the audit log, which keeps the full masked text).
 */
export function sanitise(text: string, max = 200): string {
  // eslint-disable-next-line no-control-regex
  const one = redactSecrets(text).replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max)}...` : one;
}
