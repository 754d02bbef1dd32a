import type { CalibrationPoint } from '../src/grading/calibration-artifact.js';
import type { JudgeIdentity } from '../src/grading/calibration.js';
import type { Usage } from '../src/grading/grade-schema.js';
import { breakdown, type Breakdown } from './breakdowns.js';
import type { InvalidLine, Scale } from './dataset.js';
import { type ClusteredScore, clusterBootstrap, type Intervals } from './cluster-bootstrap.js';
import { fitIsotonic } from './isotonic.js';
import type { ItemResult, VariantScores } from './item-results.js';
import type { RefitSummary } from './embedded-refit.js';
import { mean } from '../src/numbers.js';
import { type Agreement, agreement, confusionMatrix, pearson, spearman } from './metrics.js';

/** Calls, tokens and cost of the LLM judge in one run. */
export interface LlmUsageSummary {
  providerCalls: number;
  cacheHits: number;
  /** Tokens the provider billed in this run. */
  freshUsage: Usage;
  /** Tokens of replies served from the cache. */
  cachedUsage: Usage;
  pricePerMillionTokens: { input: number; output: number } | null;
  costUsd: number | null;
  /** What the run would have cost with an empty cache. */
  costWithoutCacheUsd: number | null;
}

export interface SurfaceBaseline {
  /** Correlation of the metric with the human scores. */
  pearson: number | null;
  spearman: number | null;
  mean: number | null;
}

/** report.json. Metric names are fixed: dashboards and the CI gate read them. */
export interface EvalReport {
  schemaVersion: 1;
  createdAt: string;
  config: {
    data: string[];
    dataSha256: string;
    /** sha256 of each data file's bytes. */
    dataFiles: { file: string; sha256: string }[];
    scale: Scale;
    folds: number;
    concurrency: number;
    limit: number | null;
    cache: string | null;
    replay: boolean;
  };
  judge: JudgeIdentity;
  n: number;
  skipped: number;
  invalidLines: InvalidLine[];
  unscored: { count: number; reasons: Record<string, number>; items: { id: string; reason: string; detail: string }[] };
  metrics: { raw: Agreement; calibrated: Agreement };
  /**
   * 95% intervals of every metric of `metrics` and `ablation`, from a seeded bootstrap that resamples
   * questions (clusters), not single answers. Calibrated scores are resampled as cross-validation left
   * them (the calibration is not refitted per resample).
   */
  intervals: {
    method: 'cluster-bootstrap';
    resamples: number;
    seed: number;
    confidence: number;
    /** Questions resampled; with fewer than two every interval is null. */
    clusters: number;
    raw: Intervals;
    calibrated: Intervals;
    ablation: (Intervals & { variant: VariantScores['variant'] })[];
  };
  /**
   * Human ceiling, rater against rater directly (rater 1 vs rater 2; with more raters, the mean of each
   * metric over all pairs), on items with two or more raters. Compare it with the judge's agreement with
   * the raters' mean, as the literature does.
   */
  ceiling: (Agreement & { items: number; pairs: number }) | null;
  /** Embedded judge: its weights were refitted in every fold; what they were trained on. */
  refit: RefitSummary | null;
  ablation: (Agreement & { variant: VariantScores['variant'] })[];
  bias: {
    /** LLM judge only: reference-first minus reference-last. */
    position: { n: number; meanDifference: number | null; shareDiffering2OrMore: number | null } | null;
    /** Correlation of (judge - human) with the answer's length in words; positive = longer answers are over-scored. */
    verbosity: { raw: number | null; calibrated: number | null };
  };
  baselines: { rougeL: SurfaceBaseline; bleu: SurfaceBaseline; judgeRaw: SurfaceBaseline; judgeCalibrated: SurfaceBaseline };
  /** Counts by level, rows = human level 1..5, columns = judge level 1..5. */
  confusion: { raw: number[][]; calibrated: number[][] };
  /** The isotonic map fitted on every scored item (what `--fit-calibration` writes). */
  calibrationMap: CalibrationPoint[];
  byTag: Breakdown[];
  byQuestion: Breakdown[];
  llm: LlmUsageSummary | null;
  timing: { wallMs: number; itemsPerSecond: number };
  items: ItemResult[];
}

export interface ReportInput {
  config: EvalReport['config'];
  judge: JudgeIdentity;
  invalid: InvalidLine[];
  items: ItemResult[];
  variants: VariantScores[];
  llm: LlmUsageSummary | null;
  refit?: RefitSummary | null;
  wallMs: number;
  now?: Date;
  /** Resamples and seed of the intervals. Default 1000 and 1. */
  bootstrap?: { resamples: number; seed: number };
}

const METRICS = ['pearson', 'spearman', 'qwk', 'mae', 'rmse', 'exact', 'within1'] as const;

/** Rater j against rater k on every item both rated, for each pair j < k; each metric is the mean over pairs. */
export function ceilingOf(items: readonly ItemResult[]): EvalReport['ceiling'] {
  const rated = items.filter((i) => i.raters.length >= 2);
  if (rated.length === 0) return null;
  const raters = Math.max(...rated.map((i) => i.raters.length));
  const pairs: Agreement[] = [];
  for (let j = 0; j < raters; j++) {
    for (let k = j + 1; k < raters; k++) {
      const both = rated.filter((i) => i.raters[j] !== undefined && i.raters[k] !== undefined);
      if (both.length) pairs.push(agreement(both.map((i) => i.raters[j] ?? 0), both.map((i) => i.raters[k] ?? 0)));
    }
  }
  const meanOf = (m: (typeof METRICS)[number]) => mean(pairs.map((p) => p[m]).filter((x): x is number => x !== null));
  const out = { n: rated.length, items: rated.length, pairs: pairs.length } as Agreement & { items: number; pairs: number };
  for (const m of METRICS) out[m] = meanOf(m);
  return out;
}

function surface(values: readonly number[], human: readonly number[]): SurfaceBaseline {
  return { pearson: pearson(values, human), spearman: spearman(values, human), mean: mean(values) };
}

/** Compute every number of report.json from the per-item results. */
export function buildReport(input: ReportInput): EvalReport {
  const { items } = input;
  const scored = items.filter((i): i is ItemResult & { raw: number; calibrated: number } => i.unscored === null && i.raw !== null && i.calibrated !== null);
  const unscored = items.filter((i) => i.unscored !== null);
  const reasons: Record<string, number> = {};
  for (const u of unscored) reasons[u.unscored?.reason ?? 'unknown'] = (reasons[u.unscored?.reason ?? 'unknown'] ?? 0) + 1;

  const human = scored.map((i) => i.human);
  const raw = scored.map((i) => i.raw);
  const calibrated = scored.map((i) => i.calibrated);
  const words = scored.map((i) => i.answerWords);
  const positioned = scored.filter((i) => i.referenceFirst !== null && i.referenceLast !== null);
  const diffs = positioned.map((i) => (i.referenceFirst ?? 0) - (i.referenceLast ?? 0));
  const boot = { resamples: input.bootstrap?.resamples ?? 1000, seed: input.bootstrap?.seed ?? 1, confidence: 0.95 };
  const clusterOf = (i: ItemResult) => i.group;
  const ci = (pairs: ClusteredScore[]) => clusterBootstrap(pairs, boot);
  const zip = (judge: readonly number[], human: readonly number[], clusters: readonly string[]) =>
    judge.map((j, k) => ({ judge: j, human: human[k] ?? 0, cluster: clusters[k] ?? '' }));

  return {
    schemaVersion: 1,
    createdAt: (input.now ?? new Date()).toISOString(),
    config: input.config,
    judge: input.judge,
    n: scored.length,
    skipped: input.invalid.length,
    invalidLines: input.invalid,
    unscored: {
      count: unscored.length,
      reasons,
      items: unscored.map((i) => ({ id: i.id, reason: i.unscored?.reason ?? 'unknown', detail: i.unscored?.detail ?? '' })),
    },
    metrics: { raw: agreement(raw, human), calibrated: agreement(calibrated, human) },
    intervals: {
      method: 'cluster-bootstrap',
      ...boot,
      clusters: new Set(scored.map(clusterOf)).size,
      raw: ci(zip(raw, human, scored.map(clusterOf))),
      calibrated: ci(zip(calibrated, human, scored.map(clusterOf))),
      ablation: input.variants.map((v) => ({ variant: v.variant, ...ci(zip(v.judge, v.human, v.clusters)) })),
    },
    ceiling: ceilingOf(scored),
    refit: input.refit ?? null,
    ablation: input.variants.map((v) => ({ variant: v.variant, ...agreement(v.judge, v.human) })),
    bias: {
      position:
        input.judge.kind === 'llm'
          ? {
              n: positioned.length,
              meanDifference: mean(diffs),
              shareDiffering2OrMore: diffs.length ? diffs.filter((d) => Math.abs(d) >= 2).length / diffs.length : null,
            }
          : null,
      verbosity: {
        raw: pearson(
          scored.map((i) => i.raw - i.human),
          words,
        ),
        calibrated: pearson(
          scored.map((i) => i.calibrated - i.human),
          words,
        ),
      },
    },
    baselines: {
      rougeL: surface(
        scored.map((i) => i.rougeL),
        human,
      ),
      bleu: surface(
        scored.map((i) => i.bleu),
        human,
      ),
      judgeRaw: surface(raw, human),
      judgeCalibrated: surface(calibrated, human),
    },
    confusion: { raw: confusionMatrix(human, raw), calibrated: confusionMatrix(human, calibrated) },
    // What --fit-calibration writes: fitted on the scores the server gives, on items no cap touches (the
    // cap applies after the calibration, so capped items would only bend the map).
    calibrationMap: fitIsotonic(scored.filter((i) => i.cap === null).map((i) => ({ x: i.served ?? i.raw, y: i.human }))),
    byTag: breakdown(items, (i) => (i.tags.length ? i.tags : ['(untagged)'])),
    byQuestion: breakdown(items, (i) => [i.question]),
    llm: input.llm,
    timing: { wallMs: Math.round(input.wallMs), itemsPerSecond: input.wallMs > 0 ? (items.length * 1000) / input.wallMs : 0 },
    items,
  };
}
