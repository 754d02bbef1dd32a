import { isLetter, isListSeparator as isSeparator, isQuote, isWordChar, listSeparators } from '../../text/tokens.js';

/**
 * Whether a text is a list of terms rather than prose, judged from its shape alone (so prose in any
 * language reads as prose): five or more separated items, most of whose words sit in items of at most
 * three words ("PSI, KS test, chi-square, ..."). An item's words are its tokens as `tokenize` makes
 * them, counted in one scan of the text rather than by splitting and tokenizing each item.
 */
export function isTermList(text: string): boolean {
  // Fewer than four separators cannot make five items: most sentences stop here, untokenized.
  if (listSeparators(text, 4) < 4) return false;
  const lower = text.toLowerCase();
  const n = lower.length;
  let items = 0;
  let total = 0;
  let short = 0;
  let words = 0;
  let lettered = false;
  // Parts without a word (numbers of a code literal, "{1,2,3}") are not items of a list.
  const endItem = () => {
    if (lettered) {
      items++;
      total += words;
      if (words <= 3) short += words;
    }
    words = 0;
    lettered = false;
  };
  let i = 0;
  while (i < n) {
    const c = lower.charCodeAt(i);
    if (isSeparator(c)) {
      endItem();
      i++;
      continue;
    }
    if (!isWordChar(c)) {
      i++;
      continue;
    }
    // A token: a run of a-z0-9, with an apostrophe and letters after it kept (see tokenize).
    words++;
    for (; i < n && isWordChar(lower.charCodeAt(i)); i++) if (isLetter(lower.charCodeAt(i))) lettered = true;
    if (i + 1 < n && isQuote(lower.charCodeAt(i)) && isLetter(lower.charCodeAt(i + 1))) {
      lettered = true;
      for (i += 2; i < n && isLetter(lower.charCodeAt(i)); i++);
    }
  }
  endItem();
  if (items < 5) return false;
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
