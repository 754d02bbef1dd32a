/**
 * Population Stability Index, the drift measure the question bank teaches:
 * PSI = sum over bins of (actual% - expected%) x ln(actual% / expected%).
 */

/** Share used in place of an empty bin, so one empty bin reads as large drift instead of infinity. */
export const EMPTY_BIN_SHARE = 1e-4;

export type PsiReading = 'stable' | 'moderate' | 'significant';

/** The usual reading: below 0.1 stable, 0.1 to 0.25 moderate, above 0.25 significant. */
export function readPsi(psi: number): PsiReading {
  if (psi < 0.1) return 'stable';
  if (psi <= 0.25) return 'moderate';
  return 'significant';
}

function shares(counts: readonly number[]): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.map((c) => (total === 0 ? 0 : c / total));
}

/** PSI between two histograms over the same bins. Both must have at least one observation. */
export function psi(expectedCounts: readonly number[], actualCounts: readonly number[]): number {
  if (expectedCounts.length !== actualCounts.length) throw new RangeError('psi: histograms have different bins');
  const e = shares(expectedCounts);
  const a = shares(actualCounts);
  if (e.every((x) => x === 0) || a.every((x) => x === 0)) throw new RangeError('psi: an empty histogram');
  let sum = 0;
  for (let i = 0; i < e.length; i++) {
    const ei = Math.max(e[i] ?? 0, EMPTY_BIN_SHARE);
    const ai = Math.max(a[i] ?? 0, EMPTY_BIN_SHARE);
    sum += (ai - ei) * Math.log(ai / ei);
  }
  return sum;
}

/** Count values into bins given by ascending upper edges; the last bin is open-ended. */
export function histogram(values: readonly number[], upperEdges: readonly number[]): number[] {
  const counts = new Array<number>(upperEdges.length + 1).fill(0);
  for (const v of values) {
    let i = 0;
    while (i < upperEdges.length && v > (upperEdges[i] ?? Infinity)) i++;
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return counts;
}

/**
 * Upper edges that cut the baseline into `bins` groups of about equal size (deciles by default), the usual
 * binning for PSI on a continuous quantity such as answer length. Duplicate edges are merged.
 */
export function quantileEdges(baseline: readonly number[], bins = 10): number[] {
  if (baseline.length === 0) return [];
  const sorted = [...baseline].sort((x, y) => x - y);
  const edges: number[] = [];
  for (let k = 1; k < bins; k++) {
    const v = sorted[Math.min(sorted.length - 1, Math.floor((k * sorted.length) / bins) - 1)] ?? 0;
    if (edges.length === 0 || v > (edges[edges.length - 1] ?? -Infinity)) edges.push(v);
  }
  return edges;
}

/** Score bins: the five levels, a score rounded half up. */
export const SCORE_EDGES = [1.5 - 1e-9, 2.5 - 1e-9, 3.5 - 1e-9, 4.5 - 1e-9];

/** 95th percentiles of the chi-square distribution with 1..11 degrees of freedom. */
const CHI2_P95 = [3.841, 5.991, 7.815, 9.488, 11.07, 12.592, 14.067, 15.507, 16.919, 18.307, 19.675];

/**
 * The PSI that two samples of these sizes drawn from one unchanged distribution stay under 95% of the time.
 * PSI is the symmetric (Jeffreys) divergence, and for two samples of sizes n and m from the same distribution
 * it is close to chi-square with k - 1 degrees of freedom times (1/n + 1/m), k the bins in use. At 200 grades
 * a side over 5 bins that is 0.095; at 30 a side it is 0.63: the usual 0.1 and 0.25 readings assume samples
 * in the hundreds, and on small windows sampling noise alone reads as drift.
 */
export function psiNoiseP95(expectedCounts: readonly number[], actualCounts: readonly number[]): number {
  const n = expectedCounts.reduce((a, b) => a + b, 0);
  const m = actualCounts.reduce((a, b) => a + b, 0);
  if (n === 0 || m === 0) throw new RangeError('psiNoiseP95: an empty histogram');
  const used = expectedCounts.filter((c, i) => c + (actualCounts[i] ?? 0) > 0).length;
  const df = Math.min(CHI2_P95.length, Math.max(1, used - 1));
  return (CHI2_P95[df - 1] ?? 0) * (1 / n + 1 / m);
}
