import { describe, expect, it } from 'vitest';
import { interpolate } from '../src/grading/calibration-artifact.js';
import { crossValidatedCalibration, planFolds } from '../evals/cross-validate.js';
import { fitIsotonic } from '../evals/isotonic.js';
import { agreement } from '../evals/metrics.js';

describe('isotonic fit', () => {
  it('pools adjacent violators: y = [1,3,2,4] becomes [1,2.5,2.5,4]', () => {
    const pts = fitIsotonic([1, 3, 2, 4].map((y, i) => ({ x: i + 1, y })));
    expect(pts).toEqual([
      { raw: 1, calibrated: 1 },
      { raw: 2, calibrated: 2.5 },
      { raw: 3, calibrated: 2.5 },
      { raw: 4, calibrated: 4 },
    ]);
  });

  it('gives equal raw scores one value, weighted by how many items have it', () => {
    // x=1 has mean 2 over two items, x=2 has 1 over one item: pooled (2*2 + 1) / 3
    const pts = fitIsotonic([
      { x: 1, y: 1 },
      { x: 1, y: 3 },
      { x: 2, y: 1 },
    ]);
    expect(pts.map((p) => p.calibrated)).toEqual([5 / 3, 5 / 3]);
  });

  it('interpolates linearly between knots and is flat outside them', () => {
    const pts = [
      { raw: 2, calibrated: 1.5 },
      { raw: 4, calibrated: 4.5 },
    ];
    expect(interpolate(pts, 3)).toBeCloseTo(3, 12);
    expect(interpolate(pts, 1)).toBe(1.5);
    expect(interpolate(pts, 5)).toBe(4.5);
  });
});

describe('cross-validation split by question', () => {
  const groups = ['a', 'a', 'a', 'b', 'b', 'c', 'c', 'c', 'c', 'd', 'e', 'e', 'f'];

  it('never puts one question in two folds, and balances the folds', () => {
    const plan = planFolds(groups, 3);
    expect(plan.folds).toBe(3);
    expect(new Set(plan.foldOf.values())).toEqual(new Set([0, 1, 2]));
    const load = [0, 0, 0];
    for (const g of groups) load[plan.foldOf.get(g)!]! += 1;
    expect(Math.max(...load) - Math.min(...load)).toBeLessThanOrEqual(2);
  });

  it('does not depend on the order of the file', () => {
    const a = planFolds(groups, 3);
    const b = planFolds([...groups].reverse(), 3);
    expect([...b.foldOf].sort()).toEqual([...a.foldOf].sort());
  });

  it('uses one fold per question when there are fewer questions than folds', () => {
    expect(planFolds(['x', 'y', 'x'], 5).folds).toBe(2);
    expect(() => planFolds(groups, 1)).toThrow(/at least 2/);
  });

  it('calibrates each item with a map fitted only on other questions (no leakage)', () => {
    // Same raw score, opposite labels per question: out of sample each question gets the other's label.
    const items = [
      ...Array.from({ length: 4 }, () => ({ group: 'p', raw: 3, human: 5 })),
      ...Array.from({ length: 4 }, () => ({ group: 'q', raw: 3, human: 1 })),
    ];
    const { calibrated, fold } = crossValidatedCalibration(items, 2);
    expect(calibrated.slice(0, 4)).toEqual([1, 1, 1, 1]);
    expect(calibrated.slice(4)).toEqual([5, 5, 5, 5]);
    expect(new Set(fold.slice(0, 4)).size).toBe(1);
    expect(fold[0]).not.toBe(fold[4]);
  });

  it('undoes a known monotone distortion of a synthetic judge', () => {
    // A judge that squashes the scale: raw = 1 + 4 * ((h - 1) / 4)^2.5, plus a small deterministic wobble.
    const items = Array.from({ length: 400 }, (_, i) => {
      const human = 1 + ((i * 37) % 401) / 100; // spread over 1..5
      const wobble = Math.sin(i * 1.7) * 0.05;
      const raw = Math.min(5, Math.max(1, 1 + 4 * ((human - 1) / 4) ** 2.5 + wobble));
      return { group: `question-${i % 20}`, raw, human };
    });
    const { calibrated } = crossValidatedCalibration(items, 5);
    const human = items.map((i) => i.human);
    const before = agreement(
      items.map((i) => i.raw),
      human,
    );
    const after = agreement(calibrated, human);
    expect(before.mae!).toBeGreaterThan(0.7);
    expect(after.mae!).toBeLessThan(0.12);
    expect(after.qwk!).toBeGreaterThan(0.95);
    expect(after.qwk!).toBeGreaterThan(before.qwk! + 0.1);
    expect(after.exact!).toBeGreaterThan(before.exact! + 0.3);
    // the rank order was never wrong, so calibration cannot improve spearman much; it must not hurt it
    expect(after.spearman!).toBeGreaterThan(0.99);
  });
});
