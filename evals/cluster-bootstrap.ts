import { seededRandom } from '../src/sessions/plan.js';
import { quantile } from './bootstrap.js';
import { prepareScores, weightedAgreement } from './weighted-agreement.js';

/** The agreement metrics that get an interval: every field of `Agreement` but the count. */
export const INTERVAL_METRICS = ['pearson', 'spearman', 'qwk', 'mae', 'rmse', 'exact', 'within1'] as const;
export type IntervalMetric = (typeof INTERVAL_METRICS)[number];

/** A 95% (by default) percentile interval per metric; null where too few resamples had the metric defined. */
export type Intervals = Record<IntervalMetric, [number, number] | null>;

export interface ClusteredScore {
  /** The cluster the item belongs to: its question. Answers to one question are not independent. */
  cluster: string;
  judge: number;
  human: number;
}

export interface ClusterBootstrapOptions {
  /** Resamples. Default 1000. */
  resamples?: number;
  /** Seed, so the same report gives the same intervals. Default 1. */
  seed?: number;
  /** Two-sided confidence level. Default 0.95. */
  confidence?: number;
}

/**
 * Percentile intervals of every agreement metric from a bootstrap that resamples clusters (questions),
 * not single answers: answers to one question share its reference and its rubric, so resampling answers
 * would treat 30 answers to one question as 30 independent draws and give intervals too narrow. Each
 * resample draws as many questions as there are, with replacement, and keeps all answers of each.
 * With one cluster there is nothing to resample: every interval is null.
 *
 * @example
 * const ci = clusterBootstrap(items.map((i) => ({ cluster: i.question, judge: i.raw, human: i.human })));
 * ci.pearson; // [0.81, 0.88]
 */
export function clusterBootstrap(items: readonly ClusteredScore[], options: ClusterBootstrapOptions = {}): Intervals {
  const resamples = options.resamples ?? 1000;
  const tail = (1 - (options.confidence ?? 0.95)) / 2;
  // Clusters by first appearance; a resample is a multiplicity per cluster, i.e. a weight per item.
  const clusterIndex = new Map<string, number>();
  const clusterOf = Int32Array.from(items, (i) => {
    const k = clusterIndex.get(i.cluster);
    if (k !== undefined) return k;
    clusterIndex.set(i.cluster, clusterIndex.size);
    return clusterIndex.size - 1;
  });
  const clusters = clusterIndex.size;
  const draws: Record<IntervalMetric, number[]> = { pearson: [], spearman: [], qwk: [], mae: [], rmse: [], exact: [], within1: [] };
  if (clusters >= 2) {
    const random = seededRandom(options.seed ?? 1);
    const prepared = prepareScores(items.map((i) => i.judge), items.map((i) => i.human));
    const times = new Float64Array(clusters);
    const weight = new Float64Array(items.length);
    for (let r = 0; r < resamples; r++) {
      times.fill(0);
      for (let k = 0; k < clusters; k++) {
        const c = Math.floor(random() * clusters);
        times[c] = (times[c] ?? 0) + 1;
      }
      for (let i = 0; i < items.length; i++) weight[i] = times[clusterOf[i] ?? 0] ?? 0;
      const a = weightedAgreement(prepared, weight);
      for (const m of INTERVAL_METRICS) {
        const v = a[m];
        if (v !== null) draws[m].push(v);
      }
    }
  }
  const out = {} as Intervals;
  for (const m of INTERVAL_METRICS) {
    const d = draws[m].sort((x, y) => x - y);
    // Fewer than half the resamples defined: an interval from the rest would describe another population.
    out[m] = clusters >= 2 && d.length >= resamples / 2 ? [quantile(d, tail), quantile(d, 1 - tail)] : null;
  }
  return out;
}
