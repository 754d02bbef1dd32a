import { ChatFailure } from '../chat-failure.js';
import type { ChatCompleter, ChatMessage, ChatRequest, ChatResponse, LlmCallRecord, LlmCallSink, ResponseFormatMode } from '../chat.js';
import type { LlmLimiter } from './llm-limiter.js';

/** Everything one grade's LLM calls share. */
export interface CallContext {
  completer: ChatCompleter;
  limiter: LlmLimiter;
  formats: FormatSelector;
  model: string;
  temperature: number;
  promptVersion: string;
  questionId: string | null;
  signal?: AbortSignal | undefined;
  onLlmCall?: LlmCallSink | undefined;
  /** Wall clock for `LlmCallRecord.at`. */
  clock: () => Date;
  /** Milliseconds clock for latency. */
  now: () => number;
}

export type CallOutcome =
  | { ok: true; response: ChatResponse; format: ResponseFormatMode }
  | { ok: false; failure: ChatFailure; format: ResponseFormatMode };

/**
 * How the judge asks for JSON. `auto` starts with json_schema; when a provider answers 400, the same
 * request is retried with json_object, then plain text. A lower mode becomes the default for later calls
 * only once a request in that mode has succeeded, so a 400 for another reason (a prompt too long for the
 * model) does not switch the whole process to plain text.
 */
export interface FormatSelector {
  readonly current: ResponseFormatMode;
  /** The mode to try after a 400 in `mode`, or null when there is none (or fallback is off). */
  next(mode: ResponseFormatMode): ResponseFormatMode | null;
  /** A call in `mode` succeeded. */
  settle(mode: ResponseFormatMode): void;
}

const LADDER: readonly ResponseFormatMode[] = ['json_schema', 'json_object', 'text'];

export function createFormatSelector(configured: 'auto' | ResponseFormatMode): FormatSelector {
  let current: ResponseFormatMode = configured === 'auto' ? 'json_schema' : configured;
  return {
    get current() {
      return current;
    },
    next(mode) {
      if (configured !== 'auto') return null;
      return LADDER[LADDER.indexOf(mode) + 1] ?? null;
    },
    settle(mode) {
      if (LADDER.indexOf(mode) > LADDER.indexOf(current)) current = mode;
    },
  };
}

/**
 * Make one logical LLM call: through the shared limiter, with the response-format fallback, telling
 * `onLlmCall` about every HTTP-level attempt. Never throws; a failure comes back as a `ChatFailure`.
 */
export async function callLlm(
  ctx: CallContext,
  order: LlmCallRecord['order'],
  messages: ChatMessage[],
  maxTokens: number,
  jsonSchema: NonNullable<ChatRequest['jsonSchema']>,
): Promise<CallOutcome> {
  let format = ctx.formats.current;
  for (;;) {
    const request: ChatRequest = { model: ctx.model, messages, temperature: ctx.temperature, maxTokens, responseFormat: format, jsonSchema };
    // Timed from when the limiter lets the call start: queueing is not the provider's latency.
    let started = ctx.now();
    let at = ctx.clock().toISOString();
    try {
      const response = await ctx.limiter(() => {
        started = ctx.now();
        at = ctx.clock().toISOString();
        if (ctx.signal?.aborted) throw new ChatFailure('aborted', 'the request was cancelled before the LLM call');
        return ctx.completer.complete(request, ctx.signal ? { signal: ctx.signal } : {});
      });
      record(ctx, { at, order, request, started, response, error: null });
      ctx.formats.settle(format);
      return { ok: true, response, format };
    } catch (err) {
      const failure = asFailure(err);
      record(ctx, { at, order, request, started, response: null, error: `${failure.kind}: ${failure.message}` });
      const lower = failure.kind === 'bad-request' ? ctx.formats.next(format) : null;
      if (!lower) return { ok: false, failure, format };
      format = lower;
    }
  }
}

function asFailure(err: unknown): ChatFailure {
  if (err instanceof ChatFailure) return err;
  // A completer that breaks its contract (a bug, a cache that cannot read its file) is still not a score.
  return new ChatFailure('provider-error', `the LLM call failed: ${err instanceof Error ? err.message : String(err)}`, {}, { cause: err });
}

function record(
  ctx: CallContext,
  r: { at: string; order: LlmCallRecord['order']; request: ChatRequest; started: number; response: ChatResponse | null; error: string | null },
): void {
  if (!ctx.onLlmCall) return;
  try {
    ctx.onLlmCall({
      at: r.at,
      model: r.response?.model ?? ctx.model,
      promptVersion: ctx.promptVersion,
      order: r.order,
      questionId: ctx.questionId,
      request: r.request,
      rawReply: r.response ? (r.response.content ?? r.response.refusal) : null,
      finishReason: r.response?.finishReason ?? null,
      usage: r.response?.usage ?? null,
      latencyMs: Math.max(0, Math.round(ctx.now() - r.started)),
      error: r.error,
    });
  } catch {
    // An audit sink that throws must not cost the candidate the grade.
  }
}
