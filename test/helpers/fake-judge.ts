import { evaluateEmbedded } from '../../src/judge/embedded/embedded-judge.js';
import { llmCall } from './scripted-llm-judge.js';
import type { GradeOptions, GradingTask, Judge, JudgeVerdict } from '../../src/judge/judge.js';

/** What a scripted judge does on one call: return a verdict, or throw. */
export type JudgeStep = (task: GradingTask, options: GradeOptions | undefined) => JudgeVerdict | Promise<JudgeVerdict>;

// Kept for the browser tests (test/e2e) only, until they move to `scripted-llm-judge.ts`: these verdicts
// are built by hand, and a hand-built unscored verdict leaves no LLM call in the audit log, which the real
// LLM judge always writes. Every other test grades through the real LLM judge (`scripted-llm-judge.ts`).

/**
 * A judge for tests that plays `steps` in order, one per `evaluate()` call (the last repeats), and records
 * every task it was given. It reports itself as an LLM judge so the LLM-only fields can be exercised.
 */
export function scriptedJudge(steps: JudgeStep[]): Judge & { tasks: GradingTask[] } {
  const tasks: GradingTask[] = [];
  return {
    kind: 'llm',
    model: 'fake-llm-1',
    promptVersion: 'fake-prompt-1',
    tasks,
    async evaluate(task, options) {
      tasks.push(task);
      const step = steps[Math.min(tasks.length - 1, steps.length - 1)];
      if (!step) throw new Error('scriptedJudge: no steps');
      return step(task, options);
    },
  };
}

/**
 * A position-swapped verdict: the embedded judge's key points with two order scores, reporting both LLM
 * calls to the sink like the LLM judge does.
 */
export function swappedVerdict(first: number, last: number): JudgeStep {
  return (task, options) => {
    options?.onLlmCall?.(llmCall(task, 'reference-first', { rawReply: `{"score": ${first}}` }));
    options?.onLlmCall?.(llmCall(task, 'reference-last', { rawReply: `{"score": ${last}}` }));
    const base = evaluateEmbedded(task);
    return {
      ...base,
      rawScore: (first + last) / 2,
      adaptiveFollowUp: 'How would you tell the two kinds of drift apart with no labels?',
      consistency: { referenceFirst: first, referenceLast: last, spread: Math.abs(first - last), inconsistent: Math.abs(first - last) >= 2, resolution: 'mean' },
      runs: [
        { order: 'reference-first', score: first, raw: `{"score": ${first}}`, finishReason: 'stop', usage: { promptTokens: 120, completionTokens: 30 } },
        { order: 'reference-last', score: last, raw: `{"score": ${last}}`, finishReason: 'stop', usage: { promptTokens: 120, completionTokens: 30 } },
      ],
      usage: { promptTokens: 240, completionTokens: 60 },
    };
  };
}

/** The judge could not grade: what the LLM judge returns when the provider is down. */
export function unscoredVerdict(detail = 'provider returned 503 after 3 attempts'): JudgeStep {
  return () => ({
    rawScore: null,
    keyPoints: [],
    strengths: [],
    gaps: [],
    adaptiveFollowUp: null,
    flags: [],
    consistency: null,
    runs: [],
    usage: null,
    unscored: { reason: 'provider-unavailable', detail },
  });
}
