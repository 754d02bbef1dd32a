import type { createJudge as CreateJudge } from '../src/compose.js';
import type { Config } from '../src/config.js';
import { ChatFailure } from '../src/judge/chat-failure.js';
import type { ChatCompleter } from '../src/judge/chat.js';
import type { Judge } from '../src/judge/judge.js';
import { type CachedChat, type CacheStats, createCachedChat } from './llm-cache.js';

/** The provider of a `--replay` run: never asked, since every reply comes from the cache and a miss stops the run. */
export const REPLAY_ONLY: ChatCompleter = {
  complete: () => Promise.reject(new ChatFailure('provider-error', 'a replay makes no provider call')),
};

export interface EvalJudgeOptions {
  cacheDir: string | null;
  replay: boolean;
  /** LLM judge: the prompt version (`--compare`); default the configuration's. */
  promptName?: string;
}

export interface EvalJudge {
  judge: Judge;
  /** The reply cache around the provider; null for a judge that makes no LLM call. */
  chat: CachedChat | null;
  /** What a dataset run takes from this judge: the judge, its cache's statistics, and the cache it reads. */
  runFields: { judge: Judge; llmStats: (() => CacheStats) | null; cacheDir: string | null; replay: boolean };
}

/**
 * The judge of an eval run, from the server's factory, with the reply cache around its provider. A replay
 * that asks for the LLM judge needs no provider configured: the judge is built over `REPLAY_ONLY`.
 */
export function evalJudge(createJudge: typeof CreateJudge, config: Config, o: EvalJudgeOptions): EvalJudge {
  // Set by the factory only when the judge talks to an LLM.
  const wrapped: { chat: CachedChat | null } = { chat: null };
  const judge = createJudge(config, {
    wrapChat: (inner) => (wrapped.chat = createCachedChat(inner, { dir: o.cacheDir, replay: o.replay })),
    ...(o.promptName ? { promptName: o.promptName } : {}),
    ...(o.replay && config.JUDGE === 'llm' ? { completer: REPLAY_ONLY } : {}),
  });
  const chat = wrapped.chat;
  return { judge, chat, runFields: { judge, llmStats: chat ? () => chat.stats() : null, cacheDir: chat ? o.cacheDir : null, replay: o.replay } };
}
