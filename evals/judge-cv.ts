import { interpolate } from '../src/grading/calibration-artifact.js';
import { predictScore } from '../src/judge/embedded/judge-model.js';
import { fitRidge, type RidgeFit } from '../src/judge/embedded/ridge.js';
import { planFolds } from './cross-validate.js';
import { fitIsotonic } from './isotonic.js';
import type { AnalysedItem } from './judge-features.js';

export interface FitSpec {
  features: readonly string[];
  lambda: number;
}

/**
 * Items the weights are fitted on: all but those a rule scores whatever their content (an attempt to steer
 * the grader, a non-answer). Capped answers stay in: their labels say what thin or off-topic content is worth.
 */
export const trainable = (i: AnalysedItem) => !i.nonAnswer && !i.flags.includes('manipulation-attempt');
/** Items a calibration is fitted on: those no cap touches, so the clamp does not bend the map. */
export const uncapped = (i: AnalysedItem) => i.cap === null && !i.nonAnswer;

export function fitOn(rows: readonly AnalysedItem[], spec: FitSpec): RidgeFit & { features: readonly string[] } {
  const fit = fitRidge(
    rows.map((r) => spec.features.map((f) => r.values[f] ?? 0)),
    rows.map((r) => r.human),
    spec.lambda,
    rows.map((r) => r.weight),
  );
  return { ...fit, features: spec.features };
}

/** The judge's score for an item under fitted weights, before any cap. */
export function scoreWith(fit: RidgeFit & { features: readonly string[] }, i: AnalysedItem): number {
  return i.nonAnswer ? 1 : predictScore(fit, i.values);
}

export interface CvScores {
  /** Out-of-sample model score before caps, after caps, and calibrated (then capped), in input order. */
  uncapped: number[];
  raw: number[];
  calibrated: number[];
  /** Calibrated without the caps. */
  uncappedCalibrated: number[];
  fold: number[];
}

/**
 * Cross-validation of the whole embedded judge, grouped by question: in every fold the weights are refitted
 * on the other folds (plus `extra`, items of other datasets whose questions are not scored here), and the
 * calibration is fitted on the training folds' uncapped items; caps apply after both. No number comes
 * from weights or a calibration that saw the scored question.
 */
export function crossValidateJudge(items: readonly AnalysedItem[], k: number, spec: FitSpec, extra: readonly AnalysedItem[] = []): CvScores {
  const plan = planFolds(
    items.map((i) => i.group),
    k,
  );
  const fold = items.map((i) => plan.foldOf.get(i.group) ?? 0);
  const out: CvScores = { uncapped: [], raw: [], calibrated: [], uncappedCalibrated: [], fold };
  const extraRows = extra.filter(trainable);
  for (let f = 0; f < plan.folds; f++) {
    const train = items.filter((_, i) => fold[i] !== f);
    const rows = [...train.filter(trainable), ...extraRows];
    if (rows.length < spec.features.length + 2) throw new RangeError(`only ${rows.length} trainable items in a fold: too few to fit ${spec.features.length} weights`);
    const fit = fitOn(rows, spec);
    const own = train.filter(uncapped);
    const points = own.length ? fitIsotonic(own.map((i) => ({ x: scoreWith(fit, i), y: i.human }))) : [];
    items.forEach((item, i) => {
      if (fold[i] !== f) return;
      const s = scoreWith(fit, item);
      const cap = item.cap ?? 5;
      out.uncapped[i] = s;
      out.raw[i] = Math.min(s, cap);
      out.uncappedCalibrated[i] = points.length ? interpolate(points, s) : s;
      out.calibrated[i] = Math.min(out.uncappedCalibrated[i] ?? s, cap);
    });
  }
  return out;
}
