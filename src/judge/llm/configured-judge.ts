import type { Config } from '../../config.js';
import type { ChatCompleter } from '../chat.js';
import type { Judge } from '../judge.js';
import { loadJudgePrompts } from './judge-prompts.js';
import { createLlmJudge } from './llm-judge.js';
import type { LlmLimiter } from './llm-limiter.js';
import { createOpenAiClient, createOpenAiCompleter } from './openai-completer.js';

/**
 * The LLM judge as configured: one SDK client (key, base URL, timeout, retries), the prompt files, and
 * the process-wide limiter passed in by `compose`.
 */
export function createConfiguredLlmJudge(
  config: Config,
  limiter: LlmLimiter,
  /** Wraps the provider completer, e.g. with the eval harness's reply cache. */
  wrapChat?: (chat: ChatCompleter) => ChatCompleter,
): Judge {
  const client = createOpenAiClient({
    apiKey: config.OPENAI_API_KEY,
    baseURL: config.OPENAI_BASE_URL,
    timeoutMs: config.LLM_TIMEOUT_MS,
    maxRetries: config.LLM_MAX_RETRIES,
  });
  return createLlmJudge({
    completer: wrapChat ? wrapChat(createOpenAiCompleter(client)) : createOpenAiCompleter(client),
    model: config.JUDGE_MODEL,
    prompts: loadJudgePrompts(),
    limiter,
    responseFormat: config.JUDGE_RESPONSE_FORMAT,
    maxTokens: config.JUDGE_MAX_TOKENS,
  });
}
