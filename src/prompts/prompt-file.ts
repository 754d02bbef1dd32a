import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { issuesLine } from '../text/zod-issues.js';

/** The prompts shipped with the coach. */
export const DEFAULT_PROMPTS_DIR = fileURLToPath(new URL('../../prompts/', import.meta.url));

const PLACEHOLDER = /\{\{\s*([a-zA-Z][a-zA-Z0-9_]*)\s*\}\}/g;

const FrontMatter = z.strictObject({
  description: z.string().min(1),
  variables: z.array(z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]*$/, 'must be an identifier')),
});

/** A prompt template loaded from `prompts/<name>.md`. */
export interface PromptFile {
  readonly name: string;
  readonly description: string;
  /** The variables the file declares; exactly the placeholders its body uses. */
  readonly variables: readonly string[];
  /** sha256 of the whole file, front matter included. */
  readonly hash: string;
  /** The raw file text, for hashing a set of prompts. */
  readonly source: string;
  /**
   * Fill every declared variable. Values are inserted in one pass and never re-scanned, so a value that
   * contains `{{x}}` (say, an answer) stays literal text.
   */
  render(values: Readonly<Record<string, string>>): string;
}

/**
 * Load a prompt by name. The file starts with a front matter block:
 *
 * ```
 * ---
 * description: What the prompt is for
 * variables: question, answer
 * ---
 * Body with {{question}} and {{answer}}.
 * ```
 *
 * A declared variable the body never uses, or a placeholder that is not declared, stops the process at
 * start-up instead of sending a half-filled prompt.
 */
export function loadPrompt(name: string, dir: string = DEFAULT_PROMPTS_DIR): PromptFile {
  const path = join(dir, `${name}.md`);
  let source: string;
  try {
    source = readFileSync(path, 'utf8').replace(/\r\n/g, '\n');
  } catch (err) {
    throw new ConfigError(`prompt ${name}: cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  const m = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(source);
  if (!m) throw new ConfigError(`prompt ${name}: ${path} must start with a --- front matter block ---`);
  const header = parseHeader(name, m[1] ?? '');
  const body = (m[2] ?? '').trim();

  const used = new Set([...body.matchAll(PLACEHOLDER)].map((p) => p[1] ?? ''));
  const declared = new Set(header.variables);
  const undeclared = [...used].filter((v) => !declared.has(v));
  const unused = [...declared].filter((v) => !used.has(v));
  if (undeclared.length || unused.length) {
    const parts = [
      undeclared.length ? `uses undeclared variable(s) ${undeclared.join(', ')}` : '',
      unused.length ? `declares unused variable(s) ${unused.join(', ')}` : '',
    ].filter(Boolean);
    throw new ConfigError(`prompt ${name}: ${parts.join('; ')}`);
  }

  return {
    name,
    description: header.description,
    variables: header.variables,
    hash: createHash('sha256').update(source).digest('hex'),
    source,
    render(values) {
      const missing = header.variables.filter((v) => typeof values[v] !== 'string');
      const extra = Object.keys(values).filter((k) => !declared.has(k));
      if (missing.length || extra.length) {
        throw new TypeError(`prompt ${name}: missing ${missing.join(', ') || 'none'}; unknown ${extra.join(', ') || 'none'}`);
      }
      return body.replace(PLACEHOLDER, (_all, v: string) => values[v] ?? '');
    },
  };
}

function parseHeader(name: string, text: string): z.infer<typeof FrontMatter> {
  const fields: Record<string, unknown> = {};
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const at = line.indexOf(':');
    if (at < 0) throw new ConfigError(`prompt ${name}: front matter line "${line}" is not "key: value"`);
    const key = line.slice(0, at).trim();
    const value = line.slice(at + 1).trim();
    fields[key] =
      key === 'variables'
        ? value
            .replace(/^\[|\]$/g, '')
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : value;
  }
  const r = FrontMatter.safeParse(fields);
  if (!r.success) {
    throw new ConfigError(`prompt ${name}: ${issuesLine(r.error, 'front matter')}`);
  }
  return r.data;
}

/** A short content hash over several prompts (and anything else that shapes the output, e.g. a schema). */
export function versionOf(prefix: string, parts: readonly string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\u0000');
  return `${prefix}-${h.digest('hex').slice(0, 12)}`;
}
