import type { Config } from '../../config.js';
import type { ChatCompleter } from '../chat.js';
import type { Judge } from '../judge.js';
import type { JudgePrompts } from './judge-prompts.js';
import { loadJudgePromptVersion } from './prompt-versions.js';
import { createLlmJudge } from './llm-judge.js';
import type { LlmLimiter } from './llm-limiter.js';
import { createOpenAiClient, createOpenAiCompleter } from './openai-completer.js';

export interface ConfiguredJudgeOptions {
  /** The prompt version to grade with. Default: `JUDGE_PROMPT` (the `default` prompt unless set). */
  prompts?: JudgePrompts;
  /** Told about every HTTP attempt the client retries (for the retries metric). */
  onRetry?: (model: string) => void;
}

/**
 * The LLM judge as configured: one SDK client (key, base URL, timeout, retries), the prompt files, and
 * the process-wide limiter passed in by `compose`.
 */
export function createConfiguredLlmJudge(
  config: Config,
  limiter: LlmLimiter,
  /** Wraps the provider completer, e.g. with the eval harness's reply cache. */
  wrapChat?: (chat: ChatCompleter) => ChatCompleter,
  options: ConfiguredJudgeOptions = {},
): Judge {
  const { onRetry } = options;
  const client = createOpenAiClient({
    apiKey: config.OPENAI_API_KEY,
    baseURL: config.OPENAI_BASE_URL,
    timeoutMs: config.LLM_TIMEOUT_MS,
    maxRetries: config.LLM_MAX_RETRIES,
    ...(onRetry ? { onRetry: () => onRetry(config.JUDGE_MODEL) } : {}),
  });
  return createLlmJudge({
    completer: wrapChat ? wrapChat(createOpenAiCompleter(client)) : createOpenAiCompleter(client),
    model: config.JUDGE_MODEL,
    prompts: options.prompts ?? loadJudgePromptVersion(config.JUDGE_PROMPT),
    limiter,
    responseFormat: config.JUDGE_RESPONSE_FORMAT,
    maxTokens: config.JUDGE_MAX_TOKENS,
  });
}
