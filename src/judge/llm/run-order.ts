import type { UnscoredReason, Usage } from '../../grading/grade-schema.js';
import type { ChatFailure } from '../chat-failure.js';
import type { ChatMessage, ChatResponse, ResponseFormatMode } from '../chat.js';
import type { JudgeVerdict } from '../judge.js';
import { type JudgeOrder, type JudgePrompts, repairMessages } from './judge-prompts.js';
import { JudgeReply, keyPointProblem, parseReply } from './judge-reply.js';
import { type CallContext, callLlm, excerpt, MAX_EVIDENCE_CHARS } from './llm-call.js';

/** Most characters of a rejected reply quoted back to the model in the repair call. */
export const MAX_REPAIR_QUOTE_CHARS = 6000;

/** A finish reason that means the reply was cut off: at the token limit, or (Mistral) at the context window. */
export function isCutOff(finishReason: string | null): boolean {
  return finishReason === 'length' || finishReason === 'model_length';
}

export type Unscored = NonNullable<JudgeVerdict['unscored']>;

/** One order of the position swap: the verdict it produced, or why it produced none, and its evidence. */
export interface OrderRun {
  order: JudgeOrder;
  reply: JudgeReply | null;
  unscored: Unscored | null;
  /** The reply that was used (or the last one rejected); empty when the provider gave none. */
  raw: string;
  finishReason: string | null;
  /** Summed over the first call and its repair. */
  usage: Usage | null;
  model: string | null;
  format: ResponseFormatMode;
  /** The first reply, when it was rejected and a repair was asked for. */
  rejected?: { raw: string; finishReason: string | null; error: string };
}

type Checked = { ok: true; reply: JudgeReply } | { ok: false; reason: Extract<UnscoredReason, 'refusal' | 'truncated' | 'invalid-output'>; detail: string };

/** Is this reply a usable verdict? Refusal and truncation are their own kinds, never "invalid". */
export function checkResponse(response: ChatResponse, ids: readonly string[]): Checked {
  if (response.refusal?.trim()) return { ok: false, reason: 'refusal', detail: `the judge refused: ${response.refusal.trim().slice(0, 300)}` };
  if (response.finishReason === 'content_filter') {
    return { ok: false, reason: 'refusal', detail: "the provider's content filter stopped the judge's reply" };
  }
  const parsed = parseReply(response.content, JudgeReply);
  if (parsed.ok) {
    const problem = keyPointProblem(parsed.value, ids);
    return problem ? { ok: false, reason: 'invalid-output', detail: problem } : { ok: true, reply: parsed.value };
  }
  if (isCutOff(response.finishReason)) {
    return { ok: false, reason: 'truncated', detail: 'the reply was cut off at the token limit before the JSON was complete' };
  }
  return { ok: false, reason: 'invalid-output', detail: parsed.problem };
}

/** The unscored reason for a provider failure: only an unreachable provider is worth retrying later. */
export function unscoredOf(failure: ChatFailure): Unscored {
  const reason: UnscoredReason =
    failure.kind === 'rate-limited' || failure.kind === 'unavailable'
      ? 'provider-unavailable'
      : failure.kind === 'timeout'
        ? 'timeout'
        : failure.kind === 'generation-failed'
          ? 'invalid-output'
          : failure.kind === 'reply-too-large'
            ? 'reply-too-large'
            : 'judge-error';
  const retry = failure.details.retryAfterSeconds;
  return { reason, detail: failure.message, ...(retry !== undefined ? { retryAfterSeconds: retry } : {}) };
}

export function addUsage(a: Usage | null, b: Usage | null): Usage | null {
  if (!a) return b;
  if (!b) return a;
  return { promptTokens: a.promptTokens + b.promptTokens, completionTokens: a.completionTokens + b.completionTokens };
}

/**
 * Run the judge in one order. An invalid or truncated reply gets exactly one repair call; a refusal gets
 * none (asking again is arguing with the model). Whatever fails, the raw replies are kept.
 */
export async function runOrder(
  ctx: CallContext,
  prompts: JudgePrompts,
  order: JudgeOrder,
  messages: ChatMessage[],
  ids: readonly string[],
  maxTokens: number,
): Promise<OrderRun> {
  const first = await callLlm(ctx, order, messages, maxTokens, prompts.judgeSchema);
  if (!first.ok) return failed(order, first.format, unscoredOf(first.failure));
  const firstRaw = excerpt(first.response.content ?? first.response.refusal ?? '', MAX_EVIDENCE_CHARS);
  const base = {
    order,
    raw: firstRaw,
    finishReason: first.response.finishReason,
    usage: first.response.usage,
    model: first.response.model,
    format: first.format,
  };
  const checked = checkResponse(first.response, ids);
  if (checked.ok) return { ...base, reply: checked.reply, unscored: null };
  if (checked.reason === 'refusal') return { ...base, reply: null, unscored: { reason: 'refusal', detail: checked.detail } };

  const quoted = excerpt(firstRaw, MAX_REPAIR_QUOTE_CHARS);
  const repairTokens = repairTokensFor(ctx, first.response, checked.reason, maxTokens, quoted);
  const problem = checked.reason === 'truncated' ? 'it was cut off at the token limit' : checked.detail;
  const rejected = { raw: firstRaw, finishReason: first.response.finishReason, error: checked.detail };
  if (repairTokens === null) {
    const detail = `${checked.detail}; the model's context window leaves no room for a repair call`;
    return { ...base, rejected, reply: null, unscored: { reason: checked.reason, detail } };
  }
  const second = await callLlm(ctx, 'repair', repairMessages(prompts, messages, quoted, problem), repairTokens, prompts.judgeSchema);
  if (!second.ok) return { ...base, rejected, reply: null, unscored: unscoredOf(second.failure) };

  const again = checkResponse(second.response, ids);
  const repaired = {
    ...base,
    rejected,
    raw: excerpt(second.response.content ?? second.response.refusal ?? '', MAX_EVIDENCE_CHARS),
    finishReason: second.response.finishReason,
    usage: addUsage(first.response.usage, second.response.usage),
    format: second.format,
  };
  if (again.ok) return { ...repaired, reply: again.reply, unscored: null };
  const detail = again.reason === 'refusal' ? again.detail : `${again.detail} (after one repair attempt; first reply: ${checked.detail})`;
  return { ...repaired, reply: null, unscored: { reason: again.reason, detail } };
}

/**
 * Completion tokens of the repair call. A truncated reply gets more room (the repair prompt asks for shorter
 * reasoning too), but never more than the model's context window leaves once the longer repair prompt is in
 * it: a known window (from an earlier context-length error, or the prompt and completion of a reply the
 * window cut off) caps it. Null when no useful room is left.
 */
function repairTokensFor(ctx: CallContext, first: ChatResponse, reason: 'truncated' | 'invalid-output', maxTokens: number, quoted: string): number | null {
  const wanted = reason === 'truncated' ? maxTokens * 2 : maxTokens;
  const usage = first.usage;
  let window = ctx.contexts?.get(ctx.model);
  if (first.finishReason === 'model_length' && usage) {
    window = Math.min(window ?? Infinity, usage.promptTokens + usage.completionTokens);
    ctx.contexts?.set(ctx.model, window);
  }
  if (window === undefined || !usage) return wanted;
  // The repair prompt is the first prompt, the quoted reply (its share of the reply's completion tokens, or
  // about 3 characters a token when the provider counted none) and the short repair instructions.
  const rawLength = Math.max(1, first.content?.length ?? quoted.length);
  const quotedTokens = usage.completionTokens > 0 ? Math.ceil((usage.completionTokens * Math.min(quoted.length, rawLength)) / rawLength) : Math.ceil(quoted.length / 3);
  const repairPrompt = usage.promptTokens + quotedTokens + 200;
  const room = window - repairPrompt;
  if (room < 256) return null;
  return Math.min(wanted, room);
}

function failed(order: JudgeOrder, format: ResponseFormatMode, unscored: Unscored): OrderRun {
  return { order, reply: null, unscored, raw: '', finishReason: null, usage: null, model: null, format };
}
