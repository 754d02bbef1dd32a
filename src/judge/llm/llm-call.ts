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
  /** Fires when the caller has gone or the grade's deadline has passed. */
  signal?: AbortSignal | undefined;
  /** The grade's own deadline (part of `signal`), and its length, to tell a timeout from a caller that left. */
  deadline?: AbortSignal | undefined;
  deadlineMs?: number | undefined;
  /** Context windows learned from providers' errors, per model, shared by the judge's grades. */
  contexts?: ContextBook | undefined;
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
 * How the judge asks for JSON. `auto` starts with json_schema; when a provider refuses the format (a
 * `format-unsupported` failure, never any other 400), the same request is retried with json_object, then
 * plain text. A lower mode becomes the default for later calls only once a request in that mode has
 * succeeded.
 */
export interface FormatSelector {
  readonly current: ResponseFormatMode;
  /** The mode to try after a format refusal in `mode`, or null when there is none (or fallback is off). */
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

/** The context window learned per model from the provider's context-length errors, in tokens. */
export type ContextBook = Map<string, number>;

/** Most characters of a reply kept as evidence (audit log, grade runs); the rest is cut with a marker. */
export const MAX_EVIDENCE_CHARS = 20_000;

/** `text`, cut to `max` characters with a note of how much was left out. */
export function excerpt(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}\n[... ${text.length - max} more characters not shown]` : text;
}

/**
 * Make one logical LLM call: through the shared limiter, telling `onLlmCall` about every attempt. Never
 * throws; a failure comes back as a `ChatFailure`. What is tried again, and how:
 * - a refusal of the output format steps down the format ladder (json_schema, json_object, text);
 * - a failed generation (the provider's own JSON validation) is tried once more at the same format;
 * - a context-length error whose numbers say how much room there is is tried once with that many tokens;
 * - anything else is final. Once the grade's signal fires (the caller left, or the grade's deadline passed),
 *   no call is started and a call waiting for the limiter stops waiting.
 */
export async function callLlm(
  ctx: CallContext,
  order: LlmCallRecord['order'],
  messages: ChatMessage[],
  maxTokens: number,
  jsonSchema: NonNullable<ChatRequest['jsonSchema']>,
): Promise<CallOutcome> {
  let format = ctx.formats.current;
  let tokens = maxTokens;
  let generationRetried = false;
  let contextRetried = false;
  for (;;) {
    const request: ChatRequest = { model: ctx.model, messages, temperature: ctx.temperature, maxTokens: tokens, responseFormat: format, jsonSchema };
    // Timed from when the limiter lets the call start: queueing is not the provider's latency.
    let started = ctx.now();
    let at = ctx.clock().toISOString();
    try {
      const queued = ctx.limiter(() => {
        started = ctx.now();
        at = ctx.clock().toISOString();
        if (ctx.signal?.aborted) throw stopped(ctx);
        // The slot is given back as soon as the signal fires, even while the SDK sleeps before a retry
        // (its sleep takes no signal; it gives up when it wakes).
        return untilAborted(ctx.completer.complete(request, ctx.signal ? { signal: ctx.signal } : {}), ctx);
      });
      const response = await untilAborted(queued, ctx);
      record(ctx, { at, order, request, started, response, error: null });
      ctx.formats.settle(format);
      return { ok: true, response, format };
    } catch (err) {
      const failure = asFailure(err, ctx);
      record(ctx, { at, order, request, started, response: null, error: `${failure.kind}: ${failure.details.providerMessage ?? failure.message}` });
      if (failure.kind === 'format-unsupported') {
        const lower = ctx.formats.next(format);
        if (lower) {
          format = lower;
          continue;
        }
      }
      if (failure.kind === 'generation-failed' && !generationRetried) {
        generationRetried = true;
        continue;
      }
      if (failure.kind === 'context-length') {
        if (failure.details.contextTokens) ctx.contexts?.set(ctx.model, failure.details.contextTokens);
        const fit = fittingTokens(failure, tokens);
        if (fit !== null && !contextRetried) {
          contextRetried = true;
          tokens = fit;
          continue;
        }
      }
      return { ok: false, failure, format };
    }
  }
}

/** Fewer completion tokens that the context-length error says would fit, or null when it does not say. */
function fittingTokens(failure: ChatFailure, asked: number): number | null {
  const { contextTokens, promptTokens } = failure.details;
  if (!contextTokens || !promptTokens) return null;
  // A small margin: the provider's count and ours of the same prompt can differ by a few tokens.
  const fit = contextTokens - promptTokens - 16;
  return fit >= 64 && fit < asked ? fit : null;
}

// A call waiting for the limiter stops waiting when the grade's signal fires; its slot, when it comes, is
// given back at once (the queued function sees the signal and does not call the provider).
function untilAborted<T>(queued: Promise<T>, ctx: CallContext): Promise<T> {
  const signal = ctx.signal;
  if (!signal) return queued;
  queued.catch(() => undefined);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(stopped(ctx));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    queued.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

// Why the grade's signal fired: its own deadline is a timeout; otherwise the caller went away.
function stopped(ctx: CallContext): ChatFailure {
  if (ctx.deadline?.aborted) {
    return new ChatFailure('timeout', `the grade did not finish within its deadline of ${Math.round((ctx.deadlineMs ?? 0) / 1000)} s`);
  }
  return new ChatFailure('aborted', 'the request was cancelled before the LLM call');
}

function asFailure(err: unknown, ctx: CallContext): ChatFailure {
  if (err instanceof ChatFailure) return err.kind === 'aborted' && ctx.deadline?.aborted ? stopped(ctx) : err;
  // A completer that breaks its contract (a bug, a cache that cannot read its file) is still not a score.
  return new ChatFailure('provider-error', `the LLM call failed: ${err instanceof Error ? err.message : String(err)}`, {}, { cause: err });
}

function record(
  ctx: CallContext,
  r: { at: string; order: LlmCallRecord['order']; request: ChatRequest; started: number; response: ChatResponse | null; error: string | null },
): void {
  if (!ctx.onLlmCall) return;
  const raw = r.response ? (r.response.content ?? r.response.refusal) : null;
  try {
    ctx.onLlmCall({
      at: r.at,
      model: r.response?.model ?? ctx.model,
      promptVersion: ctx.promptVersion,
      order: r.order,
      questionId: ctx.questionId,
      request: r.request,
      rawReply: raw === null ? null : excerpt(raw, MAX_EVIDENCE_CHARS),
      finishReason: r.response?.finishReason ?? null,
      usage: r.response?.usage ?? null,
      latencyMs: Math.max(0, Math.round(ctx.now() - r.started)),
      error: r.error,
    });
  } catch {
    // An audit sink that throws must not cost the candidate the grade.
  }
}
