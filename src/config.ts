import { z } from 'zod';
import { ConfigError } from './errors.js';

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
  JUDGE_MODEL: withDefault(z.string().min(1), 'gpt-4o-mini'),
  BANK_PATH: opt(z.string()),
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
