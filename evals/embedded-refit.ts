import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BankIndex } from '../src/bank/bank-index.js';
import { ALL_FEATURES } from '../src/judge/embedded/features.js';
import { readJudgeModel } from '../src/judge/embedded/judge-model.js';
import type { LabelledItem } from './dataset.js';
import { JUDGE_LAMBDA, loadTrainingSet } from './fit-judge.js';
import { crossValidateJudge } from './judge-cv.js';
import { type AnalysedItem, analyseItems } from './judge-features.js';
import type { Refit } from './item-results.js';
import type { ProgressStream } from './progress.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** How the embedded judge was refitted for a report. */
export interface RefitSummary {
  folds: number;
  lambda: number;
  /** Other datasets the shipped weights were fitted on, added to every fold's training rows (their questions are not scored here). */
  extra: { dataset: string; items: number }[];
  /** Datasets the shipped weights were fitted on that could not be read, so were left out. */
  missing: string[];
}

/**
 * Cross-validated scores of the embedded judge with its weights refitted per fold. The training rows of a
 * fold are this dataset's other folds plus every other dataset the shipped weights were fitted on (a
 * dataset with the same content hash as the one scored is this one, and is not added twice).
 */
export function embeddedRefit(items: readonly LabelledItem[], sha256: string, bank: BankIndex, folds: number, progress?: ProgressStream): { scores: Refit; summary: RefitSummary } {
  const own = analyseItems(items, bank);
  const extra: AnalysedItem[] = [];
  const summary: RefitSummary = { folds, lambda: JUDGE_LAMBDA, extra: [], missing: [] };
  let fittedOn: ReturnType<typeof readJudgeModel>['fittedOn'] = [];
  try {
    fittedOn = readJudgeModel().fittedOn;
  } catch {
    fittedOn = [];
  }
  for (const set of fittedOn) {
    if (set.sha256 === sha256) continue;
    const path = isAbsolute(set.dataset) ? set.dataset : join(ROOT, set.dataset);
    if (!existsSync(path)) {
      summary.missing.push(set.dataset);
      progress?.write(`refit: ${set.dataset} (a training set of the shipped weights) is not here; folds train on this dataset alone\n`);
      continue;
    }
    const loaded = loadTrainingSet({ path, scale: set.humanScale, itemWeight: set.itemWeight }, bank);
    extra.push(...loaded.items);
    summary.extra.push({ dataset: set.dataset, items: loaded.items.length });
  }
  const cv = crossValidateJudge(own, folds, { features: ALL_FEATURES, lambda: JUDGE_LAMBDA }, extra);
  const scores: Refit = new Map();
  own.forEach((a, i) =>
    scores.set(a.id, {
      raw: cv.raw[i] ?? 0,
      uncapped: cv.uncapped[i] ?? 0,
      calibrated: cv.calibrated[i] ?? 0,
      uncappedCalibrated: cv.uncappedCalibrated[i] ?? 0,
      fold: cv.fold[i] ?? 0,
    }),
  );
  return { scores, summary };
}
