import type { UnscoredReason, Usage } from '../../grading/grade-schema.js';
import type { ChatFailure } from '../chat-failure.js';
import type { ChatMessage, ChatResponse, ResponseFormatMode } from '../chat.js';
import type { JudgeVerdict } from '../judge.js';
import { type JudgeOrder, type JudgePrompts, repairMessages } from './judge-prompts.js';
import { JudgeReply, keyPointProblem, parseReply } from './judge-reply.js';
import { type CallContext, callLlm } from './llm-call.js';

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
  if (response.finishReason === 'length') {
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
  const firstRaw = first.response.content ?? first.response.refusal ?? '';
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

  // A truncated reply gets more room, and the repair prompt asks for shorter reasoning too.
  const repairTokens = checked.reason === 'truncated' ? maxTokens * 2 : maxTokens;
  const problem = checked.reason === 'truncated' ? 'it was cut off at the token limit' : checked.detail;
  const rejected = { raw: firstRaw, finishReason: first.response.finishReason, error: checked.detail };
  const second = await callLlm(ctx, 'repair', repairMessages(prompts, messages, firstRaw, problem), repairTokens, prompts.judgeSchema);
  if (!second.ok) return { ...base, rejected, reply: null, unscored: unscoredOf(second.failure) };

  const again = checkResponse(second.response, ids);
  const repaired = {
    ...base,
    rejected,
    raw: second.response.content ?? second.response.refusal ?? '',
    finishReason: second.response.finishReason,
    usage: addUsage(first.response.usage, second.response.usage),
    format: second.format,
  };
  if (again.ok) return { ...repaired, reply: again.reply, unscored: null };
  const detail = again.reason === 'refusal' ? again.detail : `${again.detail} (after one repair attempt; first reply: ${checked.detail})`;
  return { ...repaired, reply: null, unscored: { reason: again.reason, detail } };
}

function failed(order: JudgeOrder, format: ResponseFormatMode, unscored: Unscored): OrderRun {
  return { order, reply: null, unscored, raw: '', finishReason: null, usage: null, model: null, format };
}
