import { fileURLToPath } from 'node:url';
import { type BankIndex, createBankIndex } from './bank/bank-index.js';
import { loadBank } from './bank/load-bank.js';
import { type Config, judgeKindFor } from './config.js';
import type { Calibrator } from './grading/calibration.js';
import { loadCalibration } from './grading/calibration-artifact.js';
import { createGrader, type GradeFn } from './grading/grade.js';
import { createGradeGate, type GradeGate } from './grading/grade-gate.js';
import type { ChatCompleter } from './judge/chat.js';
import { type SecurityDeps, securityFromConfig } from './http/security.js';
import { createEmbeddedJudge } from './judge/embedded/embedded-judge.js';
import type { Judge } from './judge/judge.js';
import { createConfiguredLlmJudge } from './judge/llm/configured-judge.js';
import { createLlmAdmission } from './judge/llm/llm-admission.js';
import { createLlmLimiter, type LlmLimiter } from './judge/llm/llm-limiter.js';
import { loadJudgePromptVersion } from './judge/llm/prompt-versions.js';
import { type ExperimentConfig, experimentFromConfig } from './experiments/experiment-config.js';
import type { ServedGrader } from './experiments/served-grader.js';
import { composeServing } from './experiments/serving.js';
import type { MonitoringDeps } from './http/routes/monitoring.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import { DEFAULT_DB_PATH } from './store/db.js';
import { createStore, type Store } from './store/store.js';

export interface Services {
  config: Config;
  bank: BankIndex;
  judge: Judge;
  /** The calibration `grade` applies, or null when none fits the judge. */
  calibration: Calibrator | null;
  grade: GradeFn;
  /** The one bound on concurrent LLM calls, null with the embedded judge. */
  llmLimiter: LlmLimiter | null;
  /** Open database; the caller closes it on shutdown. */
  store: Store;
  /** API keys, rate limits, CORS and security headers. */
  security: SecurityDeps;
  /** What `grade` goes through: the LLM queue limit (503 when full) and the count of grades in flight. */
  gate: GradeGate;
  /** Prometheus series, served at `GET /metrics`. */
  metrics: Metrics;
  /** The prompt experiment running, or null. */
  experiment: ExperimentConfig | null;
  /** The serving layer behind `grade`: variant routing, grade log, shadow grades (`drain()` awaits them). */
  served: ServedGrader;
  /** Drift and A/B readings for `/api/monitoring`. */
  monitoring: MonitoringDeps;
  /** Prompt A/B variant of a new session. */
  assignVariant: (sessionId: string) => 'A' | 'B';
}

export interface ComposeOptions {
  /** Where start-up warnings go, e.g. a stale calibration. Default: `console.warn`. */
  warn?: (message: string) => void;
  /** Also export Node's process metrics. Default true. */
  processMetrics?: boolean;
}

export interface JudgeOptions {
  /** Wraps the provider's `ChatCompleter`, e.g. with the eval harness's reply cache. */
  wrapChat?: (chat: ChatCompleter) => ChatCompleter;
  /** The process-wide bound on concurrent LLM calls; one of its own by default. */
  limiter?: LlmLimiter;
  /** LLM judge: the prompt version to grade with (`default` or a folder of prompts/judge/). Default `JUDGE_PROMPT`. */
  promptName?: string;
  /** LLM judge: told about every HTTP retry of the provider client. */
  onRetry?: (model: string) => void;
}

/** Default calibration file for a judge kind: `data/calibration/embedded.json` or `.../llm.json`. */
export function defaultCalibrationPath(kind: Judge['kind']): string {
  return fileURLToPath(new URL(`../data/calibration/${kind}.json`, import.meta.url));
}

/** Build the judge the configuration asks for. The server and the eval harness both get theirs here. */
export function createJudge(config: Config, options: JudgeOptions = {}): Judge {
  if (judgeKindFor(config) === 'embedded') return createEmbeddedJudge();
  const limiter = options.limiter ?? createLlmLimiter(config.LLM_CONCURRENCY);
  return createConfiguredLlmJudge(config, limiter, options.wrapChat, {
    prompts: loadJudgePromptVersion(options.promptName ?? config.JUDGE_PROMPT),
    ...(options.onRetry ? { onRetry: options.onRetry } : {}),
  });
}

/** Wire the coach's services from a parsed configuration. Opens the database, no sockets. */
export function composeServices(config: Config, options: ComposeOptions = {}): Services {
  const bank = createBankIndex(loadBank(config.BANK_PATH));
  const kind = judgeKindFor(config);
  const experiment = experimentFromConfig(config, kind);
  const llmLimiter = kind === 'llm' ? createLlmLimiter(config.LLM_CONCURRENCY) : null;
  const metrics = createMetrics({ limiter: llmLimiter ?? undefined, processMetrics: options.processMetrics ?? true });
  const judgeOptions: JudgeOptions = { ...(llmLimiter ? { limiter: llmLimiter } : {}), onRetry: (model) => metrics.llmRetry(model) };
  const judge = createJudge(config, judgeOptions);
  const warn = options.warn ?? ((m) => console.warn(`warning: ${m}`));
  const calibration = loadCalibration({
    path: config.CALIBRATION_PATH ?? defaultCalibrationPath(judge.kind),
    explicit: config.CALIBRATION_PATH !== undefined,
    judge,
    warn,
  });
  const store = createStore({ path: config.DB_PATH ?? DEFAULT_DB_PATH, busyTimeoutMs: config.DB_BUSY_TIMEOUT_MS });
  // Every grade, served or candidate, passes the gate: the LLM queue limit and the count of grades in flight.
  const admission = llmLimiter ? createLlmAdmission({ limiter: llmLimiter, queueMax: config.LLM_QUEUE_MAX }) : null;
  const gate = createGradeGate({ admission });
  const grade = gate.wrap(createGrader({ bank, judge, calibration }));
  const candidate = experiment ? createCandidate(config, experiment.promptB, judgeOptions, bank, warn, gate) : null;
  const { served, monitoring } = composeServing({ config, experiment, judge, grade, candidate, store, metrics, llmLimiter });
  return {
    config,
    bank,
    judge,
    calibration,
    grade: served.grade,
    llmLimiter,
    store,
    security: securityFromConfig(config),
    gate,
    metrics,
    experiment,
    served,
    monitoring,
    assignVariant: served.assign,
  };
}

/**
 * Variant B of a prompt experiment: the same LLM client settings with the candidate prompt. Its calibration
 * is `data/calibration/llm-<prompt name>.json` when that file exists and fits it; otherwise B serves raw
 * scores (a calibration is fitted for one prompt version, so A's would not fit).
 */
function createCandidate(
  config: Config,
  promptName: string,
  options: JudgeOptions,
  bank: BankIndex,
  warn: (m: string) => void,
  gate: GradeGate,
) {
  const judge = createJudge(config, { ...options, promptName });
  const calibration = loadCalibration({ path: defaultCalibrationPath(judge.kind).replace(/\.json$/, `-${promptName}.json`), explicit: false, judge, warn });
  return { judge, grade: gate.wrap(createGrader({ bank, judge, calibration })) };
}
