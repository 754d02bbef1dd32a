/**
 * Whether two questions ask the same thing, by the words they share. Words are lower-cased, question
 * words and other function words dropped, and a plural `s` removed; the measure is Jaccard's (shared words
 * over all words). At `SAME_QUESTION_THRESHOLD` (0.5) "What is concept drift?" and "What is concept drift
 * and how do you handle it?" are the same question (2 of 3 words), "What is data drift?" and "What is
 * concept drift?" are not (1 of 3).
 */
export const SAME_QUESTION_THRESHOLD = 0.5;

const STOP = new Set(
  'a an and are as at be between by can do does for from how i if in is it its of on or should the their them this to use used using we what when where which who why will with would you your'.split(' '),
);

export function contentWords(text: string): Set<string> {
  const words = text.toLowerCase().match(/[a-z0-9]+(?:-[a-z0-9]+)*/g) ?? [];
  return new Set(words.filter((w) => !STOP.has(w)).map((w) => (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w)));
}

/** Jaccard similarity of the content words of two texts, 0..1 (0 when either has none). */
export function similarity(a: string, b: string): number {
  const x = contentWords(a);
  const y = contentWords(b);
  if (x.size === 0 || y.size === 0) return 0;
  let shared = 0;
  for (const w of x) if (y.has(w)) shared++;
  return shared / (x.size + y.size - shared);
}

export const asksTheSame = (a: string, b: string) => similarity(a, b) >= SAME_QUESTION_THRESHOLD;
