import type { ExperimentConfig } from '../../src/experiments/experiment-config.js';
import { composeServing } from '../../src/experiments/serving.js';
import { createGrader, type GradeFn } from '../../src/grading/grade.js';
import { createApp } from '../../src/http/app.js';
import type { ChatCompleter } from '../../src/judge/chat.js';
import type { Judge } from '../../src/judge/judge.js';
import { createLlmJudge } from '../../src/judge/llm/llm-judge.js';
import type { LimiterState } from '../../src/judge/llm/llm-admission.js';
import { createLlmLimiter, type LlmLimiter } from '../../src/judge/llm/llm-limiter.js';
import { loadJudgePromptVersion } from '../../src/judge/llm/prompt-versions.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { seededRandom } from '../../src/sessions/plan.js';
import { createStore, type Store } from '../../src/store/store.js';
import { testCoach } from './app.js';

/** An LLM judge with a named prompt version over a scripted completer. */
export function promptJudge(completer: ChatCompleter, promptName: string, limiter: LlmLimiter): Judge {
  return createLlmJudge({ completer, model: 'judge-model', prompts: loadJudgePromptVersion(promptName), limiter });
}

export interface ServedAppOptions {
  judge: Judge;
  /** Variant B; `grade` replaces the `grade()` built over it (e.g. one that throws). */
  candidate?: { judge: Judge; grade?: GradeFn } | null;
  experiment?: Omit<ExperimentConfig, 'promptA'> | null;
  store?: Store;
  limiter?: LimiterState | null;
  drift?: { baseline: number; window: number; question: number };
}

/**
 * The app wired as `composeServices` wires it (served grader, grade log, metrics, drift and A/B readings)
 * around judges of the test's choice, with every log line captured.
 */
export function servedApp(options: ServedAppOptions) {
  const warnings: string[] = [];
  const infos: string[] = [];
  const drift = options.drift ?? { baseline: 200, window: 200, question: 100 };
  const env = { DRIFT_BASELINE_SIZE: String(drift.baseline), DRIFT_WINDOW_SIZE: String(drift.window), DRIFT_QUESTION_SIZE: String(drift.question) };
  const coach = testCoach(env, {
    judge: options.judge,
    candidate: options.candidate ?? null,
    experiment: options.experiment ? { promptA: 'default', ...options.experiment } : null,
    llmLimiter: options.limiter ?? null,
    random: seededRandom(3),
    driftLog: { warn: (l) => warnings.push(l), info: (l) => infos.push(l) },
    ...(options.store ? { store: options.store } : {}),
  });
  const { app, store, metrics, served, monitoring, errors } = coach;
  return { app, store, metrics, served, monitoring, errors, warnings, infos };
}

export { createLlmLimiter };
