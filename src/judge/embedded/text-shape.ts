import { tokenize } from '../../text/tokens.js';

// Separators of a list: commas, semicolons, plus and equals signs, pipes, bullets and line breaks.
const SEPARATOR = /[,;+=|\u2022\n]+/;
const SEPARATOR_CHARS = new Set([...',;+=|\u2022\n'].map((c) => c.charCodeAt(0)));

/**
 * Whether a text is a list of terms rather than prose, judged from its shape alone (so prose in any
 * language reads as prose): five or more separated items, most of whose words sit in items of at most
 * three words ("PSI, KS test, chi-square, ...").
 */
export function isTermList(text: string): boolean {
  // Fewer than four separators cannot make five items: most sentences stop here, untokenized.
  let separators = 0;
  for (let i = 0; i < text.length && separators < 4; i++) if (SEPARATOR_CHARS.has(text.charCodeAt(i))) separators++;
  if (separators < 4) return false;
  // Parts without a word (numbers of a code literal, "{1,2,3}") are not items of a list.
  const parts = text
    .split(SEPARATOR)
    .map((p) => tokenize(p))
    .filter((t) => t.some((w) => /[a-z]/.test(w)))
    .map((t) => t.length);
  if (parts.length < 5) return false;
  const total = parts.reduce((a, b) => a + b, 0);
  const short = parts.filter((n) => n <= 3).reduce((a, b) => a + b, 0);
  return short / total >= 0.6;
}

const NEGATION = new Set(['not', 'no', 'never', 'none', 'nothing', 'neither', 'nor', 'without', 'cannot', 'nobody', 'nowhere']);

/** Count of negating words ("not", "never", "isn't", "without"). */
export function negations(tokens: readonly string[]): number {
  let n = 0;
  for (const t of tokens) if (NEGATION.has(t) || t.endsWith("n't")) n++;
  return n;
}

// Phrases that say the candidate does not know; the words they are made of earn nothing.
const NON_ANSWER =
  /\b(i\s+(?:do\s*n[o']?t|don'?t|really\s+don'?t)\s+know|(?:i'?m|i\s+am)?\s*not\s+sure|no\s+idea|(?:can'?t|cannot|can\s+not|unable\s+to)\s+answer|i\s+(?:have\s*n[o']?t|haven'?t|never)\s+(?:used|worked\s+with|heard\s+of|done)|n\/a|no\s+answer|not\s+answered|(?:do\s*n[o']?t|don'?t|can'?t|cannot)\s+remember|skip(?:ping)?\s+this)\b/gi;

const NON_ANSWER_WORDS = ['know', 'sure', 'idea', 'answer', 'have', 'never', 'n/a', 'remember', 'skip'];

/** The answer with its non-answer phrases removed, and whether it had any. */
export function stripNonAnswer(text: string): { rest: string; found: boolean } {
  // Every phrase holds one of these words: most answers hold none and skip the scan.
  const lower = text.toLowerCase();
  if (!NON_ANSWER_WORDS.some((w) => lower.includes(w))) return { rest: text, found: false };
  let found = false;
  const rest = text.replace(NON_ANSWER, () => ((found = true), ' '));
  return { rest, found };
}
