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
}

export interface ComposeOptions {
  /** Where start-up warnings go, e.g. a stale calibration. Default: `console.warn`. */
  warn?: (message: string) => void;
}

export interface JudgeOptions {
  /** Wraps the provider's `ChatCompleter`, e.g. with the eval harness's reply cache. */
  wrapChat?: (chat: ChatCompleter) => ChatCompleter;
  /** The process-wide bound on concurrent LLM calls; one of its own by default. */
  limiter?: LlmLimiter;
}

/** Default calibration file for a judge kind: `data/calibration/embedded.json` or `.../llm.json`. */
export function defaultCalibrationPath(kind: Judge['kind']): string {
  return fileURLToPath(new URL(`../data/calibration/${kind}.json`, import.meta.url));
}

/** Build the judge the configuration asks for. The server and the eval harness both get theirs here. */
export function createJudge(config: Config, options: JudgeOptions = {}): Judge {
  if (judgeKindFor(config) === 'embedded') return createEmbeddedJudge();
  const limiter = options.limiter ?? createLlmLimiter(config.LLM_CONCURRENCY);
  return createConfiguredLlmJudge(config, limiter, options.wrapChat);
}

/** Wire the coach's services from a parsed configuration. Opens the database, no sockets. */
export function composeServices(config: Config, options: ComposeOptions = {}): Services {
  const bank = createBankIndex(loadBank(config.BANK_PATH));
  const llmLimiter = judgeKindFor(config) === 'llm' ? createLlmLimiter(config.LLM_CONCURRENCY) : null;
  const judge = createJudge(config, llmLimiter ? { limiter: llmLimiter } : {});
  const calibration = loadCalibration({
    path: config.CALIBRATION_PATH ?? defaultCalibrationPath(judge.kind),
    explicit: config.CALIBRATION_PATH !== undefined,
    judge,
    warn: options.warn ?? ((m) => console.warn(`warning: ${m}`)),
  });
  const store = createStore({ path: config.DB_PATH ?? DEFAULT_DB_PATH });
  const admission = llmLimiter ? createLlmAdmission({ limiter: llmLimiter, queueMax: config.LLM_QUEUE_MAX }) : null;
  const gate = createGradeGate({ admission });
  return {
    config,
    bank,
    judge,
    calibration,
    grade: gate.wrap(createGrader({ bank, judge, calibration })),
    llmLimiter,
    store,
    security: securityFromConfig(config),
    gate,
  };
}
