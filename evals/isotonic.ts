import type { CalibrationPoint } from '../src/grading/calibration-artifact.js';

export interface Pair {
  /** Raw judge score. */
  x: number;
  /** Human score on the judge's 1..5 scale. */
  y: number;
}

/**
 * Isotonic regression by pool-adjacent-violators: the non-decreasing step function of x closest (least
 * squares) to y. Returns one knot per distinct raw score, sorted.
 *
 * Why isotonic: the map must be monotone (a better raw score never calibrates lower), and the distortions
 * of a lexical judge are not linear (it compresses the top of the scale), so a parametric map would
 * leave part of the error in place. With few labels per raw value PAVA pools neighbours by itself.
 */
export function fitIsotonic(pairs: readonly Pair[]): CalibrationPoint[] {
  // Items with the same raw score must map to one value: start from their mean, weighted by count.
  const byX = new Map<number, { sum: number; w: number }>();
  for (const p of pairs) {
    const e = byX.get(p.x) ?? { sum: 0, w: 0 };
    e.sum += p.y;
    e.w += 1;
    byX.set(p.x, e);
  }
  const xs = [...byX.keys()].sort((a, b) => a - b);
  const blocks: { mean: number; w: number; xs: number[] }[] = [];
  for (const x of xs) {
    const e = byX.get(x);
    if (!e) continue;
    blocks.push({ mean: e.sum / e.w, w: e.w, xs: [x] });
    // Pool while the last two blocks violate the order.
    while (blocks.length >= 2) {
      const b = blocks[blocks.length - 1];
      const a = blocks[blocks.length - 2];
      if (!a || !b || a.mean <= b.mean) break;
      const w = a.w + b.w;
      blocks.splice(-2, 2, { mean: (a.mean * a.w + b.mean * b.w) / w, w, xs: [...a.xs, ...b.xs] });
    }
  }
  const clamp = (v: number) => Math.min(5, Math.max(1, v));
  return blocks.flatMap((b) => b.xs.map((x) => ({ raw: x, calibrated: clamp(b.mean) })));
}
