import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
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
import { createLlmAdmission, type LimiterState } from './judge/llm/llm-admission.js';
import { createLlmLimiter, type LlmLimiter } from './judge/llm/llm-limiter.js';
import { loadJudgePromptVersion } from './judge/llm/prompt-versions.js';
import { type ExperimentConfig, experimentFromConfig } from './experiments/experiment-config.js';
import type { ServedGrader } from './experiments/served-grader.js';
import { composeServing } from './experiments/serving.js';
import type { MonitoringDeps } from './monitoring/monitoring-deps.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import { DEFAULT_DB_PATH } from './store/db.js';
import { createPostgresStore, createStore, type Store } from './store/store.js';
import { ConfigError } from './errors.js';
import { redactSecrets } from './store/redact.js';
import { createApp, type App } from './http/app.js';
import type { ErrorLogger } from './http/on-error.js';
import type { RandomSource } from './sessions/plan.js';
import { createSessionService, type SessionService } from './sessions/session-service.js';
import { createPracticeService, type PracticeService } from './sessions/practice-service.js';

export interface Services {
  config: Config;
  bank: BankIndex;
  judge: Judge;
  /** The calibration `grade` applies, or null when none fits the judge. */
  calibration: Calibrator | null;
  grade: GradeFn;
  /** The one bound on concurrent LLM calls, null with the embedded judge. */
  llmLimiter: LimiterState | null;
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
  /** The one session service: the routes and the crash recovery share it, so both see the turns being graded. */
  sessions: SessionService;
  /** Practice profiles, hints, model-answer reveals, exports. */
  practice: PracticeService;
  /** Where unexpected errors go. */
  logError: ErrorLogger;
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
  /**
   * LLM judge: the completer to use instead of a provider client built from the configuration, which then
   * needs no provider settings. The eval harness's `--replay` gives one that is never called (every reply
   * comes from the cache), so a replay runs with no provider configured.
   */
  completer?: ChatCompleter;
}

/** Default calibration file for a judge kind: `data/calibration/embedded.json` or `.../llm.json`. */
export function defaultCalibrationPath(kind: Judge['kind']): string {
  return fileURLToPath(new URL(`../data/calibration/${kind}.json`, import.meta.url));
}

/** Build the judge the configuration asks for. The server and the eval harness both get theirs here. */
export function createJudge(config: Config, options: JudgeOptions = {}): Judge {
  if (judgeKindFor(config, { completerGiven: options.completer !== undefined }) === 'embedded') return createEmbeddedJudge();
  const limiter = options.limiter ?? createLlmLimiter(config.LLM_CONCURRENCY);
  return createConfiguredLlmJudge(config, limiter, options.wrapChat, {
    prompts: loadJudgePromptVersion(options.promptName ?? config.JUDGE_PROMPT),
    ...(options.onRetry ? { onRetry: options.onRetry } : {}),
    ...(options.completer ? { completer: options.completer } : {}),
  });
}

/**
 * What a caller may swap in the one assembly: tests give a scripted judge, a seeded random source, a clock,
 * an in-memory store; everything not given comes from the configuration, exactly as `main.ts` gets it.
 */
export interface CoachOverrides extends ComposeOptions {
  /** The question bank (default: loaded from `BANK_PATH`). */
  bank?: BankIndex;
  /** The serving judge (variant A), instead of the one the configuration asks for. */
  judge?: Judge;
  /** The calibration `grade` applies; default: the artifact that fits the judge, if any. */
  calibration?: Calibrator | null;
  /** The prompt experiment; default: from the configuration. */
  experiment?: ExperimentConfig | null;
  /** Variant B of the experiment; `grade` replaces the `grade()` built over its judge. */
  candidate?: { judge: Judge; grade?: GradeFn } | null;
  /** The shared LLM limiter the `judge` override uses; the queue admission and the gauges read it. */
  llmLimiter?: LimiterState | null;
  /** Queue admission's assumed first call duration (ms), for `Retry-After` before calls have been timed. */
  initialCallMs?: number;
  /** Wraps the judge's `grade()` before the gate, e.g. to count or hold grades. */
  wrapGrade?: (grade: GradeFn) => GradeFn;
  /** API keys, rate limits, CORS and the Host allow-list; default: from the configuration. */
  security?: SecurityDeps;
  /** The database (default: opened at `DB_PATH`). */
  store?: Store;
  /** Question order of new sessions. Default `Math.random`. */
  random?: RandomSource;
  /** Wall clock of stored rows. Default: `new Date()`. */
  now?: () => Date;
  /** Where unexpected errors go. Default: `console.error`, secrets masked. */
  logError?: ErrorLogger;
  /** Drift crossings. Default: the console. */
  driftLog?: { warn: (line: string) => void; info: (line: string) => void };
}

/**
 * Open the database the configuration names: PostgreSQL when `DATABASE_URL` is set (connected and migrated
 * under a lock), else the SQLite file at `DB_PATH`. Give the result to `buildCoach` as `store`.
 */
export async function openStore(config: Config, options: { logError?: (err: unknown) => void } = {}): Promise<Store> {
  if (config.DATABASE_URL) return createPostgresStore({ url: config.DATABASE_URL, ...(options.logError ? { logError: options.logError } : {}) });
  return createStore({ path: config.DB_PATH ?? DEFAULT_DB_PATH, busyTimeoutMs: config.DB_BUSY_TIMEOUT_MS });
}

/**
 * Wire the coach's services from a parsed configuration. Opens the SQLite database when no `store` is given,
 * no sockets; a PostgreSQL store is opened first with `openStore` (connecting is asynchronous).
 */
export function composeServices(config: Config, options: CoachOverrides = {}): Services {
  const bank = options.bank ?? createBankIndex(loadBank(config.BANK_PATH));
  const kind = options.judge?.kind ?? judgeKindFor(config);
  const experiment = options.experiment !== undefined ? options.experiment : experimentFromConfig(config, kind);
  const ownLimiter = kind === 'llm' && !options.judge ? createLlmLimiter(config.LLM_CONCURRENCY) : null;
  const llmLimiter = options.llmLimiter !== undefined ? options.llmLimiter : ownLimiter;
  const metrics = createMetrics({ limiter: llmLimiter ?? undefined, processMetrics: options.processMetrics ?? true });
  const judgeOptions: JudgeOptions = { ...(ownLimiter ? { limiter: ownLimiter } : {}), onRetry: (model) => metrics.llmRetry(model) };
  const judge = options.judge ?? createJudge(config, judgeOptions);
  const warn = options.warn ?? ((m) => console.warn(`warning: ${m}`));
  const calibration =
    options.calibration !== undefined
      ? options.calibration
      : loadCalibration({
          path: config.CALIBRATION_PATH ?? defaultCalibrationPath(judge.kind),
          explicit: config.CALIBRATION_PATH !== undefined,
          judge,
          warn,
        });
  if (config.DATABASE_URL && !options.store) throw new ConfigError('DATABASE_URL is set: open the store with openStore(config) and pass it as `store`');
  const store = options.store ?? createStore({ path: config.DB_PATH ?? DEFAULT_DB_PATH, busyTimeoutMs: config.DB_BUSY_TIMEOUT_MS });
  // The default logger masks: an error's text (or its cause's) may echo the configured key.
  const logError: ErrorLogger = options.logError ?? ((err) => console.error(redactSecrets(inspect(err))));
  // Every grade, served or candidate, passes the gate: the LLM queue limit and the count of grades in flight.
  const admission = llmLimiter
    ? createLlmAdmission({ limiter: llmLimiter, queueMax: config.LLM_QUEUE_MAX, ...(options.initialCallMs ? { initialCallMs: options.initialCallMs } : {}) })
    : null;
  const gate = createGradeGate({ admission });
  const wrap = options.wrapGrade ?? ((g: GradeFn) => g);
  const grade = gate.wrap(wrap(createGrader({ bank, judge, calibration })));
  const candidate =
    options.candidate !== undefined
      ? options.candidate && { judge: options.candidate.judge, grade: gate.wrap(options.candidate.grade ?? createGrader({ bank, judge: options.candidate.judge })) }
      : experiment
        ? createCandidate(config, experiment.promptB, judgeOptions, bank, warn, gate)
        : null;
  const { served, monitoring } = composeServing({
    config,
    experiment,
    judge,
    grade,
    candidate,
    store,
    metrics,
    llmLimiter,
    logError,
    ...(options.driftLog ? { driftLog: options.driftLog } : {}),
  });
  // One session service for the routes and the crash recovery, so both see which turns are being graded.
  const sessions = createSessionService({
    store,
    bank,
    grade: served.grade,
    logError,
    assignVariant: served.assign,
    mockSecondsPerQuestion: config.MOCK_SECONDS_PER_QUESTION,
    leaseMs: config.TURN_LEASE_MS,
    // A shutdown waits for an answer's whole path, not only its grade: the save after it uses the database.
    track: gate.track,
    ...(options.random ? { random: options.random } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const practice = createPracticeService({ store, bank, ...(options.now ? { now: options.now } : {}) });
  return {
    config,
    bank,
    judge,
    calibration,
    grade: served.grade,
    llmLimiter,
    store,
    security: options.security ?? securityFromConfig(config),
    gate,
    metrics,
    experiment,
    served,
    monitoring,
    assignVariant: served.assign,
    sessions,
    practice,
    logError,
  };
}

/** The coach: its services and the HTTP app over them. The one assembly of production, load test, bench and tests. */
export function buildCoach(config: Config, overrides: CoachOverrides = {}): Services & { app: App } {
  const services = composeServices(config, overrides);
  return { ...services, app: createApp({ ...services, database: services.store }) };
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
