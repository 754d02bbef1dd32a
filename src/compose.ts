import { type BankIndex, createBankIndex } from './bank/bank-index.js';
import { loadBank } from './bank/load-bank.js';
import { type Config, judgeKindFor } from './config.js';
import { createGrader, type GradeFn } from './grading/grade.js';
import { createEmbeddedJudge } from './judge/embedded/embedded-judge.js';
import type { Judge } from './judge/judge.js';
import { createConfiguredLlmJudge } from './judge/llm/configured-judge.js';
import { createLlmLimiter, type LlmLimiter } from './judge/llm/llm-limiter.js';

export interface Services {
  config: Config;
  bank: BankIndex;
  judge: Judge;
  grade: GradeFn;
  /** The one bound on concurrent LLM calls, null with the embedded judge. */
  llmLimiter: LlmLimiter | null;
}

/** Wire the coach's services from a parsed configuration. Opens no sockets. */
export function composeServices(config: Config): Services {
  const bank = createBankIndex(loadBank(config.BANK_PATH));
  const llmLimiter = judgeKindFor(config) === 'llm' ? createLlmLimiter(config.LLM_CONCURRENCY) : null;
  const judge = llmLimiter ? createConfiguredLlmJudge(config, llmLimiter) : createEmbeddedJudge();
  return { config, bank, judge, grade: createGrader({ bank, judge }), llmLimiter };
}
