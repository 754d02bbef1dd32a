import { sampleCorrelation, sampleRankCorrelation } from 'simple-statistics';
import { levelOf } from '../src/grading/levels.js';

/** Agreement between a judge's scores and human scores, both on 1..5. Names are part of report.json. */
export interface Agreement {
  n: number;
  /** Linear correlation of the continuous scores; null when either side has no variance or n < 2. */
  pearson: number | null;
  /** Rank correlation (ties get their mean rank); null as for pearson. */
  spearman: number | null;
  /** Quadratic weighted kappa on the rounded 1..5 levels; null when it is undefined (one level only). */
  qwk: number | null;
  mae: number | null;
  rmse: number | null;
  /** Share of items whose rounded levels are equal. */
  exact: number | null;
  /** Share of items whose rounded levels differ by at most one. */
  within1: number | null;
}

/** The number of levels of the 1..5 scale. */
export const LEVELS = 5;

/** The 1..5 level of a score, rounded half up as the coach shows it. */
export function levelValue(score: number): number {
  return levelOf(score).value;
}

/** Correlation that is null, not NaN, where it is undefined. */
export function pearson(a: readonly number[], b: readonly number[]): number | null {
  if (a.length < 2 || !varies(a) || !varies(b)) return null;
  return finite(sampleCorrelation([...a], [...b]));
}

export function spearman(a: readonly number[], b: readonly number[]): number | null {
  if (a.length < 2 || !varies(a) || !varies(b)) return null;
  return finite(sampleRankCorrelation([...a], [...b]));
}

/** Counts `m[i][j]` of items at level i+1 on side a and j+1 on side b. */
export function confusionMatrix(a: readonly number[], b: readonly number[], k = LEVELS): number[][] {
  const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  a.forEach((x, i) => {
    const row = m[levelValue(x) - 1];
    const y = b[i];
    if (row && y !== undefined) row[levelValue(y) - 1] = (row[levelValue(y) - 1] ?? 0) + 1;
  });
  return m;
}

/**
 * Cohen's kappa with quadratic weights: 1 - sum(w*O) / sum(w*E), where O is the observed confusion matrix,
 * E the one expected by chance from the two marginals, and w(i,j) = (i-j)^2 / (k-1)^2.
 */
export function quadraticWeightedKappa(matrix: readonly (readonly number[])[]): number | null {
  const k = matrix.length;
  const n = matrix.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0);
  if (n === 0 || k < 2) return null;
  const rows = matrix.map((row) => row.reduce((a, b) => a + b, 0));
  const cols = Array.from({ length: k }, (_, j) => matrix.reduce((s, row) => s + (row[j] ?? 0), 0));
  let observed = 0;
  let expected = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const w = (i - j) ** 2 / (k - 1) ** 2;
      observed += w * (matrix[i]?.[j] ?? 0);
      expected += (w * (rows[i] ?? 0) * (cols[j] ?? 0)) / n;
    }
  }
  return expected === 0 ? null : finite(1 - observed / expected);
}

/** All agreement metrics of `judge` against `human` (paired arrays on the 1..5 scale). */
export function agreement(judge: readonly number[], human: readonly number[]): Agreement {
  if (judge.length !== human.length) throw new Error('agreement: arrays differ in length');
  const n = judge.length;
  if (n === 0) return { n, pearson: null, spearman: null, qwk: null, mae: null, rmse: null, exact: null, within1: null };
  let abs = 0;
  let sq = 0;
  let exact = 0;
  let within1 = 0;
  judge.forEach((j, i) => {
    const h = human[i] ?? Number.NaN;
    abs += Math.abs(j - h);
    sq += (j - h) ** 2;
    const d = Math.abs(levelValue(j) - levelValue(h));
    if (d === 0) exact++;
    if (d <= 1) within1++;
  });
  return {
    n,
    pearson: pearson(judge, human),
    spearman: spearman(judge, human),
    qwk: quadraticWeightedKappa(confusionMatrix(human, judge)),
    mae: abs / n,
    rmse: Math.sqrt(sq / n),
    exact: exact / n,
    within1: within1 / n,
  };
}

/** Map a score on the dataset's scale linearly onto 1..5. */
export function toJudgeScale(score: number, scale: { min: number; max: number }): number {
  return 1 + (4 * (score - scale.min)) / (scale.max - scale.min);
}

function varies(xs: readonly number[]): boolean {
  return xs.some((x) => x !== xs[0]);
}

function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
