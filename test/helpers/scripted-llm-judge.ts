import { orderOf, scoredReply } from '../../scripts/fake-judge/scored-reply.js';
import { ChatFailure } from '../../src/judge/chat-failure.js';
import type { LlmCallRecord } from '../../src/judge/chat.js';
import type { GradeOptions, GradingTask, Judge, JudgeVerdict } from '../../src/judge/judge.js';
import { createLlmJudge } from '../../src/judge/llm/llm-judge.js';
import { createLlmLimiter } from '../../src/judge/llm/llm-limiter.js';
import { prompts, type Script, scriptedCompleter } from './llm.js';

/** The model the scripted provider answers as. */
export const SCRIPTED_MODEL = 'fake-llm-1';

/**
 * One grade as the real LLM judge makes it (shipped prompts, both orders, evidence check, merge, follow-up)
 * over a completer that answers with `script`: the verdict is whatever the judge's own code makes of the
 * provider's replies, never a hand-built one.
 */
export function llmStep(script: Script): JudgeStep {
  return (task, options) => {
    const judge = createLlmJudge({ completer: scriptedCompleter(script), model: SCRIPTED_MODEL, prompts, limiter: createLlmLimiter(4) });
    return judge.evaluate(task, options);
  };
}

/** What the judge does on one `evaluate()` call: a grade of the real LLM judge (`llmStep`), possibly held back. */
export type JudgeStep = (task: GradingTask, options: GradeOptions | undefined) => Promise<JudgeVerdict>;

/**
 * The LLM judge as a test scripts it: each `evaluate()` call plays the next step (the last repeats), and
 * every task it was given is recorded. Its identity (kind, model, prompt version) is the real judge's.
 */
export function scriptedJudge(steps: JudgeStep[]): Judge & { tasks: GradingTask[] } {
  const identity = createLlmJudge({ completer: scriptedCompleter(notAsked), model: SCRIPTED_MODEL, prompts, limiter: createLlmLimiter(1) });
  const tasks: GradingTask[] = [];
  return {
    kind: identity.kind,
    model: identity.model,
    promptVersion: identity.promptVersion,
    tasks,
    async evaluate(task, options) {
      tasks.push(task);
      const step = steps[Math.min(tasks.length - 1, steps.length - 1)];
      if (!step) throw new Error('scriptedJudge: no steps');
      return step(task, options);
    },
  };
}

function notAsked(): never {
  throw new Error('the identity judge is never asked to grade');
}

/** The provider scores the reference-first order `first` and the reference-last order `last`. */
export function orderScores(first: number, last: number): Script {
  return (request) => scoredReply(request, orderOf(request) === 'reference-last' ? last : first);
}

/** The provider cannot be reached for this grade: every call fails as the provider client reports it. */
export function providerDown(detail: string): Script {
  return () => {
    throw new ChatFailure('unavailable', detail);
  };
}

/** A grade whose two orders the provider scores `first` and `last`. */
export function swappedVerdict(first: number, last: number): JudgeStep {
  return llmStep(orderScores(first, last));
}

/** A grade the judge cannot make because the provider is down: unscored `provider-unavailable`. */
export function unscoredVerdict(detail = 'provider returned 503 after 3 attempts'): JudgeStep {
  return llmStep(providerDown(detail));
}

/** An LLM call record of the shape the LLM judge sends to `onLlmCall`, for storage tests. */
export function llmCall(task: GradingTask, order: LlmCallRecord['order'], extra: Partial<LlmCallRecord> = {}): LlmCallRecord {
  return {
    at: '2026-01-01T00:00:00.000Z',
    model: SCRIPTED_MODEL,
    promptVersion: 'fake-prompt-1',
    order,
    questionId: task.questionId,
    request: {
      model: SCRIPTED_MODEL,
      messages: [
        { role: 'system', content: 'You grade interview answers.' },
        { role: 'user', content: `<answer>${task.answer}</answer>` },
      ],
      temperature: 0,
      maxTokens: 800,
      responseFormat: 'json_schema',
    },
    rawReply: '{"score": 4}',
    finishReason: 'stop',
    usage: { promptTokens: 120, completionTokens: 30 },
    latencyMs: 12,
    error: null,
    ...extra,
  };
}
