import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The seed as committed beside the bank, so the comparison runs in any clone. */
export const SEED_PATH = fileURLToPath(new URL('../../data/seed/000_e66a1cb04280478c.txt', import.meta.url));

export interface SeedQuestion {
  title: string;
  difficulty: string;
  type: string;
  topic: string;
  frequency: string;
  tags: string[];
  answer: string;
  explanation: string;
  followUp: string;
}

/**
 * Parse the seed's plain-text layout independently of the bank code: a title line with the difficulty
 * glued to its end, then `Type`, `Topic`, `Frequency`, `Tags`, `Answer`, `Explanation` blocks and a
 * `Follow-up` line.
 */
export function parseSeed(text: string = readFileSync(SEED_PATH, 'utf8')): SeedQuestion[] {
  const lines = text.split('\n').map((l) => l.trim());
  const out: SeedQuestion[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== 'Type') continue;
    const titleLine = lines.slice(0, i).reverse().find((l) => l.length > 0) ?? '';
    const m = /^(.*?)(easy|medium|hard)$/.exec(titleLine);
    if (!m) throw new Error(`no difficulty on title line: ${titleLine}`);
    const block = (name: string): string => {
      const at = lines.indexOf(name, i);
      const next = lines.slice(at + 1).findIndex((l) => l.length > 0);
      return lines[at + 1 + next] ?? '';
    };
    const followUpLine = lines.slice(i).find((l) => l.startsWith('Follow-up')) ?? '';
    out.push({
      title: m[1] ?? '',
      difficulty: m[2] ?? '',
      type: block('Type'),
      topic: block('Topic'),
      frequency: block('Frequency'),
      tags: block('Tags').split(', '),
      answer: block('Answer'),
      explanation: block('Explanation'),
      followUp: followUpLine.slice('Follow-up'.length),
    });
  }
  return out;
}
