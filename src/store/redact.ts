// Provider errors can echo the credential they were given (e.g. "Incorrect API key provided: sk-..."), and a
// stored request could in principle carry a header. Anything shaped like a credential is masked before it is
// written to the database or a log.
const OPENAI_STYLE_KEY = /\bsk-[A-Za-z0-9_*-]{8,}/g;
const BEARER_TOKEN = /\b(Bearer)\s+[A-Za-z0-9._~+/=-]{8,}/gi;
const KEY_ASSIGNMENT = /\b(api[-_]?key|authorization|x-api-key)(["']?\s*[:=]\s*["']?)(?!Bearer\b|\[redacted\])[^\s"',}]{6,}/gi;

/**
 * Mask anything that looks like an API key or bearer token in `text`.
 *
 * @example redactSecrets('Incorrect API key provided: sk-abc123def456') // 'Incorrect API key provided: [redacted]'
 */
export function redactSecrets(text: string): string {
  return text
    .replace(OPENAI_STYLE_KEY, '[redacted]')
    .replace(BEARER_TOKEN, '$1 [redacted]')
    .replace(KEY_ASSIGNMENT, '$1$2[redacted]');
}

/** `redactSecrets` that passes null through. */
export function redactNullable(text: string | null): string | null {
  return text === null ? null : redactSecrets(text);
}
