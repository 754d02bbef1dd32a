import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../errors.js';
import { DEFAULT_PROMPTS_DIR } from '../../prompts/prompt-file.js';
import { JUDGE_PROMPT_FILES, type JudgePrompts, loadJudgePrompts } from './judge-prompts.js';

/** The judge prompt in `prompts/` itself: what serves unless configured otherwise. */
export const DEFAULT_PROMPT_NAME = 'default';

/** A prompt version's name: its folder under `prompts/judge/`. */
export const PROMPT_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}$/;

/** Folder holding the other versions of the judge prompt, one sub-folder each. */
export function versionsDir(root: string = DEFAULT_PROMPTS_DIR): string {
  return join(root, 'judge');
}

/** Names of every judge prompt version: `default`, then the folders of `prompts/judge/` in name order. */
export function promptVersionNames(root: string = DEFAULT_PROMPTS_DIR): string[] {
  const dir = versionsDir(root);
  const others = existsSync(dir)
    ? readdirSync(dir)
        .filter((n) => PROMPT_NAME_PATTERN.test(n) && n !== DEFAULT_PROMPT_NAME && statSync(join(dir, n)).isDirectory())
        .sort()
    : [];
  return [DEFAULT_PROMPT_NAME, ...others];
}

/**
 * Load one version of the judge prompt by name. `default` is the files of `prompts/`; any other name is a
 * folder `prompts/judge/<name>/` holding only the files that differ (say, `judge-system.md`): the rest
 * come from `prompts/`. Its `version` hashes the files it ends up with, so two names with the same
 * content share a version, and a change to a shared file changes every version that uses it.
 *
 * @example
 * loadJudgePromptVersion('strict-levels').version; // 'judge-1a2b3c4d5e6f'
 */
export function loadJudgePromptVersion(name: string, root: string = DEFAULT_PROMPTS_DIR): JudgePrompts {
  if (name === DEFAULT_PROMPT_NAME) return loadJudgePrompts(root, { name });
  const known = promptVersionNames(root);
  if (!PROMPT_NAME_PATTERN.test(name) || !known.includes(name)) {
    throw new ConfigError(`prompt version "${name}": no folder ${join(versionsDir(root), name)}; known versions: ${known.join(', ')}`);
  }
  const dir = join(versionsDir(root), name);
  const stray = readdirSync(dir).filter((f) => f.endsWith('.md') && !(JUDGE_PROMPT_FILES as readonly string[]).includes(f.slice(0, -3)));
  // A misspelt file name would otherwise be silently ignored and the version would equal the default.
  if (stray.length) {
    throw new ConfigError(`prompt version "${name}": ${stray.join(', ')} is not a judge prompt file (${JUDGE_PROMPT_FILES.map((f) => `${f}.md`).join(', ')})`);
  }
  return loadJudgePrompts(root, { name, overrides: dir });
}
