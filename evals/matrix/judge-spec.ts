import type { Config } from '../../src/config.js';
import { PROMPT_NAME_PATTERN } from '../../src/judge/llm/prompt-versions.js';
import { UsageError } from '../usage-error.js';

/** One column of a judge matrix: a judge kind, and for the LLM judge a model and a prompt version. */
export interface JudgeSpec {
  kind: 'embedded' | 'llm';
  /** LLM judge: the model id; null takes `JUDGE_MODEL`. */
  model: string | null;
  /** LLM judge: `default` or a folder of prompts/judge/; null takes `JUDGE_PROMPT`. */
  prompt: string | null;
  /** As written on the command line; names the judge's report folder and its column. */
  label: string;
}

/**
 * Parse `--judges embedded,llm:gpt-4o-mini,llm:gpt-5-mini@strict-levels`: comma-separated entries, each
 * `embedded`, `llm` or `llm:MODEL`, optionally `@PROMPT`. A model id may itself contain `:` (Ollama's
 * `llama3.1:8b`), so only the first `:` separates the kind.
 */
export function parseJudgeSpecs(text: string): JudgeSpec[] {
  const entries = text.split(',').map((e) => e.trim()).filter(Boolean);
  if (entries.length < 2) throw new UsageError('--judges needs two judges or more, e.g. --judges embedded,llm:gpt-4o-mini');
  const specs = entries.map((label): JudgeSpec => {
    const [head, prompt, ...extra] = label.split('@');
    if (extra.length || prompt === '') throw new UsageError(`--judges: "${label}" has more than one @PROMPT`);
    if (prompt !== undefined && !PROMPT_NAME_PATTERN.test(prompt)) throw new UsageError(`--judges: "${prompt}" is not a prompt version name`);
    const colon = (head ?? '').indexOf(':');
    const kind = colon < 0 ? head : head?.slice(0, colon);
    const model = colon < 0 ? null : (head?.slice(colon + 1) ?? '');
    if (kind === 'embedded') {
      if (model !== null || prompt !== undefined) throw new UsageError(`--judges: the embedded judge takes no model or prompt ("${label}")`);
      return { kind, model: null, prompt: null, label };
    }
    if (kind !== 'llm') throw new UsageError(`--judges: "${label}" must be embedded, llm, llm:MODEL or llm:MODEL@PROMPT`);
    if (model === '') throw new UsageError(`--judges: "${label}" names no model after llm:`);
    return { kind, model, prompt: prompt ?? null, label };
  });
  const seen = new Set<string>();
  for (const s of specs) {
    if (seen.has(s.label)) throw new UsageError(`--judges: "${s.label}" is listed twice`);
    seen.add(s.label);
  }
  return specs;
}

/** The configuration a judge of the matrix is built from: the run's, with its kind, model and prompt. */
export function configFor(spec: JudgeSpec, config: Config): Config {
  return {
    ...config,
    JUDGE: spec.kind,
    ...(spec.model ? { JUDGE_MODEL: spec.model } : {}),
    ...(spec.prompt ? { JUDGE_PROMPT: spec.prompt } : {}),
  };
}
