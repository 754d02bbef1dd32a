import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../errors.js';
import { Bank } from './schema.js';
import { issuesLine } from '../text/zod-issues.js';

/** The bank shipped with the coach. */
export const DEFAULT_BANK_PATH = fileURLToPath(new URL('../../data/questions.json', import.meta.url));

/**
 * Read and validate a question bank file. A bank that does not match the schema stops the process with
 * every problem listed, rather than serving a half-valid bank.
 */
export function loadBank(path: string = DEFAULT_BANK_PATH): Bank {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`question bank ${path}: ${(err as Error).message}`, { cause: err });
  }
  const parsed = Bank.safeParse(json);
  if (!parsed.success) {
    const issues = issuesLine(parsed.error);
    throw new ConfigError(`question bank ${path} is invalid: ${issues}`);
  }
  const ids = new Set<string>();
  for (const q of parsed.data.questions) {
    if (ids.has(q.id)) throw new ConfigError(`question bank ${path}: duplicate id ${q.id}`);
    ids.add(q.id);
  }
  return parsed.data;
}
