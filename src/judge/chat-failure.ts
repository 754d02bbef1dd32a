/**
 * Why a chat completion could not be had. Any `ChatCompleter` throws this (and only this) for a provider
 * failure, so the LLM judge can turn it into an unscored verdict with the right reason, whatever the
 * provider, cache or fake behind the seam.
 *
 * - `rate-limited`, `unavailable`: 429, 5xx or connection failure after the client's own retries.
 * - `timeout`: the provider did not answer within the timeout, after retries.
 * - `bad-request`: 400/422; with `json_schema` or `json_object` often "this provider does not support it".
 * - `auth`, `not-found`: wrong key, model or base URL; retrying does not help.
 * - `format-unsupported`: a 400/422 (or 5xx) refusing the requested output format: `response_format`,
 *   `json_schema`, a schema keyword or a grammar. The judge steps down its format ladder on this kind only.
 * - `generation-failed`: the model's output failed the provider's own JSON validation (Groq's
 *   `json_validate_failed`); the same request is worth one more try at the same format.
 * - `context-length`: the prompt plus the requested completion do not fit the model's context window.
 * - `reply-too-large`: the reply was over `LLM_MAX_REPLY_BYTES` and was not read.
 * - `aborted`: the caller's signal fired (the client went away).
 * - `provider-error`: any other status.
 */
export type ChatFailureKind =
  | 'rate-limited'
  | 'unavailable'
  | 'timeout'
  | 'bad-request'
  | 'format-unsupported'
  | 'generation-failed'
  | 'context-length'
  | 'reply-too-large'
  | 'auth'
  | 'not-found'
  | 'aborted'
  | 'provider-error';

export class ChatFailure extends Error {
  constructor(
    readonly kind: ChatFailureKind,
    message: string,
    readonly details: {
      /** HTTP status of the provider's last answer, when there was one. */
      status?: number;
      /** Seconds the provider asked callers to wait (`retry-after-ms` or `retry-after`). */
      retryAfterSeconds?: number;
      /** The provider's own error text, masked and bounded, for the audit log (the message is a short gist). */
      providerMessage?: string;
      /** From a context-length error that gave them: the model's context and the prompt's size, in tokens. */
      contextTokens?: number;
      promptTokens?: number;
    } = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ChatFailure';
  }
}
