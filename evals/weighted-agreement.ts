import { type Agreement, LEVELS, levelValue } from './metrics.js';
import { quadraticWeightedKappa } from './metrics.js';

/**
 * Paired scores prepared once for many weighted agreement readings: the levels and both sort orders are
 * computed here, so a reading is linear in the number of items. A bootstrap resample is a multiset of the
 * items, i.e. a weight (its multiplicity) per item, so it needs no copy of the arrays and no sort.
 */
export interface PreparedScores {
  judge: Float64Array;
  human: Float64Array;
  judgeLevel: Int8Array;
  humanLevel: Int8Array;
  /** Item indices by ascending judge score, and by ascending human score. */
  byJudge: Int32Array;
  byHuman: Int32Array;
}

export function prepareScores(judge: readonly number[], human: readonly number[]): PreparedScores {
  if (judge.length !== human.length) throw new Error('prepareScores: arrays differ in length');
  const n = judge.length;
  const order = (xs: readonly number[]) => Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => (xs[a] ?? 0) - (xs[b] ?? 0));
  return {
    judge: Float64Array.from(judge),
    human: Float64Array.from(human),
    judgeLevel: Int8Array.from(judge, levelValue),
    humanLevel: Int8Array.from(human, levelValue),
    byJudge: order(judge),
    byHuman: order(human),
  };
}

/**
 * `agreement()` of the multiset in which item i appears `weight[i]` times, without building it: the same
 * definitions (mean ranks for ties, quadratic weighted kappa on rounded levels, null where undefined).
 */
export function weightedAgreement(p: PreparedScores, weight: ArrayLike<number>): Agreement {
  const n = p.judge.length;
  let total = 0;
  let abs = 0;
  let sq = 0;
  let exact = 0;
  let within1 = 0;
  const matrix = Array.from({ length: LEVELS }, () => new Array<number>(LEVELS).fill(0));
  for (let i = 0; i < n; i++) {
    const w = weight[i] ?? 0;
    if (w === 0) continue;
    total += w;
    const d = (p.judge[i] ?? 0) - (p.human[i] ?? 0);
    abs += w * Math.abs(d);
    sq += w * d * d;
    const jl = p.judgeLevel[i] ?? 1;
    const hl = p.humanLevel[i] ?? 1;
    const ld = Math.abs(jl - hl);
    if (ld === 0) exact += w;
    if (ld <= 1) within1 += w;
    const row = matrix[hl - 1];
    if (row) row[jl - 1] = (row[jl - 1] ?? 0) + w;
  }
  if (total === 0) return { n: 0, pearson: null, spearman: null, qwk: null, mae: null, rmse: null, exact: null, within1: null };
  const judgeRank = ranks(p.judge, p.byJudge, weight);
  const humanRank = ranks(p.human, p.byHuman, weight);
  const correlated = total >= 2 && varies(p.judge, weight) && varies(p.human, weight);
  return {
    n: total,
    pearson: correlated ? correlation(p.judge, p.human, weight) : null,
    spearman: correlated ? correlation(judgeRank, humanRank, weight) : null,
    qwk: quadraticWeightedKappa(matrix),
    mae: abs / total,
    rmse: Math.sqrt(sq / total),
    exact: exact / total,
    within1: within1 / total,
  };
}

/** Mean ranks (1-based) in the weighted multiset: a tie group of weight W after C items ranks C + (W + 1) / 2. */
function ranks(values: Float64Array, order: Int32Array, weight: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length);
  let before = 0;
  let k = 0;
  while (k < order.length) {
    const v = values[order[k] ?? 0];
    let end = k;
    let w = 0;
    while (end < order.length && values[order[end] ?? 0] === v) w += weight[order[end++] ?? 0] ?? 0;
    const rank = before + (w + 1) / 2;
    for (let t = k; t < end; t++) out[order[t] ?? 0] = rank;
    before += w;
    k = end;
  }
  return out;
}

function correlation(x: ArrayLike<number>, y: ArrayLike<number>, weight: ArrayLike<number>): number | null {
  let total = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < x.length; i++) {
    const w = weight[i] ?? 0;
    total += w;
    sx += w * (x[i] ?? 0);
    sy += w * (y[i] ?? 0);
  }
  const mx = sx / total;
  const my = sy / total;
  let cov = 0;
  let vx = 0;
  let vy = 0;
  for (let i = 0; i < x.length; i++) {
    const w = weight[i] ?? 0;
    if (w === 0) continue;
    const dx = (x[i] ?? 0) - mx;
    const dy = (y[i] ?? 0) - my;
    cov += w * dx * dy;
    vx += w * dx * dx;
    vy += w * dy * dy;
  }
  const r = cov / Math.sqrt(vx * vy);
  return Number.isFinite(r) ? r : null;
}

/** Whether the items with weight take more than one value (exactly, as `agreement()` decides it). */
function varies(values: Float64Array, weight: ArrayLike<number>): boolean {
  let first: number | null = null;
  for (let i = 0; i < values.length; i++) {
    if ((weight[i] ?? 0) === 0) continue;
    const v = values[i] ?? 0;
    if (first === null) first = v;
    else if (v !== first) return true;
  }
  return false;
}
