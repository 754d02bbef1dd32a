import type OpenAI from 'openai';
import { type Config, gradeTimeoutMs } from '../../config.js';
import { registerSecret } from '../../store/redact.js';
import type { ChatCompleter } from '../chat.js';
import type { Judge } from '../judge.js';
import type { JudgePrompts } from './judge-prompts.js';
import { loadJudgePromptVersion } from './prompt-versions.js';
import { createLlmJudge } from './llm-judge.js';
import type { LlmLimiter } from './llm-limiter.js';
import { createOpenAiCompleter } from './openai-completer.js';
import { createOpenAiClient } from './provider-client.js';

export interface ConfiguredJudgeOptions {
  /** The prompt version to grade with. Default: `JUDGE_PROMPT` (the `default` prompt unless set). */
  prompts?: JudgePrompts;
  /** Told about every HTTP attempt the client retries (for the retries metric). */
  onRetry?: (model: string) => void;
  /** Default: `globalThis.fetch`, looked up on every call. */
  fetch?: typeof fetch;
  /** A completer instead of the configured provider's (no SDK client is built). */
  completer?: ChatCompleter;
}

// Header names whose values are credentials: they are masked like the key.
const SECRET_HEADER = /auth|key|token|secret|cookie|password/i;

/**
 * The one SDK client of a configuration (OpenAI-compatible, or Azure's dated API), with the configured
 * credentials registered for masking before any request is made. The judge's live calls and the eval
 * harness's Batch API both use it.
 */
export function clientFromConfig(config: Config, options: Pick<ConfiguredJudgeOptions, 'onRetry' | 'fetch'> = {}): OpenAI {
  const { onRetry } = options;
  const azure = config.AZURE_OPENAI_ENDPOINT;
  const apiKey = azure ? (config.AZURE_OPENAI_API_KEY ?? config.OPENAI_API_KEY) : config.OPENAI_API_KEY;
  registerSecret(config.OPENAI_API_KEY);
  registerSecret(config.AZURE_OPENAI_API_KEY);
  for (const [name, value] of Object.entries(config.LLM_EXTRA_HEADERS)) if (SECRET_HEADER.test(name)) registerSecret(value);
  return createOpenAiClient({
    apiKey,
    baseURL: config.OPENAI_BASE_URL,
    azure: azure ? { endpoint: azure, apiVersion: config.OPENAI_API_VERSION ?? '', deployment: config.JUDGE_MODEL } : undefined,
    timeoutMs: config.LLM_TIMEOUT_MS,
    maxRetries: config.LLM_MAX_RETRIES,
    maxReplyBytes: config.LLM_MAX_REPLY_BYTES,
    headers: Object.keys(config.LLM_EXTRA_HEADERS).length ? config.LLM_EXTRA_HEADERS : undefined,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(onRetry ? { onRetry: () => onRetry(config.JUDGE_MODEL) } : {}),
  });
}

/**
 * The LLM judge as configured: one SDK client (OpenAI-compatible, or Azure's dated API), the prompt files,
 * the per-grade deadline, and the process-wide limiter passed in by `compose`. The configured credentials
 * are registered for masking before any request is made.
 */
export function createConfiguredLlmJudge(
  config: Config,
  limiter: LlmLimiter,
  /** Wraps the provider completer, e.g. with the eval harness's reply cache. */
  wrapChat?: (chat: ChatCompleter) => ChatCompleter,
  options: ConfiguredJudgeOptions = {},
): Judge {
  const completer =
    options.completer ?? createOpenAiCompleter(clientFromConfig(config, options), { extraBody: config.LLM_EXTRA_BODY, reasoningEffort: config.JUDGE_REASONING_EFFORT });
  return createLlmJudge({
    completer: wrapChat ? wrapChat(completer) : completer,
    model: config.JUDGE_MODEL,
    prompts: options.prompts ?? loadJudgePromptVersion(config.JUDGE_PROMPT),
    limiter,
    responseFormat: config.JUDGE_RESPONSE_FORMAT,
    maxTokens: config.JUDGE_MAX_TOKENS,
    gradeTimeoutMs: gradeTimeoutMs(config),
  });
}
