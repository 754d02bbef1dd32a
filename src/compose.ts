import { type BankIndex, createBankIndex } from './bank/bank-index.js';
import { loadBank } from './bank/load-bank.js';
import { type Config, judgeKindFor } from './config.js';
import { ConfigError } from './errors.js';
import { createGrader, type GradeFn } from './grading/grade.js';
import { createEmbeddedJudge } from './judge/embedded/embedded-judge.js';
import { type SecurityDeps, securityFromConfig } from './http/security.js';
import type { Judge } from './judge/judge.js';

export interface Services {
  config: Config;
  bank: BankIndex;
  judge: Judge;
  grade: GradeFn;
  security: SecurityDeps;
}

/** Wire the coach's services from a parsed configuration. Opens no sockets. */
export function composeServices(config: Config): Services {
  const bank = createBankIndex(loadBank(config.BANK_PATH));
  const kind = judgeKindFor(config);
  if (kind === 'llm') throw new ConfigError('the LLM judge is not available in this build; use JUDGE=embedded');
  const judge = createEmbeddedJudge();
  return { config, bank, judge, grade: createGrader({ bank, judge }), security: securityFromConfig(config) };
}
