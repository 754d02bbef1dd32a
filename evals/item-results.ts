import type { JudgeKind } from '../src/grading/grade-schema.js';
import { tokenize } from '../src/text/tokens.js';
import { crossValidatedCalibration } from './cross-validate.js';
import type { GradedItem } from './grade-items.js';
import { bleu, rougeL } from './text-overlap.js';

/** One labelled answer as the report shows it. Scores are on 1..5; `humanScore` on the dataset's scale. */
export interface ItemResult {
  id: string;
  source: string;
  questionId: string | null;
  question: string;
  /** Cross-validation group: the main question (a follow-up goes with it). Intervals resample these. */
  group: string;
  tags: string[];
  answer: string;
  answerWords: number;
  humanScore: number;
  human: number;
  raters: number[];
  /**
   * The judge's score: as `grade()` returned it (rawScore), or, for a judge whose weights the harness
   * refits, the out-of-sample score from weights fitted on the other folds. Null when unscored.
   */
  raw: number | null;
  /** The score `grade()` gave with the weights the server ships (equal to `raw` unless the harness refits). */
  served: number | null;
  /** Refitted judge only: the out-of-sample score before the caps. */
  uncapped: number | null;
  /** Out-of-sample calibrated raw score (fitted on the other folds). */
  calibrated: number | null;
  /** Cross-validation fold the item was tested in. */
  fold: number | null;
  /** LLM judge only: the score of each order, and their mean (the swap mitigation). */
  referenceFirst: number | null;
  referenceLast: number | null;
  flags: string[];
  /** The rubric's cap on this answer (see Grade.scoreCap); calibrated scores never exceed it. */
  cap: number | null;
  unscored: { reason: string; detail: string } | null;
  rougeL: number;
  bleu: number;
}

/** Scores per ablation variant, paired with the human score, for the scored items that have them. */
export interface VariantScores {
  variant: 'none' | 'swap' | 'calibration' | 'swap+calibration' | 'no-caps' | 'no-caps+calibration';
  judge: number[];
  human: number[];
  /** The question (cross-validation group) of each pair, for intervals that resample questions. */
  clusters: string[];
}

const mean2 = (a: number | null, b: number | null) => (a === null || b === null ? null : (a + b) / 2);

/**
 * Turn graded items into report rows, and cross-validate the calibration of each score series. For the
 * LLM judge, `none` is the reference-first order alone and `swap` the mean of both orders; the embedded
 * judge has a single pass, so `none` is its raw score and it has no swap rows.
 */
/** Out-of-sample scores of a judge refitted in every fold (see evals/judge-cv.ts), by item id. */
export type Refit = Map<string, { raw: number; uncapped: number; calibrated: number; uncappedCalibrated: number; fold: number }>;

export function itemResults(graded: readonly GradedItem[], kind: JudgeKind, folds: number, refit?: Refit): { items: ItemResult[]; variants: VariantScores[] } {
  const items: ItemResult[] = graded.map(({ item, grade, error }) => ({
    id: item.id,
    source: item.source,
    questionId: item.questionId,
    question: item.questionLabel,
    group: item.group,
    tags: item.tags,
    answer: item.answer,
    answerWords: tokenize(item.answer).length,
    humanScore: item.humanScore,
    human: item.human,
    raters: item.raters,
    raw: grade?.rawScore ?? null,
    served: grade?.rawScore ?? null,
    uncapped: null,
    calibrated: null,
    fold: null,
    referenceFirst: grade?.consistency?.referenceFirst ?? null,
    referenceLast: grade?.consistency?.referenceLast ?? null,
    flags: grade?.flags ?? [],
    cap: grade?.scoreCap ?? null,
    unscored: grade ? grade.unscored : { reason: 'judge-error', detail: error ?? 'grade() failed' },
    rougeL: rougeL(item.answer, item.referenceAnswer),
    bleu: bleu(item.answer, item.referenceAnswer),
  }));

  /** Cross-validated calibration of one score series; returns the pairs of the items that have a score. */
  const calibrate = (score: (r: ItemResult) => number | null, store?: (r: ItemResult, c: number, fold: number) => void) => {
    const scored = items.filter((r) => r.unscored === null && score(r) !== null);
    const cv = crossValidatedCalibration(
      scored.map((r) => ({ group: r.group, raw: score(r) ?? 0, human: r.human, capped: r.cap !== null })),
      folds,
    );
    // As the server does: calibration never lifts an answer over its rubric cap.
    const calibrated = cv.calibrated.map((c, i) => Math.min(c, scored[i]?.cap ?? 5));
    scored.forEach((r, i) => store?.(r, calibrated[i] ?? Number.NaN, cv.fold[i] ?? 0));
    const clusters = scored.map((r) => r.group);
    return { judge: calibrated, uncalibrated: scored.map((r) => score(r) ?? 0), human: scored.map((r) => r.human), clusters };
  };

  if (refit) {
    // Weights and calibration were refitted on the other folds: every number below is out of sample.
    const scored = items.filter((r) => r.unscored === null && refit.has(r.id));
    for (const r of scored) {
      const f = refit.get(r.id);
      if (f) Object.assign(r, { raw: f.raw, uncapped: f.uncapped, calibrated: f.calibrated, fold: f.fold });
    }
    const human = scored.map((r) => r.human);
    const clusters = scored.map((r) => r.group);
    const pick = (k: 'raw' | 'uncapped' | 'calibrated' | 'uncappedCalibrated') => scored.map((r) => refit.get(r.id)?.[k] ?? 0);
    return {
      items,
      variants: [
        { variant: 'none', judge: pick('raw'), human, clusters },
        { variant: 'calibration', judge: pick('calibrated'), human, clusters },
        { variant: 'no-caps', judge: pick('uncapped'), human, clusters },
        { variant: 'no-caps+calibration', judge: pick('uncappedCalibrated'), human, clusters },
      ],
    };
  }
  const raw = calibrate((r) => r.raw, (r, c, f) => Object.assign(r, { calibrated: c, fold: f }));
  if (kind === 'embedded') {
    return {
      items,
      variants: [
        { variant: 'none', judge: raw.uncalibrated, human: raw.human, clusters: raw.clusters },
        { variant: 'calibration', judge: raw.judge, human: raw.human, clusters: raw.clusters },
      ],
    };
  }
  const none = calibrate((r) => r.referenceFirst);
  const swap = calibrate((r) => mean2(r.referenceFirst, r.referenceLast));
  return {
    items,
    variants: [
      { variant: 'none', judge: none.uncalibrated, human: none.human, clusters: none.clusters },
      { variant: 'swap', judge: swap.uncalibrated, human: swap.human, clusters: swap.clusters },
      { variant: 'calibration', judge: none.judge, human: none.human, clusters: none.clusters },
      { variant: 'swap+calibration', judge: swap.judge, human: swap.human, clusters: swap.clusters },
    ],
  };
}
