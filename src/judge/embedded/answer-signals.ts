import type { Sentence } from '../../text/tokens.js';

/**
 * Whether a sentence reads as prose rather than a bag of keywords. A list is prose when it is joined like
 * one ("latency, errors, and business metrics"); a run of terms with no function words is not.
 */
export function isProse(s: Sentence): boolean {
  if (s.tokens.length < 3) return s.functionShare > 0;
  if (s.functionShare >= 0.12) return true;
  return s.functionShare > 0 && /\b(and|or)\b/.test(s.text.toLowerCase()) && s.tokens.length <= 30;
}

export interface AnswerShape {
  tokens: number;
  /** Content stems the answer adds beyond the words of the question. */
  novelStems: number;
  /** Share of the answer's content stems that come from the question. */
  questionShare: number;
  /** Share of tokens that sit in prose sentences. */
  proseShare: number;
}

export function shapeOf(answer: readonly Sentence[], prose: readonly boolean[], questionStems: ReadonlySet<string>): AnswerShape {
  let tokens = 0;
  let proseTokens = 0;
  const stems = new Set<string>();
  answer.forEach((s, i) => {
    tokens += s.tokens.length;
    if (prose[i]) proseTokens += s.tokens.length;
    for (const st of s.stems) stems.add(st);
  });
  let fromQuestion = 0;
  for (const st of stems) if (questionStems.has(st)) fromQuestion++;
  return {
    tokens,
    novelStems: stems.size - fromQuestion,
    questionShare: stems.size ? fromQuestion / stems.size : 0,
    proseShare: tokens ? proseTokens / tokens : 0,
  };
}

/** Sentences that touch the question at all: they match a key point or share words with the reference. */
export function relevantShare(answer: readonly Sentence[], matched: ReadonlySet<number>, reference: ReadonlySet<string>): number {
  if (answer.length === 0) return 0;
  let relevant = 0;
  answer.forEach((s, i) => {
    let shared = 0;
    for (const st of s.stems) if (reference.has(st)) shared++;
    if (matched.has(i) || shared >= 2) relevant++;
  });
  return relevant / answer.length;
}
