import { setMaxListeners } from 'node:events';
import type { JudgeRun, KeyPointResult, Usage } from '../../grading/grade-schema.js';
import { roundScore } from '../../grading/levels.js';
import type { ChatCompleter, ResponseFormatMode } from '../chat.js';
import { rubricKeyPoints } from '../rubric-key-points.js';
import type { Judge, JudgeVerdict } from '../judge.js';
import { looksLikeManipulation, MANIPULATION_GAP } from '../manipulation-signals.js';
import { adaptiveFollowUp } from './adaptive-follow-up.js';
import { checkEvidence, normaliseForMatch } from './evidence.js';
import { type JudgePrompts, judgeMessages, ORDERS } from './judge-prompts.js';
import type { JudgeReply } from './judge-reply.js';
import { type CallContext, createFormatSelector } from './llm-call.js';
import type { LlmLimiter } from './llm-limiter.js';
import { consistencyOf, mergeKeyPoints } from './merge-orders.js';
import { addUsage, type OrderRun, runOrder } from './run-order.js';
import { answerNonce } from './untrusted-text.js';

export interface LlmJudgeDeps {
  completer: ChatCompleter;
  /** Model id sent to the provider and recorded on every grade. */
  model: string;
  prompts: JudgePrompts;
  /** The process-wide limiter on concurrent LLM calls. */
  limiter: LlmLimiter;
  /** How to ask for JSON. Default `auto`: json_schema, stepping down on a provider's 400. */
  responseFormat?: 'auto' | ResponseFormatMode;
  /** Completion token limit of one judge call. Default 1500. */
  maxTokens?: number;
  /**
   * Deadline of one whole grade (both orders, repairs, the follow-up, and waiting for the limiter), in ms.
   * Default: none. When it passes, calls still running are aborted and the grade is unscored (`timeout`).
   */
  gradeTimeoutMs?: number;
  /** Default 0: the same answer should get the same grade. */
  temperature?: number;
  /** Delimiter code of an answer in one order; injectable so tests can pin the prompt. */
  nonce?: (answer: string, order: string) => string;
  clock?: () => Date;
  now?: () => number;
}

const FLAG_TEXT = {
  'manipulation-attempt': MANIPULATION_GAP,
} as const;

/**
 * The LLM judge. Every grade runs the judge twice, concurrently, with the reference answer before and
 * after the candidate answer; the score is the mean of the two orders. Each quote is checked against the
 * answer, the orders' verdicts are merged, and any failure (provider down, timeout, refusal, output still
 * unusable after one repair) makes the verdict unscored, never a low score.
 *
 * @example
 * const judge = createLlmJudge({ completer, model: 'gpt-4o-mini', prompts: loadJudgePrompts(), limiter: createLlmLimiter(4) });
 * const verdict = await judge.evaluate(task, { onLlmCall: (r) => audit.push(r) });
 */
export function createLlmJudge(deps: LlmJudgeDeps): Judge {
  const { prompts, model } = deps;
  const formats = createFormatSelector(deps.responseFormat ?? 'auto');
  const maxTokens = deps.maxTokens ?? 1500;
  const nonce = deps.nonce ?? answerNonce;
  const contexts = new Map<string, number>();

  return {
    kind: 'llm',
    model,
    promptVersion: prompts.version,
    async evaluate(task, options): Promise<JudgeVerdict> {
      const deadline = deps.gradeTimeoutMs ? AbortSignal.timeout(deps.gradeTimeoutMs) : undefined;
      const signals = [options?.signal, deadline].filter((s): s is AbortSignal => s !== undefined);
      const ctx: CallContext = {
        deadline,
        deadlineMs: deps.gradeTimeoutMs,
        contexts,
        completer: deps.completer,
        limiter: deps.limiter,
        formats,
        model,
        temperature: deps.temperature ?? 0,
        promptVersion: prompts.version,
        questionId: task.questionId,
        signal: gradeSignal(signals),
        onLlmCall: options?.onLlmCall,
        clock: deps.clock ?? (() => new Date()),
        now: deps.now ?? (() => performance.now()),
      };
      const points = rubricKeyPoints(task.rubric, task.referenceAnswer);
      const ids = points.map((p) => p.id);
      const orders = await Promise.all(
        ORDERS.map((order) => runOrder(ctx, prompts, order, judgeMessages(prompts, task, points, order, nonce(task.answer, order)), ids, maxTokens)),
      );
      let usage = orders.reduce<Usage | null>((u, r) => addUsage(u, r.usage), null);

      const [first, last] = orders;
      if (!first?.reply || !last?.reply) {
        // Both orders or none: one order alone carries the position bias the swap exists to remove.
        const failed = orders.find((r) => r.unscored);
        return {
          rawScore: null,
          adaptiveFollowUp: null,
          consistency: null,
          keyPoints: [],
          strengths: [],
          gaps: [],
          flags: [],
          runs: orders.map((r) => toRun(r, null)),
          usage,
          unscored: failed?.unscored ?? { reason: 'judge-error', detail: 'the judge gave no verdict' },
        };
      }

      const checkedFirst = checkEvidence(first.reply, points, task.answer);
      const checkedLast = checkEvidence(last.reply, points, task.answer);
      const scoreFirst = orderScore(first.reply, checkedFirst.penalty);
      const scoreLast = orderScore(last.reply, checkedLast.penalty);
      const keyPoints = mergeKeyPoints(checkedFirst.keyPoints, checkedLast.keyPoints);
      const consistency = consistencyOf(scoreFirst, scoreLast);

      const followUp = await adaptiveFollowUp(ctx, prompts, task, points, keyPoints, [first.reply, last.reply]);
      usage = addUsage(usage, followUp.usage);

      const manipulation = first.reply.manipulationAttempt || last.reply.manipulationAttempt;
      const flags = [
        manipulation ? 'manipulation-attempt' : '',
        // The pattern list is a second opinion only: the LLM's own verdict decides the score.
        !manipulation && looksLikeManipulation(task.answer) ? 'possible-manipulation' : '',
        checkedFirst.downgraded + checkedLast.downgraded > 0 ? 'unverified-quote' : '',
        consistency.inconsistent ? 'low-confidence' : '',
      ].filter(Boolean);

      return {
        rawScore: (scoreFirst + scoreLast) / 2,
        keyPoints,
        strengths: keyPoints.filter((k) => k.verdict === 'covered').map((k) => k.statement),
        gaps: gapsOf(keyPoints, [first.reply, last.reply], manipulation),
        adaptiveFollowUp: followUp.question,
        flags,
        consistency,
        runs: [toRun(first, scoreFirst), toRun(last, scoreLast)],
        usage,
        unscored: null,
      };
    },
  };
}

/**
 * The one signal a grade's calls listen to: the caller's and the grade's deadline. Its own object, so the
 * listeners of one grade's calls (the SDK adds one per HTTP attempt and never removes it) do not pile up on a
 * signal the caller shares between many grades.
 */
function gradeSignal(signals: AbortSignal[]): AbortSignal | undefined {
  if (signals.length === 0) return undefined;
  const signal = AbortSignal.any(signals);
  // Both orders, their retries, repairs and the follow-up: more than the default warning level of 10.
  setMaxListeners(64, signal);
  return signal;
}

/** One order's score: the judge's, less the evidence penalty; 1 when the judge saw a manipulation attempt. */
function orderScore(reply: JudgeReply, penalty: number): number {
  if (reply.manipulationAttempt) return 1;
  return roundScore(reply.score - penalty);
}

function gapsOf(keyPoints: readonly KeyPointResult[], replies: readonly JudgeReply[], manipulation: boolean): string[] {
  const seen = new Set<string>();
  const mistakes: string[] = [];
  for (const m of replies.flatMap((r) => r.mistakes)) {
    const key = normaliseForMatch(m);
    if (key && !seen.has(key) && mistakes.length < 5) {
      seen.add(key);
      mistakes.push(`Mistake: ${m.trim()}`);
    }
  }
  return [
    ...(manipulation ? [FLAG_TEXT['manipulation-attempt']] : []),
    ...mistakes,
    ...keyPoints.filter((k) => k.verdict === 'missing').map((k) => `Missing: ${k.statement}`),
    ...keyPoints.filter((k) => k.verdict === 'partial').map((k) => `Only partly: ${k.statement}`),
  ];
}

function toRun(r: OrderRun, score: number | null): JudgeRun {
  return {
    order: r.order,
    score,
    raw: r.raw,
    finishReason: r.finishReason,
    usage: r.usage,
    model: r.model,
    responseFormat: r.format,
    ...(r.reply ? { judgeScore: r.reply.score } : {}),
    ...(r.unscored ? { error: `${r.unscored.reason}: ${r.unscored.detail}` } : {}),
    ...(r.rejected ? { rejected: r.rejected } : {}),
  };
}
