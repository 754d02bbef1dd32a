import { z } from 'zod';
import { ConfigError } from './errors.js';
import { PROMPT_NAME_PATTERN } from './judge/llm/prompt-versions.js';
import { issuesLine } from './text/zod-issues.js';

// An empty variable (`PORT=`) means "not set", as a shell user expects.
const unsetIfEmpty = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const opt = <T extends z.ZodType>(s: T) => z.preprocess(unsetIfEmpty, s.optional());
const withDefault = <T extends z.ZodType>(s: T, d: z.util.NoUndefined<z.output<T>>) =>
  z.preprocess(unsetIfEmpty, s.default(d));

// Fields an LLM_EXTRA_BODY must not set: they are the judge's own request, and changing them breaks it.
const RESERVED_BODY_FIELDS = ['model', 'messages', 'stream', 'n', 'response_format', 'tools', 'tool_choice'];

/** A variable holding a JSON object. The value is never echoed in an error: it may hold a credential. */
function jsonObjectVar<T extends z.ZodType>(name: string, shape: T) {
  return z.string().transform((s, ctx): z.output<T> => {
    let json: unknown;
    try {
      json = JSON.parse(s);
    } catch {
      ctx.addIssue({ code: 'custom', message: `${name} must be a JSON object, e.g. {"key": "value"} (it is not valid JSON)` });
      return z.NEVER;
    }
    const r = shape.safeParse(json);
    if (!r.success || typeof json !== 'object' || json === null || Array.isArray(json)) {
      ctx.addIssue({ code: 'custom', message: `${name} must be a JSON object${name === 'LLM_EXTRA_HEADERS' ? ' whose values are strings' : ''}` });
      return z.NEVER;
    }
    const reserved = name === 'LLM_EXTRA_BODY' ? Object.keys(json).filter((k) => RESERVED_BODY_FIELDS.includes(k)) : [];
    if (reserved.length) {
      ctx.addIssue({ code: 'custom', message: `${name} must not set ${reserved.join(', ')}: the judge sets those itself` });
      return z.NEVER;
    }
    return r.data;
  });
}

/** Every environment variable the coach reads, parsed once at start-up. */
export const Env = z.object({
  PORT: withDefault(z.coerce.number().int().min(0).max(65535), 8787),
  HOST: withDefault(z.string(), '127.0.0.1'),
  /** `auto` uses the LLM judge when OPENAI_API_KEY, OPENAI_BASE_URL or AZURE_OPENAI_ENDPOINT is set, else the embedded judge. */
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
  /**
   * Timeout of one HTTP attempt to the provider, headers and body together, in milliseconds. At most 300000:
   * Node's fetch gives up waiting for headers after 300 s whatever the client asks.
   */
  LLM_TIMEOUT_MS: withDefault(
    z.coerce
      .number()
      .int()
      .min(100)
      .max(300_000, "at most 300000 (5 minutes): Node's fetch stops waiting for a reply's headers after 300 s, so a longer timeout could not take effect"),
    60_000,
  ),
  /** Retries of a 408/409/429/5xx/connection failure, with the SDK's backoff (or the provider's Retry-After). */
  LLM_MAX_RETRIES: withDefault(z.coerce.number().int().min(0).max(10), 2),
  /** LLM calls allowed to wait for the limiter; a grade whose two calls would not fit is refused with 503. */
  LLM_QUEUE_MAX: withDefault(z.coerce.number().int().min(0).max(100_000), 32),
  /** Deadline of one whole grade (both orders, repairs, follow-up, queueing); default LLM_TIMEOUT_MS x (retries + 1) plus the SDK's backoff (twice that with LLM_CONCURRENCY=1). */
  LLM_GRADE_TIMEOUT_MS: opt(z.coerce.number().int().min(100).max(3_600_000)),
  /** Most bytes read from one provider reply; a bigger reply is unscored (`reply-too-large`) without being read. */
  LLM_MAX_REPLY_BYTES: withDefault(z.coerce.number().int().min(16_384).max(64_000_000), 1_000_000),
  /** Headers sent with every LLM request, as a JSON object of strings (e.g. OpenRouter's `HTTP-Referer`). */
  LLM_EXTRA_HEADERS: withDefault(jsonObjectVar('LLM_EXTRA_HEADERS', z.record(z.string(), z.string())), {}),
  /** Fields merged into every LLM request body, as a JSON object (OpenRouter's `provider`, Ollama's `options`, vLLM's `chat_template_kwargs`). */
  LLM_EXTRA_BODY: withDefault(jsonObjectVar('LLM_EXTRA_BODY', z.record(z.string(), z.unknown())), {}),
  /** `reasoning_effort` sent to reasoning models; unset sends none. Hidden reasoning tokens count against JUDGE_MAX_TOKENS. */
  JUDGE_REASONING_EFFORT: opt(z.enum(['none', 'minimal', 'low', 'medium', 'high'])),
  /** Azure OpenAI's dated API: the resource endpoint, e.g. https://my-resource.openai.azure.com; JUDGE_MODEL names the deployment. */
  AZURE_OPENAI_ENDPOINT: opt(z.url()),
  /** Key of the Azure OpenAI resource, sent as the `api-key` header. */
  AZURE_OPENAI_API_KEY: opt(z.string()),
  /** Azure's dated `api-version`, e.g. 2024-10-21; required with AZURE_OPENAI_ENDPOINT. */
  OPENAI_API_VERSION: opt(z.string().regex(/^\d{4}-\d{2}-\d{2}(-preview)?$/, 'must be a dated API version such as 2024-10-21')),
  /** On SIGTERM/SIGINT, how long in-flight grades may take to finish before the process exits anyway. */
  SHUTDOWN_GRACE_MS: withDefault(z.coerce.number().int().min(0).max(600_000), 30_000),
  BANK_PATH: opt(z.string()),
  /** Calibration artifact to apply; default `data/calibration/<judge kind>.json` when that file exists. */
  CALIBRATION_PATH: opt(z.string()),
  /** Where the eval harness caches LLM replies; default `evals/cache`. */
  EVAL_CACHE_DIR: opt(z.string()),
  /** SQLite file for sessions, answers and the LLM audit log; `:memory:` keeps nothing. Default `var/coach.db`. */
  DB_PATH: opt(z.string()),
  /**
   * `postgres://user:password@host:port/database`: keep everything in PostgreSQL instead of the SQLite file,
   * so several instances can serve one set of sessions. The password is masked in every log and error.
   */
  DATABASE_URL: opt(z.string().regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// or postgresql:// URL')),
  /**
   * Lease of an answer being graded (ms), renewed while the grade runs: an answer whose instance died
   * mid-grade is finished by another instance this long after its last renewal.
   */
  TURN_LEASE_MS: withDefault(z.coerce.number().int().min(1000).max(600_000), 30_000),
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
  // Security and operations guards (docs/operations.md).
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
  /** Seconds per question of a mock interview when the session does not set its own. */
  MOCK_SECONDS_PER_QUESTION: withDefault(z.coerce.number().int().min(30).max(3600), 240),
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
      `invalid configuration: ${issuesLine(r.error)}`,
    );
  }
  const llmProblems = llmConfigProblems(r.data);
  if (llmProblems.length) throw new ConfigError(`invalid configuration: ${llmProblems.join('; ')}`);
  return r.data;
}

/** Combinations of LLM settings that cannot work, each with what to do instead. */
function llmConfigProblems(c: Config): string[] {
  const problems: string[] = [];
  if (c.AZURE_OPENAI_ENDPOINT && !c.OPENAI_API_VERSION) {
    problems.push('AZURE_OPENAI_ENDPOINT needs OPENAI_API_VERSION (a dated api-version such as 2024-10-21)');
  }
  if (c.AZURE_OPENAI_ENDPOINT && !c.AZURE_OPENAI_API_KEY && !c.OPENAI_API_KEY) {
    problems.push("AZURE_OPENAI_ENDPOINT needs AZURE_OPENAI_API_KEY (the resource's key, sent as api-key)");
  }
  if (c.AZURE_OPENAI_ENDPOINT && c.OPENAI_BASE_URL) {
    problems.push("set AZURE_OPENAI_ENDPOINT (Azure's dated API) or OPENAI_BASE_URL (any /v1 API, Azure's /openai/v1 too), not both");
  }
  if (c.OPENAI_BASE_URL && new URL(c.OPENAI_BASE_URL).search) {
    problems.push(
      'OPENAI_BASE_URL: must not have a query string (the client appends paths to it); for Azure\'s dated API set AZURE_OPENAI_ENDPOINT and OPENAI_API_VERSION instead',
    );
  }
  return problems;
}

/**
 * Deadline of one whole grade: every attempt of a call may time out, plus the SDK's backoff and 1 s. The two
 * orders run side by side, except with LLM_CONCURRENCY=1, where they run one after the other and the
 * deadline is twice as long.
 */
export function gradeTimeoutMs(c: Pick<Config, 'LLM_TIMEOUT_MS' | 'LLM_MAX_RETRIES' | 'LLM_GRADE_TIMEOUT_MS' | 'LLM_CONCURRENCY'>): number {
  if (c.LLM_GRADE_TIMEOUT_MS !== undefined) return c.LLM_GRADE_TIMEOUT_MS;
  let backoff = 0;
  // The SDK waits 0.5 s, 1 s, 2 s ... (at most 8 s) before each retry.
  for (let i = 0; i < c.LLM_MAX_RETRIES; i++) backoff += Math.min(8000, 500 * 2 ** i);
  const inSequence = c.LLM_CONCURRENCY === 1 ? 2 : 1;
  return (c.LLM_TIMEOUT_MS * (c.LLM_MAX_RETRIES + 1) + backoff) * inSequence + 1000;
}

/**
 * Which judge the configuration asks for. `JUDGE=llm` with no LLM configured is an error, not a fallback.
 * `completerGiven`: the caller brings the LLM's completer itself, so no provider settings are needed.
 */
export function judgeKindFor(config: Config, options: { completerGiven?: boolean } = {}): 'embedded' | 'llm' {
  const llmConfigured = Boolean(options.completerGiven || config.OPENAI_API_KEY || config.OPENAI_BASE_URL || config.AZURE_OPENAI_ENDPOINT);
  if (config.JUDGE === 'embedded') return 'embedded';
  if (config.JUDGE === 'llm' && !llmConfigured) {
    throw new ConfigError('JUDGE=llm needs OPENAI_API_KEY or OPENAI_BASE_URL, or AZURE_OPENAI_ENDPOINT for Azure (set one, or use JUDGE=auto or embedded)');
  }
  return llmConfigured ? 'llm' : 'embedded';
}
