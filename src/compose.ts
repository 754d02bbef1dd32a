import { fileURLToPath } from 'node:url';
import { type BankIndex, createBankIndex } from './bank/bank-index.js';
import { loadBank } from './bank/load-bank.js';
import { type Config, judgeKindFor } from './config.js';
import { ConfigError } from './errors.js';
import type { Calibrator } from './grading/calibration.js';
import { loadCalibration } from './grading/calibration-artifact.js';
import { createGrader, type GradeFn } from './grading/grade.js';
import type { ChatCompleter } from './judge/chat.js';
import { createEmbeddedJudge } from './judge/embedded/embedded-judge.js';
import type { Judge } from './judge/judge.js';

export interface Services {
  config: Config;
  bank: BankIndex;
  judge: Judge;
  /** The calibration `grade` applies, or null when none fits the judge. */
  calibration: Calibrator | null;
  grade: GradeFn;
}

export interface ComposeOptions {
  /** Where start-up warnings go, e.g. a stale calibration. Default: `console.warn`. */
  warn?: (message: string) => void;
}

export interface JudgeOptions {
  /** Wraps the provider's `ChatCompleter`, e.g. with the eval harness's reply cache. */
  wrapChat?: (chat: ChatCompleter) => ChatCompleter;
}

/** Default calibration file for a judge kind: `data/calibration/embedded.json` or `.../llm.json`. */
export function defaultCalibrationPath(kind: Judge['kind']): string {
  return fileURLToPath(new URL(`../data/calibration/${kind}.json`, import.meta.url));
}

/** Build the judge the configuration asks for. The server and the eval harness both get theirs here. */
export function createJudge(config: Config, _options: JudgeOptions = {}): Judge {
  const kind = judgeKindFor(config);
  if (kind === 'llm') throw new ConfigError('the LLM judge is not available in this build; use JUDGE=embedded');
  return createEmbeddedJudge();
}

/** Wire the coach's services from a parsed configuration. Opens no sockets. */
export function composeServices(config: Config, options: ComposeOptions = {}): Services {
  const bank = createBankIndex(loadBank(config.BANK_PATH));
  const judge = createJudge(config);
  const calibration = loadCalibration({
    path: config.CALIBRATION_PATH ?? defaultCalibrationPath(judge.kind),
    explicit: config.CALIBRATION_PATH !== undefined,
    judge,
    warn: options.warn ?? ((m) => console.warn(`warning: ${m}`)),
  });
  return { config, bank, judge, calibration, grade: createGrader({ bank, judge, calibration }) };
}
