import { type Sentence, stem } from '../../text/tokens.js';
import { looksLikeManipulation, MANIPULATION_GAP } from '../manipulation-signals.js';
import { alignsExactly, alignsExactlyFrom } from './alignment.js';
import type { AnswerFeatures, PreparedReference } from './features.js';
import { isTermList } from './text-shape.js';

export const FLAG_TEXT: Record<string, string> = {
  'manipulation-attempt': MANIPULATION_GAP,
  'non-answer': 'The answer says it does not know; that scores 1.',
  'keyword-stuffing': 'The answer lists keywords instead of explaining them; it can score 2 at most.',
  'restates-question': 'The answer mostly restates the question; it can score 2 at most.',
  'off-topic': 'Most of the answer is not about the question; it can score 2 at most.',
  'no-content': 'The answer has no content to grade; it scores 1.',
};

export interface CapInput {
  text: string;
  answer: readonly Sentence[];
  prose: readonly boolean[];
  reference: PreparedReference;
  features: AnswerFeatures;
  coverage: number;
  /** The question has an authored rubric (a bank question, or an ad-hoc one that brought its own). */
  rubric: boolean;
}

/**
 * A run of the reference's words with no sentence to hold them: no sentence punctuation, not one word
 * between the terms, and most words are words of the reference or the question ("PSI KS test
 * distribution shift covariate ..."). Prose in another language is never a bag: its words are not the
 * reference's.
 */
function isTermBag(c: CapInput): boolean {
  if (/[.!?]/.test(c.text)) return false;
  const tokens = c.answer.flatMap((s) => s.tokens);
  if (tokens.length < 8 || c.answer.some((s) => s.functionShare > 0)) return false;
  let known = 0;
  for (const t of tokens) {
    const st = stem(t);
    if (c.reference.questionStems.has(st) || alignsExactly(c.reference.target, st) || alignsExactly(c.reference.full, st)) known++;
  }
  return known / tokens.length >= 0.6;
}

/** Weighted share of the reference's words that the answer uses as they are (no WordNet relation, no typo). */
function exactShare(answer: readonly Sentence[], reference: PreparedReference): number {
  const t = reference.target;
  const hit = new Set<number>();
  for (const s of answer) {
    for (const st of s.stems) {
      if (reference.questionStems.has(st) || !alignsExactlyFrom(reference.facts(st), t, st)) continue;
      const i = t.stems.indexOf(st);
      if (i >= 0) hit.add(i);
    }
  }
  let w = 0;
  for (const i of hit) w += t.weights[i] ?? 0;
  return t.totalWeight ? w / t.totalWeight : 0;
}

/**
 * The rules that cap a score whatever the model says, and why. Each fires only on a shape a real answer
 * does not have: the grader addressed, a bare list of terms, nothing but the question's words, most
 * sentences about something else, nothing that aligns with the reference at all.
 */
export function capsOf(c: CapInput): { flags: string[]; scoreCap: number | null } {
  const flags: string[] = [];
  if (looksLikeManipulation(c.text)) flags.push('manipulation-attempt');
  if (c.features.nonAnswer) flags.push('non-answer');
  // Nothing aligning is not enough: graders give "the entire program" for "file scope" some credit. Only an
  // answer with no content word at all, and so nothing that could align, is no answer.
  else if (c.features.nothingAligns && c.features.contentWords === 0) flags.push('no-content');
  else {
    if (isTermList(c.text) || isTermBag(c)) flags.push('keyword-stuffing');
    // A short answer in the question's words is often just right ("the & operator returns the address");
    // a long one that adds nothing the reference has is a restatement.
    const tokens = c.answer.reduce((n, s) => n + s.tokens.length, 0);
    // Both tests below need an authored rubric: against a one-line reference a correct paraphrase shares
    // no word with it, and on the benchmark these tests capped graders' 4s and 5s.
    if (c.rubric && tokens >= 15 && (c.features.values.questionShare ?? 0) >= 0.5 && (c.features.values.recall ?? 0) < 0.12 && c.coverage < 0.25) flags.push('restates-question');
    if (c.rubric && tokens >= 40 && c.coverage <= 0.25 && exactShare(c.answer, c.reference) < 0.1) flags.push('off-topic');
  }
  const one = flags.some((f) => f === 'manipulation-attempt' || f === 'non-answer' || f === 'no-content');
  return { flags, scoreCap: one ? 1 : flags.length ? 2 : null };
}
