import { type BankIndex, createBankIndex } from './bank/bank-index.js';
import { loadBank } from './bank/load-bank.js';
import { type Config, judgeKindFor } from './config.js';
import { ConfigError } from './errors.js';
import { createGrader, type GradeFn } from './grading/grade.js';
import { createEmbeddedJudge } from './judge/embedded/embedded-judge.js';
import type { Judge } from './judge/judge.js';
import { DEFAULT_DB_PATH } from './store/db.js';
import { createStore, type Store } from './store/store.js';

export interface Services {
  config: Config;
  bank: BankIndex;
  judge: Judge;
  grade: GradeFn;
  /** Open database; the caller closes it on shutdown. */
  store: Store;
}

/** Wire the coach's services from a parsed configuration. Opens the database, no sockets. */
export function composeServices(config: Config): Services {
  const bank = createBankIndex(loadBank(config.BANK_PATH));
  const kind = judgeKindFor(config);
  if (kind === 'llm') throw new ConfigError('the LLM judge is not available in this build; use JUDGE=embedded');
  const judge = createEmbeddedJudge();
  const store = createStore({ path: config.DB_PATH ?? DEFAULT_DB_PATH });
  return { config, bank, judge, grade: createGrader({ bank, judge }), store };
}
