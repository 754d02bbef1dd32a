import OpenAI, { AzureOpenAI } from 'openai';
import { providerFetch } from './provider-fetch.js';

/** The public OpenAI endpoint, used when no base URL is configured. */
export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/** Default of `LLM_MAX_REPLY_BYTES`: a judge reply is a few KB; a megabyte is already a runaway. */
export const DEFAULT_MAX_REPLY_BYTES = 1_000_000;

export interface OpenAiClientOptions {
  /** Absent for servers that need none (Ollama, vLLM, llama.cpp). */
  apiKey?: string | undefined;
  /** Any OpenAI-compatible `/v1` root (Azure's `/openai/v1` too). Default: the public OpenAI API. */
  baseURL?: string | undefined;
  /**
   * Azure OpenAI's dated API: the resource endpoint, the `api-version`, and the deployment (the judge model
   * setting). When given, the SDK's `AzureOpenAI` client is used: deployment URL, `api-version` query, `api-key`.
   */
  azure?: { endpoint: string; apiVersion: string; deployment: string } | undefined;
  /** Timeout of one HTTP attempt, headers and body together, in milliseconds. */
  timeoutMs: number;
  /** Retries of 408/409/429/5xx, timeouts and connection failures, with the SDK's backoff or the provider's Retry-After. */
  maxRetries: number;
  /** Most bytes read from one reply. Default `DEFAULT_MAX_REPLY_BYTES`. */
  maxReplyBytes?: number;
  /** Sent with every request (`LLM_EXTRA_HEADERS`), e.g. OpenRouter's `HTTP-Referer`. */
  headers?: Record<string, string> | undefined;
  /** Default: `globalThis.fetch`, looked up on every call so an interceptor installed later still applies. */
  fetch?: typeof fetch;
  /** Told about every HTTP attempt beyond the first of one call, i.e. each retry the client makes. */
  onRetry?: (retry: number) => void;
}

/**
 * Build the one SDK client, from configuration only: every option the SDK would otherwise read from
 * `process.env` is passed explicitly, so `src/main.ts` stays the only reader of the environment.
 *
 * @example
 * const client = createOpenAiClient({ baseURL: 'http://127.0.0.1:11434/v1', timeoutMs: 60_000, maxRetries: 2 });
 */
export function createOpenAiClient(options: OpenAiClientOptions): OpenAI {
  const common = {
    timeout: options.timeoutMs,
    maxRetries: options.maxRetries,
    logLevel: 'off' as const,
    organization: null,
    project: null,
    webhookSecret: null,
    ...(options.headers ? { defaultHeaders: options.headers } : {}),
    fetch: providerFetch({
      inner: () => options.fetch ?? globalThis.fetch,
      maxReplyBytes: options.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES,
      ...(options.onRetry ? { onRetry: options.onRetry } : {}),
    }),
  };
  if (options.azure) {
    return new AzureOpenAI({
      ...common,
      // `null`, not undefined: an undefined base URL makes the SDK read OPENAI_BASE_URL from the environment.
      baseURL: null,
      endpoint: options.azure.endpoint,
      apiVersion: options.azure.apiVersion,
      deployment: options.azure.deployment,
      apiKey: options.apiKey ?? 'no-key',
    });
  }
  return new OpenAI({
    ...common,
    // Local servers ignore the key, but the SDK refuses to build a client without one.
    apiKey: options.apiKey ?? 'no-key',
    baseURL: options.baseURL ?? OPENAI_DEFAULT_BASE_URL,
  });
}
