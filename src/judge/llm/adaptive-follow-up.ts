import type { KeyPoint } from '../../bank/schema.js';
import type { KeyPointResult, Usage } from '../../grading/grade-schema.js';
import type { GradingTask } from '../judge.js';
import { followUpMessages, type JudgePrompts } from './judge-prompts.js';
import { FollowUpReply, type JudgeReply, parseReply } from './judge-reply.js';
import { type CallContext, callLlm } from './llm-call.js';

const MAX_FOLLOW_UP_TOKENS = 200;

/** The gap worth probing: the heaviest missing point, else the heaviest partial one, else none. */
export function mostImportantGap(merged: readonly KeyPointResult[]): KeyPointResult | null {
  const rank = (k: KeyPointResult) => (k.verdict === 'missing' ? 2 : k.verdict === 'partial' ? 1 : 0);
  let best: KeyPointResult | null = null;
  for (const k of merged) {
    if (rank(k) === 0) continue;
    if (!best || rank(k) > rank(best) || (rank(k) === rank(best) && k.weight > best.weight)) best = k;
  }
  return best;
}

/** A follow-up question as the user will see it: one line, of a sane length, or null. */
export function cleanQuestion(text: string | null | undefined): string | null {
  const q = (text ?? '').replace(/\s+/g, ' ').trim();
  return q.length >= 10 && q.length <= 400 ? q : null;
}

/**
 * The adaptive follow-up. Normally it costs nothing: each judge reply already proposes one for the point
 * it found weakest, and the one aimed at the most important gap after merging is used (or, failing that,
 * any proposal aimed at a point that is not covered). Only when no proposal fits, for instance because
 * the evidence check turned "covered" into "missing", one small second call writes it; that call sees no
 * candidate text. Its failure leaves the follow-up null and the grade intact.
 */
export async function adaptiveFollowUp(
  ctx: CallContext,
  prompts: JudgePrompts,
  task: GradingTask,
  points: readonly KeyPoint[],
  merged: readonly KeyPointResult[],
  replies: readonly JudgeReply[],
): Promise<{ question: string | null; usage: Usage | null }> {
  const gap = mostImportantGap(merged);
  if (!gap) return { question: null, usage: null };
  const open = new Set(merged.filter((k) => k.verdict !== 'covered').map((k) => k.id));
  const proposals = replies.flatMap((r) => (r.followUp ? [r.followUp] : []));
  const proposed =
    proposals.find((p) => p.keyPointId === gap.id && cleanQuestion(p.question)) ??
    proposals.find((p) => open.has(p.keyPointId) && cleanQuestion(p.question));
  if (proposed) return { question: cleanQuestion(proposed.question), usage: null };

  const missed = points.find((p) => p.id === gap.id) ?? { id: gap.id, statement: gap.statement, weight: gap.weight };
  const out = await callLlm(ctx, 'follow-up', followUpMessages(prompts, task, missed), MAX_FOLLOW_UP_TOKENS, prompts.followUpSchema);
  if (!out.ok) return { question: null, usage: null };
  const parsed = parseReply(out.response.content, FollowUpReply);
  return { question: parsed.ok ? cleanQuestion(parsed.value.question) : null, usage: out.response.usage };
}
