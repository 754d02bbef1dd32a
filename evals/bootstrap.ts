import { seededRandom } from '../src/sessions/plan.js';

/** One labelled item graded by both versions: the human score and each version's score, all on 1..5. */
export interface PairedItem {
  human: number;
  a: number;
  b: number;
}

/** An agreement metric of judge scores with human scores; null where it is undefined (no variance). */
export type AgreementMetric = (judge: readonly number[], human: readonly number[]) => number | null;

export interface BootstrapOptions {
  /** Resamples. Default 2000. */
  resamples?: number;
  /** Seed of the resampling, so a run can be reproduced exactly. Default 1. */
  seed?: number;
  /** Two-sided confidence level of the interval. Default 0.95. */
  confidence?: number;
}

export interface PairedDifference {
  /** The metric of each version on all paired items, and B minus A. */
  a: number | null;
  b: number | null;
  difference: number | null;
  /** Percentile interval of B minus A over the resamples; null when too few resamples had both metrics. */
  ci: [number, number] | null;
  /**
   * Two-sided bootstrap p-value: twice the smaller share of resampled differences on either side of 0
   * (at least 1 / resamples), the chance of an interval this far from 0 if the versions agreed equally well.
   */
  pValue: number | null;
  /** The interval excludes 0. */
  significant: boolean;
  /** Resamples left out because a metric was undefined on them (e.g. every resampled human score equal). */
  undefinedResamples: number;
}

/** Value at quantile q of sorted values, linearly interpolated (the usual "type 7" definition). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new RangeError('quantile of nothing');
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const l = sorted[lo] ?? 0;
  return l + ((sorted[hi] ?? l) - l) * (pos - lo);
}

/**
 * The paired bootstrap of a difference in agreement between two versions graded on the same items: each
 * resample draws items with replacement and computes the metric for both versions on that same draw, so
 * the item-to-item variation both versions share cancels out of the difference.
 *
 * @example
 * const d = pairedBootstrap(items, qwkOfScores, { resamples: 2000, seed: 1 });
 * d.difference; d.ci; d.significant;
 */
export function pairedBootstrap(items: readonly PairedItem[], metric: AgreementMetric, options: BootstrapOptions = {}): PairedDifference {
  const resamples = options.resamples ?? 2000;
  const confidence = options.confidence ?? 0.95;
  const random = seededRandom(options.seed ?? 1);
  const human = items.map((i) => i.human);
  const a = metric(items.map((i) => i.a), human);
  const b = metric(items.map((i) => i.b), human);
  const diffs: number[] = [];
  const n = items.length;
  if (n > 0) {
    const h = new Array<number>(n);
    const sa = new Array<number>(n);
    const sb = new Array<number>(n);
    for (let r = 0; r < resamples; r++) {
      for (let k = 0; k < n; k++) {
        const item = items[Math.floor(random() * n)];
        h[k] = item?.human ?? 0;
        sa[k] = item?.a ?? 0;
        sb[k] = item?.b ?? 0;
      }
      const ma = metric(sa, h);
      const mb = metric(sb, h);
      if (ma !== null && mb !== null) diffs.push(mb - ma);
    }
  }
  const undefinedResamples = (n > 0 ? resamples : 0) - diffs.length;
  // Fewer than half the resamples defined: an interval from the rest would describe a different population.
  if (a === null || b === null || diffs.length < Math.max(1, resamples / 2)) {
    return { a, b, difference: a === null || b === null ? null : b - a, ci: null, pValue: null, significant: false, undefinedResamples };
  }
  diffs.sort((x, y) => x - y);
  const tail = (1 - confidence) / 2;
  const ci: [number, number] = [quantile(diffs, tail), quantile(diffs, 1 - tail)];
  const below = diffs.filter((d) => d <= 0).length / diffs.length;
  const above = diffs.filter((d) => d >= 0).length / diffs.length;
  const pValue = Math.min(1, Math.max(1 / diffs.length, 2 * Math.min(below, above)));
  return { a, b, difference: b - a, ci, pValue, significant: ci[0] > 0 || ci[1] < 0, undefinedResamples };
}
