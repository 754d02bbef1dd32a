// Provider errors can echo the credential they were given (e.g. "Incorrect API key provided: sk-..."), and a
// stored request could in principle carry a header. Anything shaped like a credential, and the configured
// credential values themselves whatever their shape, is masked before it is written to the database, a log
// line or an error body.
const OPENAI_STYLE_KEY = /\bsk-[A-Za-z0-9_*-]{8,}/g;
const BEARER_TOKEN = /\b(Bearer)\s+[A-Za-z0-9._~+/=-]{8,}/gi;
// The password of a URL such as postgres://coach:secret@db/coach, whatever its length.
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^:@\s/]*:)[^@\s/]+@/gi;
const KEY_ASSIGNMENT = /\b(api[-_]?key|authorization|x-api-key)(["']?\s*[:=]\s*["']?)(?!Bearer\b|\[redacted\])[^\s"',}]{6,}/gi;

/** Shorter values are not masked: a dummy key such as `ollama` also names things that must stay readable. */
export const MIN_SECRET_LENGTH = 8;

// The credentials this process was configured with. A set of values rather than an injected masker: every
// writer of text that leaves the process (store, logger, error bodies) must mask them, and they are known
// only once the configuration is read. Registering is idempotent; a value is never removed.
const configured = new Set<string>();

/**
 * Mask this exact value wherever `redactSecrets` runs from now on (the LLM key, Azure's key, a secret header).
 *
 * @example registerSecret(config.OPENAI_API_KEY)
 */
export function registerSecret(value: string | undefined | null): void {
  const v = value?.trim();
  if (v && v.length >= MIN_SECRET_LENGTH) configured.add(v);
}

/**
 * Mask the configured secrets and anything that looks like an API key or bearer token in `text`.
 *
 * @example redactSecrets('Incorrect API key provided: sk-abc123def456') // 'Incorrect API key provided: [redacted]'
 */
export function redactSecrets(text: string): string {
  let out = text;
  // Longest first, so a secret that contains another is masked whole.
  for (const secret of [...configured].sort((a, b) => b.length - a.length)) {
    if (out.includes(secret)) out = out.split(secret).join('[redacted]');
  }
  return out
    .replace(URL_PASSWORD, '$1[redacted]@')
    .replace(OPENAI_STYLE_KEY, '[redacted]')
    .replace(BEARER_TOKEN, '$1 [redacted]')
    .replace(KEY_ASSIGNMENT, '$1$2[redacted]');
}

/** `redactSecrets` that passes null through. */
export function redactNullable(text: string | null): string | null {
  return text === null ? null : redactSecrets(text);
}

/** A JSON-serialisable value with every string in it masked (a grade, an error body's extra fields). */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redactSecrets(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactDeep(v)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v)])) as T;
  }
  return value;
}
