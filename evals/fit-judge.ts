import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BankIndex } from '../src/bank/bank-index.js';
import { EMBEDDED_RULES_VERSION } from '../src/judge/embedded/embedded-judge.js';
import { ALL_FEATURES, HINGE_KNOTS } from '../src/judge/embedded/features.js';
import { JudgeModel, MODEL_FORMAT, modelId } from '../src/judge/embedded/judge-model.js';
import { loadDataset, type Scale } from './dataset.js';
import { fitOn, trainable } from './judge-cv.js';
import { type AnalysedItem, analyseItems } from './judge-features.js';

/** Ridge penalty of the embedded judge's fit (on standardised features, per unit of item weight). */
export const JUDGE_LAMBDA = 0.01;

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface TrainingSet {
  path: string;
  scale: Scale;
  itemWeight: number;
}

export interface LoadedTrainingSet {
  /** The path as recorded in the model: relative to the repository when inside it. */
  label: string;
  sha256: string;
  scale: Scale;
  itemWeight: number;
  items: AnalysedItem[];
}

export function loadTrainingSet(set: TrainingSet, bank: BankIndex): LoadedTrainingSet {
  const data = loadDataset(set.path, bank, set.scale);
  return {
    label: relative(ROOT, set.path) || set.path,
    sha256: data.sha256,
    scale: set.scale,
    itemWeight: set.itemWeight,
    items: analyseItems(data.items, bank, set.itemWeight),
  };
}

/**
 * Fit the embedded judge's weights on named datasets (all their items but those a rule scores) and
 * return the artifact the judge loads: features, knots, weights, scaling, the hashes of the training
 * data and the rules version. The same data gives the same artifact, but for `fittedAt`.
 */
export function fitJudgeModel(sets: readonly LoadedTrainingSet[], now: Date = new Date()): JudgeModel {
  const rows = sets.flatMap((s) => s.items.filter(trainable));
  const fit = fitOn(rows, { features: ALL_FEATURES, lambda: JUDGE_LAMBDA });
  const body = {
    rules: EMBEDDED_RULES_VERSION,
    features: [...ALL_FEATURES],
    lambda: JUDGE_LAMBDA,
    intercept: fit.intercept,
    weights: fit.weights,
    means: fit.means,
    scales: fit.scales,
  };
  return JudgeModel.parse({
    format: MODEL_FORMAT,
    schemaVersion: 1,
    id: modelId(body),
    ...body,
    hingeKnots: [...HINGE_KNOTS],
    fittedAt: now.toISOString(),
    fittedOn: sets.map((s) => ({ dataset: s.label, items: s.items.length, sha256: s.sha256, humanScale: s.scale, itemWeight: s.itemWeight })),
  });
}

export function writeJudgeModel(path: string, model: JudgeModel): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(model, null, 2)}\n`);
}
