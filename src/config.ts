import { z } from 'zod';
import { ConfigError } from './errors.js';
import { PROMPT_NAME_PATTERN } from './judge/llm/prompt-versions.js';

// An empty variable (`PORT=`) means "not set", as a shell user expects.
const unsetIfEmpty = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const opt = <T extends z.ZodType>(s: T) => z.preprocess(unsetIfEmpty, s.optional());
const withDefault = <T extends z.ZodType>(s: T, d: z.util.NoUndefined<z.output<T>>) =>
  z.preprocess(unsetIfEmpty, s.default(d));

/** Every environment variable the coach reads, parsed once at start-up. */
export const Env = z.object({
  PORT: withDefault(z.coerce.number().int().min(0).max(65535), 8787),
  HOST: withDefault(z.string(), '127.0.0.1'),
  /** `auto` uses the LLM judge when OPENAI_API_KEY or OPENAI_BASE_URL is set, else the embedded judge. */
  JUDGE: withDefault(z.enum(['auto', 'embedded', 'llm']), 'auto'),
  OPENAI_API_KEY: opt(z.string()),
  OPENAI_BASE_URL: opt(z.url()),
  /** Judge model id. gpt-4o-mini: cheap, supports json_schema output, and is not a model that wrote the answers. */
  JUDGE_MODEL: withDefault(z.string().min(1), 'gpt-4o-mini'),
  /** How the judge asks for JSON. `auto` starts with json_schema and steps down on a provider's 400. */
  JUDGE_RESPONSE_FORMAT: withDefault(z.enum(['auto', 'json_schema', 'json_object', 'text']), 'auto'),
  /** Completion token limit of one judge call; a reply cut off at it is repaired once, then unscored. */
  JUDGE_MAX_TOKENS: withDefault(z.coerce.number().int().min(256).max(32_000), 1500),
  /** Most LLM calls in flight at once across all grades; the rest queue. */
  LLM_CONCURRENCY: withDefault(z.coerce.number().int().min(1).max(256), 4),
  /** Timeout of one HTTP attempt to the provider, in milliseconds. */
  LLM_TIMEOUT_MS: withDefault(z.coerce.number().int().min(100).max(600_000), 60_000),
  /** Retries of a 408/409/429/5xx/connection failure, with the SDK's backoff (or the provider's Retry-After). */
  LLM_MAX_RETRIES: withDefault(z.coerce.number().int().min(0).max(10), 2),
  /** LLM calls allowed to wait for the limiter; a grade whose two calls would not fit is refused with 503. */
  LLM_QUEUE_MAX: withDefault(z.coerce.number().int().min(0).max(100_000), 32),
  /** On SIGTERM/SIGINT, how long in-flight grades may take to finish before the process exits anyway. */
  SHUTDOWN_GRACE_MS: withDefault(z.coerce.number().int().min(0).max(600_000), 30_000),
  BANK_PATH: opt(z.string()),
  /** Calibration artifact to apply; default `data/calibration/<judge kind>.json` when that file exists. */
  CALIBRATION_PATH: opt(z.string()),
  /** Where the eval harness caches LLM replies; default `evals/cache`. */
  EVAL_CACHE_DIR: opt(z.string()),
  /** SQLite file for sessions, answers and the LLM audit log; `:memory:` keeps nothing. Default `var/coach.db`. */
  DB_PATH: opt(z.string()),
  /** Comma-separated bearer keys; when set, the API requires one. */
  API_KEYS: withDefault(
    z.string().transform((s) => s.split(',').map((k) => k.trim()).filter(Boolean)),
    [],
  ),
  RATE_LIMIT_PER_MIN: withDefault(z.coerce.number().int().positive(), 30),
  RATE_LIMIT_READS_PER_MIN: withDefault(z.coerce.number().int().positive(), 600),
  /** Comma-separated origins allowed to call the API from a browser (CORS). */
  CORS_ORIGINS: withDefault(
    z.string().transform((s) => s.split(',').map((k) => k.trim()).filter(Boolean)),
    [],
  ),
  /** Take the client address from X-Forwarded-For (only behind a proxy you run). */
  TRUST_PROXY: withDefault(z.stringbool(), false),
  // Security and operations guards (README "Security and operations").
  /**
   * Host names served, comma-separated, any port; `*` serves every Host. Unset with a loopback HOST:
   * localhost, 127.0.0.1 and [::1]. Unset with any other HOST is a start-up error (DNS rebinding).
   */
  ALLOWED_HOSTS: withDefault(
    z.string().transform((s) => s.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean)),
    [],
  ),
  /** Bearer token that may read GET /metrics (as may any API key); with neither set, /metrics is open. */
  METRICS_TOKEN: opt(z.string().regex(/^[\x21-\x7e]{16,}$/, 'must be at least 16 visible ASCII characters, no spaces')),
  /** Failed authentications per minute one client address may make before it gets 429s. */
  AUTH_FAILURES_PER_MIN: withDefault(z.coerce.number().int().positive(), 10),
  /** IPv6 clients are rate limited per network of this prefix length (one end site is usually a /64). */
  RATE_LIMIT_IPV6_PREFIX: withDefault(z.coerce.number().int().min(32).max(128), 64),
  /**
   * Longest a database statement waits, blocking the server, for a lock another process holds (ms). Default 0:
   * writes retry with awaited pauses instead, then answer 503 with Retry-After.
   */
  DB_BUSY_TIMEOUT_MS: withDefault(z.coerce.number().int().min(0).max(5000), 0),
  /** Judge prompt version that serves (variant A): `default` (the files in prompts/) or a folder of prompts/judge/. */
  JUDGE_PROMPT: withDefault(z.string().regex(PROMPT_NAME_PATTERN, 'must be a prompt version name (a-z, 0-9, -)'), 'default'),
  /** Candidate prompt version (variant B) for an A/B test or shadow mode; unset runs no experiment. */
  JUDGE_PROMPT_B: opt(z.string().regex(PROMPT_NAME_PATTERN, 'must be a prompt version name (a-z, 0-9, -)')),
  /** Share of sessions (and API requests) graded by variant B, from 0 to 1. */
  JUDGE_AB_SHARE: withDefault(z.coerce.number().min(0).max(1), 0),
  /** Variant B also grades, in the background and unseen, every answer variant A serves. */
  JUDGE_SHADOW: withDefault(z.stringbool(), false),
  /** Drift baseline: the first N scored grades of each prompt version. */
  DRIFT_BASELINE_SIZE: withDefault(z.coerce.number().int().min(20).max(100_000), 200),
  /** Drift window: the latest N scored grades after the baseline. */
  DRIFT_WINDOW_SIZE: withDefault(z.coerce.number().int().min(20).max(100_000), 200),
  /** Per-question drift: baseline and window of N scored grades of that question each. */
  DRIFT_QUESTION_SIZE: withDefault(z.coerce.number().int().min(20).max(100_000), 100),
});
export type Config = z.infer<typeof Env>;

/** Parse the environment, or fail with every bad variable named. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const r = Env.safeParse(env);
  if (!r.success) {
    throw new ConfigError(
      `invalid configuration: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return r.data;
}

/** Which judge the configuration asks for. `JUDGE=llm` with no LLM configured is an error, not a fallback. */
export function judgeKindFor(config: Config): 'embedded' | 'llm' {
  const llmConfigured = Boolean(config.OPENAI_API_KEY || config.OPENAI_BASE_URL);
  if (config.JUDGE === 'embedded') return 'embedded';
  if (config.JUDGE === 'llm' && !llmConfigured) {
    throw new ConfigError('JUDGE=llm needs OPENAI_API_KEY or OPENAI_BASE_URL (set one, or use JUDGE=auto or embedded)');
  }
  return llmConfigured ? 'llm' : 'embedded';
}
