import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { type RidgeFit, predictRidge } from './ridge.js';
import { issuesLine } from '../../text/zod-issues.js';

/** Default location of the committed model, written by `npm run eval -- --fit-judge`. */
export const DEFAULT_MODEL_PATH = fileURLToPath(new URL('../../../data/embedded-judge/model.json', import.meta.url));
export const MODEL_FORMAT = 'interview-coach/embedded-judge-model';

/** The embedded judge's fitted weights: a ridge regression from alignment features to the 1..5 score. */
export const JudgeModel = z.strictObject({
  format: z.literal(MODEL_FORMAT),
  schemaVersion: z.literal(1),
  /** Content hash of everything below `fittedAt`: names the model on every grade. */
  id: z.string().min(1),
  /** Rules version of the features it was fitted on; a model of other rules is refused. */
  rules: z.string().min(1),
  features: z.array(z.string().min(1)).min(1),
  hingeKnots: z.array(z.number()),
  lambda: z.number().nonnegative(),
  intercept: z.number(),
  weights: z.array(z.number()),
  means: z.array(z.number()),
  scales: z.array(z.number().positive()),
  fittedAt: z.string(),
  fittedOn: z.array(
    z.strictObject({
      dataset: z.string(),
      items: z.number().int().nonnegative(),
      sha256: z.string(),
      humanScale: z.strictObject({ min: z.number(), max: z.number() }),
      /** Weight of each item of this dataset in the fit. */
      itemWeight: z.number().positive(),
    }),
  ),
});
export type JudgeModel = z.infer<typeof JudgeModel>;

export function modelId(m: Pick<JudgeModel, 'rules' | 'features' | 'lambda' | 'intercept' | 'weights' | 'means' | 'scales'>): string {
  const body = JSON.stringify([m.rules, m.features, m.lambda, m.intercept, m.weights, m.means, m.scales]);
  return `ridge-${createHash('sha256').update(body).digest('hex').slice(0, 12)}`;
}

/** Read and check a model file; throws with the path and the reason when it is unusable. */
export function readJudgeModel(path: string = DEFAULT_MODEL_PATH, rules?: string): JudgeModel {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`embedded judge model ${path}: ${(err as Error).message}`);
  }
  const parsed = JudgeModel.safeParse(json);
  if (!parsed.success) throw new Error(`embedded judge model ${path} is invalid: ${issuesLine(parsed.error)}`);
  const m = parsed.data;
  if (m.weights.length !== m.features.length || m.means.length !== m.features.length || m.scales.length !== m.features.length) {
    throw new Error(`embedded judge model ${path}: weights, means and scales must have one entry per feature`);
  }
  if (rules && m.rules !== rules) throw new Error(`embedded judge model ${path} was fitted for rules ${m.rules}, the judge runs ${rules}: refit it`);
  if (modelId(m) !== m.id) throw new Error(`embedded judge model ${path}: id ${m.id} does not match its content`);
  return m;
}

/** The model's score on 1..5 for a feature record (features it does not name are ignored). */
export function predictScore(m: { readonly features: readonly string[] } & RidgeFit, values: Readonly<Record<string, number>>): number {
  const s = predictRidge(m, m.features.map((f) => values[f] ?? 0));
  return Math.min(5, Math.max(1, s));
}
