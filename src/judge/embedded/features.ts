import type { Sentence } from '../../text/tokens.js';
import { contentStems, sentences, stem, tokenize } from '../../text/tokens.js';
import { alignScratch } from './align-scratch.js';
import { type AlignDeps, type AlignTarget, align, alignTarget, type StemFactsOf, stemFactsOf, stemsWithSurface, weightedPrecision, weightedRecall } from './alignment.js';
import { charGrams, type Grams, gramCosineWith } from './char-grams.js';
import { negations, stripNonAnswer } from './text-shape.js';

/** Similarity features that also get hinge terms max(0, x - t). */
export const SIMILARITY_FEATURES = ['recall', 'precision', 'symmetric', 'charCosine', 'coverage'] as const;
export const HINGE_KNOTS = [0.25, 0.5, 0.75] as const;

export const BASE_FEATURES = [
  ...SIMILARITY_FEATURES,
  // No feature of length: on both datasets it added nothing (cross-validated), and padding must earn nothing.
  'unaligned',
  'referenceLength',
  'negationMismatch',
  'nonAnswer',
  'questionShare',
  'recallWithQuestion',
  'rubric',
] as const;

/** Products with `rubric`: what an authored rubric's coverage and alignment are worth may differ. */
export const RUBRIC_INTERACTIONS = [...SIMILARITY_FEATURES, ...SIMILARITY_FEATURES.flatMap((f) => HINGE_KNOTS.map((t) => `${f}>${t}`))];

/** Every feature the judge computes, in a fixed order: the base features, then the hinges. */
export const ALL_FEATURES: readonly string[] = [
  ...BASE_FEATURES,
  ...SIMILARITY_FEATURES.flatMap((f) => HINGE_KNOTS.map((t) => `${f}>${t}`)),
  ...RUBRIC_INTERACTIONS.map((f) => `rubric*${f}`),
];

// The names of the hinge and interaction features, built once rather than on every grade, each with the
// index of what it is computed from (a similarity feature; for an interaction, the similarities then the
// hinges, in RUBRIC_INTERACTIONS order).
const HINGES = SIMILARITY_FEATURES.flatMap((f, i) => HINGE_KNOTS.map((t) => [i, t, `${f}>${t}`] as const));
const INTERACTIONS = RUBRIC_INTERACTIONS.map((f, i) => [i, `rubric*${f}`] as const);

/**
 * The n-gram cosine reads the first this many characters of an answer: no answer the weights were fitted
 * on is longer (979 characters at most), and it bounds the cost of grading a very long answer.
 */
export const GRAM_CHARS = 1200;

/** The reference side of a question, made ready once. */
export interface PreparedReference {
  questionStems: ReadonlySet<string>;
  target: AlignTarget;
  /** The reference's words including those of the question. */
  full: AlignTarget;
  grams: Grams;
  /** Content words of the reference side, for the length features. */
  contentTokens: number;
  negated: boolean;
  /** Each answer stem's weight and links into `target` and `full`, found once per question. */
  facts: StemFactsOf;
}

export interface ReferenceText {
  question: string;
  /** Reference answer, plus (bank questions) the rubric's key-point statements. */
  reference: string;
  /** Demote words of the question (they earn nothing); on by default, off only to measure what it adds. */
  demoteQuestion?: boolean;
}

export function prepareReference(r: ReferenceText, deps?: AlignDeps): PreparedReference {
  const questionStems = new Set(r.demoteQuestion === false ? [] : contentStems(r.question));
  const sents = sentences(r.reference);
  const all = stemsWithSurface(sents);
  let kept = stemsWithSurface(sents, (s) => !questionStems.has(s));
  // A reference made only of the question's words ("a queue" for "Is a queue FIFO?") is still a
  // reference: keep its words then.
  if (kept.size === 0) kept = all;
  const target = alignTarget(kept, deps);
  const full = alignTarget(all, deps);
  return {
    questionStems,
    target,
    full,
    facts: stemFactsOf(target, full, deps),
    grams: charGrams(r.reference),
    contentTokens: contentStems(r.reference).length,
    negated: negations(tokenize(r.reference)) > 0,
  };
}

export interface AnswerFeatures {
  values: Record<string, number>;
  /** True when the answer says it does not know and has nothing else: it scores 1. */
  nonAnswer: boolean;
  /** True when no word of the answer aligns with the reference or is a word of the question. */
  nothingAligns: boolean;
  /** Content words of the answer (its words less function words). */
  contentWords: number;
}

/**
 * The answer's content stems less the question's, each with a word as written. A hyphenated word also
 * counts joined up ("re-usability" is "reusability").
 */
export function answerStems(text: string, answer: readonly Sentence[], questionStems: ReadonlySet<string>): Map<string, string> {
  const out = stemsWithSurface(answer, (s) => !questionStems.has(s));
  if (!text.includes('-')) return out;
  for (const m of text.toLowerCase().matchAll(/\b([a-z]+)-([a-z]+)\b/g)) {
    const joined = `${m[1]}${m[2]}`;
    const st = stem(joined);
    if (!questionStems.has(st) && !out.has(st)) out.set(st, joined);
  }
  return out;
}

// One set of buffers for each of the two alignments of an answer: the first is read after the second.
const SCRATCH_TARGET = alignScratch();
const SCRATCH_FULL = alignScratch();

export function answerFeatures(
  ref: PreparedReference,
  text: string,
  answer: readonly Sentence[],
  /** Key-point coverage, whether the rubric is authored, and (when known) whether each sentence negates. */
  points: { coverage: number; rubric: boolean; negated?: readonly boolean[] },
  deps?: AlignDeps,
): AnswerFeatures {
  const written = answerStems(text, answer, ref.questionStems);
  const stems = [...written.keys()];
  const a = align(ref.target, stems, deps, written, { of: ref.facts, side: 'target' }, SCRATCH_TARGET);
  const recall = weightedRecall(ref.target, a);
  const precision = weightedPrecision(a);
  let answerWeight = 0;
  let answerAligned = 0;
  let unaligned = 0;
  a.answer.forEach((v, j) => {
    answerWeight += a.answerWeights[j] ?? 0;
    answerAligned += v * (a.answerWeights[j] ?? 0);
    if (v === 0) unaligned++;
  });
  const symmetric = ref.target.totalWeight + answerWeight ? (recall * ref.target.totalWeight + answerAligned) / (ref.target.totalWeight + answerWeight) : 0;
  const content = answer.reduce((n, s) => n + s.stems.size, 0);
  const stripped = stripNonAnswer(text);
  const rest = stripped.found ? contentStems(stripped.rest).filter((s) => !ref.questionStems.has(s)) : [];
  const nonAnswer = stripped.found && rest.length <= 2;
  const negated = points.negated ? points.negated.includes(true) : answer.some((s) => negations(s.tokens) > 0);
  const values: Record<string, number> = {
    recall,
    precision,
    symmetric,
    charCosine: gramCosineWith(text, ref.grams, GRAM_CHARS),
    unaligned: stems.length ? unaligned / stems.length : 1,
    referenceLength: Math.log1p(ref.contentTokens),
    negationMismatch: negated !== ref.negated ? 1 : 0,
    nonAnswer: nonAnswer ? 1 : 0,
    coverage: points.coverage,
    rubric: points.rubric ? 1 : 0,
  };
  const distinct = new Set<string>();
  for (const s of answer) for (const st of s.stems) distinct.add(st);
  let fromQuestion = 0;
  for (const st of distinct) if (ref.questionStems.has(st)) fromQuestion++;
  values.questionShare = distinct.size ? fromQuestion / distinct.size : 0;
  values.recallWithQuestion = weightedRecall(ref.full, align(ref.full, [...distinct], deps, written, { of: ref.facts, side: 'full' }, SCRATCH_FULL));
  // Read from a plain array rather than by name from the record: one slow keyed load fewer per feature.
  const from = SIMILARITY_FEATURES.map((f) => values[f] ?? 0);
  for (const [i, t, name] of HINGES) from.push((values[name] = Math.max(0, (from[i] ?? 0) - t)));
  const rubric = values.rubric ?? 0;
  for (const [i, name] of INTERACTIONS) values[name] = rubric * (from[i] ?? 0);
  // Nothing aligns: no word of the answer relates to the reference, and none is even a word of the question.
  const touchesQuestion = fromQuestion > 0;
  return { values, nonAnswer, nothingAligns: !touchesQuestion && !a.answer.some((v) => v > 0), contentWords: content };
}
