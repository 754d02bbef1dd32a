/**
 * Ridge regression in closed form on standardised inputs: beta = (Z'WZ + lambda I)^-1 Z'W(y - mean y), with
 * an unpenalised intercept. Deterministic (no iteration, no randomness), so refitting on the same rows
 * gives the same weights to the last bit.
 */
export interface RidgeFit {
  intercept: number;
  weights: number[];
  means: number[];
  scales: number[];
}

export function fitRidge(x: readonly (readonly number[])[], y: readonly number[], lambda: number, sampleWeight?: readonly number[]): RidgeFit {
  const n = x.length;
  const p = x[0]?.length ?? 0;
  if (n === 0) throw new RangeError('ridge: no rows to fit');
  const sw = sampleWeight ?? new Array<number>(n).fill(1);
  const wSum = sw.reduce((a, b) => a + b, 0);
  const means = new Array<number>(p).fill(0);
  let yMean = 0;
  x.forEach((row, i) => {
    const w = sw[i] ?? 1;
    for (let j = 0; j < p; j++) means[j] = (means[j] ?? 0) + w * (row[j] ?? 0);
    yMean += w * (y[i] ?? 0);
  });
  for (let j = 0; j < p; j++) means[j] = (means[j] ?? 0) / wSum;
  yMean /= wSum;
  const scales = new Array<number>(p).fill(0);
  x.forEach((row, i) => {
    for (let j = 0; j < p; j++) scales[j] = (scales[j] ?? 0) + (sw[i] ?? 1) * ((row[j] ?? 0) - (means[j] ?? 0)) ** 2;
  });
  // A constant column (sd 0) gets scale 1 and, centred, contributes nothing.
  for (let j = 0; j < p; j++) scales[j] = Math.sqrt((scales[j] ?? 0) / wSum) || 1;

  // Normal equations, scaled by 1 / wSum so lambda means the same whatever the number of rows.
  const a = Array.from({ length: p }, (_, j) => Array.from({ length: p + 1 }, (_, k) => (k === j ? lambda : 0)));
  x.forEach((row, i) => {
    const w = (sw[i] ?? 1) / wSum;
    const z = row.map((v, j) => (v - (means[j] ?? 0)) / (scales[j] ?? 1));
    const r = (y[i] ?? 0) - yMean;
    for (let j = 0; j < p; j++) {
      const aj = a[j];
      if (!aj) continue;
      const zj = (z[j] ?? 0) * w;
      for (let k = 0; k < p; k++) aj[k] = (aj[k] ?? 0) + zj * (z[k] ?? 0);
      aj[p] = (aj[p] ?? 0) + zj * r;
    }
  });
  return { intercept: yMean, weights: solve(a, p), means, scales };
}

/** Gaussian elimination with partial pivoting on an augmented p x (p+1) matrix (positive definite here). */
function solve(a: number[][], p: number): number[] {
  for (let c = 0; c < p; c++) {
    let piv = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(a[r]?.[c] ?? 0) > Math.abs(a[piv]?.[c] ?? 0)) piv = r;
    [a[c], a[piv]] = [a[piv] ?? [], a[c] ?? []];
    const rc = a[c] ?? [];
    const d = rc[c] ?? 1;
    for (let r = 0; r < p; r++) {
      if (r === c) continue;
      const rr = a[r] ?? [];
      const f = (rr[c] ?? 0) / d;
      if (f === 0) continue;
      for (let k = c; k <= p; k++) rr[k] = (rr[k] ?? 0) - f * (rc[k] ?? 0);
    }
  }
  return Array.from({ length: p }, (_, j) => (a[j]?.[p] ?? 0) / (a[j]?.[j] ?? 1));
}

export function predictRidge(fit: RidgeFit, row: readonly number[]): number {
  let s = fit.intercept;
  for (let j = 0; j < fit.weights.length; j++) s += (fit.weights[j] ?? 0) * (((row[j] ?? 0) - (fit.means[j] ?? 0)) / (fit.scales[j] ?? 1));
  return s;
}
