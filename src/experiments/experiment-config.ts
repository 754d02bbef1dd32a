import type { Config } from '../config.js';
import { ConfigError } from '../errors.js';

/** A prompt experiment as configured: the candidate prompt (variant B), its share of traffic, shadow mode. */
export interface ExperimentConfig {
  /** Prompt version of variant A: what serves everyone not in B. */
  promptA: string;
  /** Prompt version of variant B, the candidate. */
  promptB: string;
  /** Share of sessions and API requests served by B, 0..1. */
  share: number;
  /** B also grades, unseen, every answer A serves. */
  shadow: boolean;
}

type ExperimentEnv = Pick<Config, 'JUDGE_PROMPT' | 'JUDGE_PROMPT_B' | 'JUDGE_AB_SHARE' | 'JUDGE_SHADOW'>;

/**
 * The prompt experiment the configuration asks for, or null for none. Settings that cannot work stop the
 * start instead of running a different experiment than the operator meant: a candidate prompt with the
 * embedded judge (it has no prompt), a share or shadow mode without a candidate, or a candidate that would
 * grade nothing.
 */
export function experimentFromConfig(config: ExperimentEnv, judgeKind: 'embedded' | 'llm'): ExperimentConfig | null {
  if (judgeKind === 'embedded' && config.JUDGE_PROMPT !== 'default') {
    throw new ConfigError(`JUDGE_PROMPT=${config.JUDGE_PROMPT} needs the LLM judge: the embedded judge has no prompt`);
  }
  const b = config.JUDGE_PROMPT_B;
  const share = config.JUDGE_AB_SHARE;
  const shadow = config.JUDGE_SHADOW;
  if (b === undefined) {
    if (share > 0 || shadow) {
      throw new ConfigError(`${share > 0 ? 'JUDGE_AB_SHARE' : 'JUDGE_SHADOW'} needs JUDGE_PROMPT_B, the candidate prompt version to test`);
    }
    return null;
  }
  if (judgeKind === 'embedded') {
    throw new ConfigError(
      'JUDGE_PROMPT_B needs the LLM judge: the embedded judge has no prompt to vary (set OPENAI_API_KEY or OPENAI_BASE_URL, or unset JUDGE_PROMPT_B)',
    );
  }
  if (share === 0 && !shadow) {
    throw new ConfigError('JUDGE_PROMPT_B is set but would grade nothing: set JUDGE_AB_SHARE above 0, JUDGE_SHADOW=true, or both');
  }
  return { promptA: config.JUDGE_PROMPT, promptB: b, share, shadow };
}

/** One line for the start-up log. */
export function describeExperiment(e: ExperimentConfig | null): string {
  if (!e) return 'no prompt experiment';
  const parts = [
    e.share > 0 ? `B serves ${Math.round(e.share * 1000) / 10}% of sessions and API requests` : 'B serves nobody',
    e.shadow ? 'B shadow-grades every answer A serves' : '',
  ].filter(Boolean);
  return `prompt experiment: A=${e.promptA}, B=${e.promptB}; ${parts.join('; ')}`;
}
