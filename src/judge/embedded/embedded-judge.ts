import type { KeyPointResult } from '../../grading/grade-schema.js';
import { roundScore } from '../../grading/levels.js';
import { contentStems, sentences } from '../../text/tokens.js';
import type { GradingTask, Judge, JudgeVerdict } from '../judge.js';
import { looksLikeManipulation } from '../manipulation-signals.js';
import { isProse, relevantShare, shapeOf } from './answer-signals.js';
import { type CompiledKeyPoint, compileKeyPoints, matchKeyPoint, pairStems, rubricKeyPoints } from './key-points.js';

/** Bumped whenever a rule or constant below changes, so calibrations fitted on older rules go stale. */
export const EMBEDDED_RULES_VERSION = 'lexical-2';
export const EMBEDDED_MODEL = 'embedded-lexical';

// How much of the score comes from rubric coverage versus overlap with the reference answer.
const COVERAGE_WEIGHT = 0.8;
// Share of the reference's content words that a complete answer typically repeats; more earns nothing.
const REFERENCE_RECALL_FULL = 0.5;

const FLAG_TEXT: Record<string, string> = {
  'manipulation-attempt': 'The answer addresses the grader instead of the question; that scores 1.',
  'keyword-stuffing': 'The answer lists keywords instead of explaining them; it can score 2 at most.',
  'restates-question': 'The answer mostly restates the question; it can score 2 at most.',
  'off-topic': 'Most of the answer is not about the question; it can score 2 at most.',
  'no-content': 'The answer has no content to grade.',
};

/**
 * The offline judge: deterministic, no network, no model. It scores how many of the rubric's key points
 * the answer makes, each within one or two sentences of prose, plus how much of the reference answer it
 * covers. Answers that stuff keywords, restate the question, wander off topic or address the grader are
 * capped, so length or vocabulary alone earns nothing.
 */
export function createEmbeddedJudge(): Judge {
  return {
    kind: 'embedded',
    model: EMBEDDED_MODEL,
    promptVersion: EMBEDDED_RULES_VERSION,
    evaluate: async (task) => evaluateEmbedded(task),
  };
}

interface PreparedQuestion {
  questionStems: ReadonlySet<string>;
  points: CompiledKeyPoint[];
  /** Content stems of the reference answer that the question does not already contain. */
  reference: ReadonlySet<string>;
}

// The question side of a task is the same for every answer to it; preparing it once per question is most
// of the difference between ~1,700 and several thousand grades a second.
const prepared = new Map<string, PreparedQuestion>();
const byRubric = new WeakMap<object, Map<string, PreparedQuestion>>();
const PREPARED_MAX = 2000;

function prepare(task: GradingTask): PreparedQuestion {
  const key = `${task.question}\u0000${task.referenceAnswer}`;
  const cache = task.rubric ? (byRubric.get(task.rubric) ?? new Map<string, PreparedQuestion>()) : prepared;
  if (task.rubric && !byRubric.has(task.rubric)) byRubric.set(task.rubric, cache);
  let p = cache.get(key);
  if (!p) {
    const questionStems = new Set(contentStems(task.question));
    p = {
      questionStems,
      points: compileKeyPoints(rubricKeyPoints(task.rubric, task.referenceAnswer), questionStems),
      reference: new Set(contentStems(task.referenceAnswer).filter((s) => !questionStems.has(s))),
    };
    if (cache.size >= PREPARED_MAX) cache.clear();
    cache.set(key, p);
  }
  return p;
}

export function evaluateEmbedded(task: GradingTask): JudgeVerdict {
  const { questionStems, points, reference } = prepare(task);
  const answer = sentences(task.answer);
  const prose = answer.map(isProse);
  const pairs = pairStems(answer, prose);

  const matched = new Set<number>();
  const keyPoints: KeyPointResult[] = points.map((kp) => {
    const m = matchKeyPoint(kp, answer, prose, pairs);
    if (m.strength > 0) matched.add(m.sentence);
    return {
      id: kp.point.id,
      statement: kp.point.statement,
      weight: kp.point.weight,
      verdict: m.strength === 1 ? 'covered' : m.strength === 0.5 ? 'partial' : 'missing',
      evidence: m.strength > 0 ? (answer[m.sentence]?.text ?? null) : null,
    };
  });

  const totalWeight = keyPoints.reduce((a, k) => a + k.weight, 0) || 1;
  const coverage =
    keyPoints.reduce((a, k) => a + k.weight * (k.verdict === 'covered' ? 1 : k.verdict === 'partial' ? 0.5 : 0), 0) /
    totalWeight;

  const answerStems = new Set<string>();
  answer.forEach((s, i) => prose[i] && s.stems.forEach((st) => answerStems.add(st)));
  let recalled = 0;
  for (const st of reference) if (answerStems.has(st)) recalled++;
  const referenceRecall = reference.size ? recalled / reference.size : 0;

  const shape = shapeOf(answer, prose, questionStems);
  const relevance = relevantShare(answer, matched, reference);
  const flags: string[] = [];
  if (looksLikeManipulation(task.answer)) flags.push('manipulation-attempt');
  if (shape.novelStems < 2) flags.push('no-content');
  else {
    if (shape.tokens >= 5 && shape.proseShare < 0.5) flags.push('keyword-stuffing');
    if (shape.questionShare >= 0.6 && coverage < 0.5) flags.push('restates-question');
    if (answer.length >= 3 && relevance < 0.3) flags.push('off-topic');
  }

  const quality = COVERAGE_WEIGHT * coverage + (1 - COVERAGE_WEIGHT) * Math.min(1, referenceRecall / REFERENCE_RECALL_FULL);
  const scoreCap = flags.includes('manipulation-attempt') || flags.includes('no-content') ? 1 : flags.length > 0 ? 2 : null;
  const score = Math.min(1 + 4 * quality, scoreCap ?? 5);

  const strengths = keyPoints.filter((k) => k.verdict === 'covered').map((k) => k.statement);
  const gaps = [
    ...flags.map((f) => FLAG_TEXT[f] ?? f),
    ...keyPoints.filter((k) => k.verdict === 'missing').map((k) => `Missing: ${k.statement}`),
    ...keyPoints.filter((k) => k.verdict === 'partial').map((k) => `Only partly: ${k.statement}`),
  ];
  const raw = {
    rules: EMBEDDED_RULES_VERSION,
    coverage: round3(coverage),
    referenceRecall: round3(referenceRecall),
    relevance: round3(relevance),
    shape: { ...shape, questionShare: round3(shape.questionShare), proseShare: round3(shape.proseShare) },
    flags,
    score: round3(score),
  };
  return {
    rawScore: score,
    keyPoints,
    strengths,
    gaps,
    adaptiveFollowUp: null,
    flags,
    consistency: null,
    runs: [{ order: 'single', score: roundScore(score), raw: JSON.stringify(raw) }],
    usage: null,
    unscored: null,
    scoreCap,
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
