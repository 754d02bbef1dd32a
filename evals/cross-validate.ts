import { createHash } from 'node:crypto';
import { interpolate } from '../src/grading/calibration-artifact.js';
import { fitIsotonic } from './isotonic.js';

/** Fold of each group, and the number of folds actually used. */
export interface FoldPlan {
  folds: number;
  foldOf: Map<string, number>;
}

/**
 * Split groups (questions) into k folds so no group is in two folds. Groups go largest first to the fold
 * with the fewest items, which keeps folds balanced; ties are broken by a hash of the group name, so the
 * split is deterministic and does not depend on the order of the file. With fewer groups than k, each
 * group is its own fold.
 */
export function planFolds(groups: readonly string[], k: number): FoldPlan {
  if (!Number.isInteger(k) || k < 2) throw new RangeError('folds must be an integer of at least 2');
  const sizes = new Map<string, number>();
  for (const g of groups) sizes.set(g, (sizes.get(g) ?? 0) + 1);
  const folds = Math.min(k, sizes.size);
  const hash = (s: string) => createHash('sha256').update(s).digest('hex');
  const order = [...sizes].sort((a, b) => b[1] - a[1] || hash(a[0]).localeCompare(hash(b[0])));
  const load = new Array<number>(folds).fill(0);
  const foldOf = new Map<string, number>();
  for (const [group, size] of order) {
    let best = 0;
    for (let f = 1; f < folds; f++) if ((load[f] ?? 0) < (load[best] ?? 0)) best = f;
    foldOf.set(group, best);
    load[best] = (load[best] ?? 0) + size;
  }
  return { folds, foldOf };
}

export interface CvItem {
  /** Question the item answers; all its items land in the same fold. */
  group: string;
  raw: number;
  human: number;
  /** A cap clamps this item after calibration: it is calibrated but not fitted on. */
  capped?: boolean;
}

/**
 * Out-of-sample calibrated scores: each item is calibrated by a map fitted on the other folds only.
 * Returns the scores in input order, and the fold of each item.
 */
export function crossValidatedCalibration(items: readonly CvItem[], k: number): { calibrated: number[]; fold: number[] } {
  if (items.length === 0) return { calibrated: [], fold: [] };
  const plan = planFolds(
    items.map((i) => i.group),
    k,
  );
  const fold = items.map((i) => plan.foldOf.get(i.group) ?? 0);
  const calibrated = new Array<number>(items.length).fill(Number.NaN);
  for (let f = 0; f < plan.folds; f++) {
    const train = items.filter((item, i) => fold[i] !== f && !item.capped).map((i) => ({ x: i.raw, y: i.human }));
    // With a single group there is nothing to train on: leave the raw score (no calibration is the honest fallback).
    const points = train.length ? fitIsotonic(train) : [];
    items.forEach((item, i) => {
      if (fold[i] === f) calibrated[i] = points.length ? interpolate(points, item.raw) : item.raw;
    });
  }
  return { calibrated, fold };
}
