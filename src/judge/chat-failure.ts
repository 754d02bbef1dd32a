/**
 * Why a chat completion could not be had. Any `ChatCompleter` throws this (and only this) for a provider
 * failure, so the LLM judge can turn it into an unscored verdict with the right reason, whatever the
 * provider, cache or fake behind the seam.
 *
 * - `rate-limited`, `unavailable`: 429, 5xx or connection failure after the client's own retries.
 * - `timeout`: the provider did not answer within the timeout, after retries.
 * - `bad-request`: 400/422; with `json_schema` or `json_object` often "this provider does not support it".
 * - `auth`, `not-found`: wrong key, model or base URL; retrying does not help.
 * - `aborted`: the caller's signal fired (the client went away).
 * - `provider-error`: any other status.
 */
export type ChatFailureKind =
  | 'rate-limited'
  | 'unavailable'
  | 'timeout'
  | 'bad-request'
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
    } = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ChatFailure';
  }
}
