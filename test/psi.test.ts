import { describe, expect, it } from 'vitest';
import { EMPTY_BIN_SHARE, histogram, psi, psiNoiseP95, quantileEdges, readPsi, SCORE_EDGES } from '../src/monitoring/psi.js';
import { seededRandom } from '../src/sessions/plan.js';

describe('PSI', () => {
  it('is 0 for identical distributions', () => {
    expect(psi([10, 20, 30], [1, 2, 3])).toBeCloseTo(0, 12);
  });

  it('matches a hand-computed value', () => {
    // expected 50/50, actual 80/20: (0.8-0.5)ln(0.8/0.5) + (0.2-0.5)ln(0.2/0.5)
    //   = 0.3 x 0.470004 + (-0.3) x (-0.916291) = 0.141001 + 0.274887 = 0.415888
    expect(psi([50, 50], [80, 20])).toBeCloseTo(0.415888, 5);
    // expected 25/25/50, actual 30/30/40:
    //   2 x 0.05 x ln(1.2) + (-0.1) x ln(0.8) = 0.018232 + 0.022314 = 0.040546
    expect(psi([1, 1, 2], [3, 3, 4])).toBeCloseTo(0.040546, 5);
  });

  it('replaces an empty bin by a small share instead of dividing by zero', () => {
    // expected 50/50/0, actual 40/40/20: the empty expected bin counts as 1e-4.
    const e3 = EMPTY_BIN_SHARE;
    const manual = 2 * (0.4 - 0.5) * Math.log(0.4 / 0.5) + (0.2 - e3) * Math.log(0.2 / e3);
    expect(psi([5, 5, 0], [4, 4, 2])).toBeCloseTo(manual, 10);
    // 2 x (-0.1) x ln(0.8) + 0.1999 x ln(2000) = 0.044629 + 1.519420
    expect(manual).toBeCloseTo(1.564049, 5);
    expect(Number.isFinite(psi([5, 5, 0], [0, 0, 10]))).toBe(true);
  });

  it('refuses mismatched or empty histograms', () => {
    expect(() => psi([1, 2], [1, 2, 3])).toThrow(RangeError);
    expect(() => psi([0, 0], [1, 2])).toThrow(/empty/);
  });

  it('reads PSI with the usual thresholds', () => {
    expect(readPsi(0.05)).toBe('stable');
    expect(readPsi(0.1)).toBe('moderate');
    expect(readPsi(0.25)).toBe('moderate');
    expect(readPsi(0.2501)).toBe('significant');
  });

  it('bins scores by level and lengths by baseline quantiles', () => {
    expect(histogram([1, 1.4, 1.5, 2.4, 3, 3.5, 4.9, 5], SCORE_EDGES)).toEqual([2, 2, 1, 1, 2]);
    const edges = quantileEdges([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5);
    expect(edges).toEqual([2, 4, 6, 8]);
    expect(histogram([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], edges)).toEqual([2, 2, 2, 2, 2]);
    expect(quantileEdges([3, 3, 3, 3], 4)).toEqual([3]);
  });

  it('gives the PSI that sampling noise stays under, from the chi-square approximation', () => {
    // 5 bins in use: chi-square(4) at 95% = 9.488, times 1/200 + 1/200.
    expect(psiNoiseP95([20, 40, 80, 40, 20], [20, 40, 80, 40, 20])).toBeCloseTo(0.09488, 6);
    // A bin empty on both sides is not in use: 3 bins, chi-square(2) = 5.991, times 1/30 + 1/60.
    expect(psiNoiseP95([10, 0, 10, 10], [20, 0, 20, 20])).toBeCloseTo(5.991 * (1 / 30 + 1 / 60), 6);
    expect(() => psiNoiseP95([0, 0], [1, 1])).toThrow(/empty/);
  });

  it('holds same-distribution samples under the noise level about 95% of the time', () => {
    const random = seededRandom(11);
    const shares = [0.1, 0.2, 0.4, 0.2, 0.1];
    const draw = (n: number) => {
      const counts = [0, 0, 0, 0, 0];
      for (let i = 0; i < n; i++) {
        let u = random();
        let k = 0;
        while (k < 4 && u >= (shares[k] ?? 0)) u -= shares[k++] ?? 0;
        counts[k] = (counts[k] ?? 0) + 1;
      }
      return counts;
    };
    let above = 0;
    let aboveUsual = 0;
    const trials = 1000;
    for (let t = 0; t < trials; t++) {
      const b = draw(100);
      const w = draw(100);
      if (psi(b, w) > psiNoiseP95(b, w)) above++;
      if (psi(b, w) >= 0.1) aboveUsual++;
    }
    expect(above / trials).toBeGreaterThan(0.02);
    expect(above / trials).toBeLessThan(0.09);
    // The plain 0.1 threshold, at 100 grades a side, calls about a third of unchanged windows drift.
    expect(aboveUsual / trials).toBeGreaterThan(0.2);
  });
});
