import { describe, expect, it } from 'vitest';
import { agreement, confusionMatrix, levelValue, pearson, quadraticWeightedKappa, spearman, toJudgeScale } from '../evals/metrics.js';
import { bleu, lcsLength, rougeL } from '../evals/text-overlap.js';

describe('agreement metrics, against values computed by hand', () => {
  it('pearson: [1,2,3] vs [1,3,2] has covariance 1 over variances 2 and 2, so 0.5', () => {
    expect(pearson([1, 2, 3], [1, 3, 2])).toBeCloseTo(0.5, 12);
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12);
  });

  it('spearman gives tied values their mean rank', () => {
    // ranks [1, 2.5, 2.5, 4] vs [1, 2, 3, 4]: covariance 4.5, variances 4.5 and 5 -> 4.5 / sqrt(22.5)
    expect(spearman([1, 2, 2, 3], [1, 2, 3, 4])).toBeCloseTo(4.5 / Math.sqrt(22.5), 12);
    // monotone but not linear: rank correlation 1, pearson below 1
    expect(spearman([1, 2, 3, 4], [1, 4, 9, 100])).toBeCloseTo(1, 12);
    expect(pearson([1, 2, 3, 4], [1, 4, 9, 100])!).toBeLessThan(0.9);
  });

  it('correlations are null, not NaN, when one side is constant or there is one item', () => {
    expect(pearson([3, 3, 3], [1, 2, 3])).toBeNull();
    expect(spearman([1], [1])).toBeNull();
  });

  it('quadratic weighted kappa of a small matrix', () => {
    // human [1,1,2,2] vs judge [1,2,2,2]: observed weighted disagreement 1/16, expected 2/16 -> 0.5
    const m = confusionMatrix([1, 1, 2, 2], [1, 2, 2, 2]);
    expect(m[0]).toEqual([1, 1, 0, 0, 0]);
    expect(m[1]).toEqual([0, 2, 0, 0, 0]);
    expect(quadraticWeightedKappa(m)).toBeCloseTo(0.5, 12);
  });

  it('kappa is 1 for perfect agreement, weighs far misses more, and is null when chance agreement is total', () => {
    expect(quadraticWeightedKappa(confusionMatrix([1, 2, 3, 4, 5], [1, 2, 3, 4, 5]))).toBeCloseTo(1, 12);
    const near = quadraticWeightedKappa(confusionMatrix([1, 2, 3, 4, 5], [2, 2, 3, 4, 5]))!;
    const far = quadraticWeightedKappa(confusionMatrix([1, 2, 3, 4, 5], [5, 2, 3, 4, 5]))!;
    expect(near).toBeGreaterThan(far);
    // swapping the two raters does not change it
    expect(quadraticWeightedKappa(confusionMatrix([2, 2, 3, 4, 5], [1, 2, 3, 4, 5]))).toBeCloseTo(near, 12);
    expect(quadraticWeightedKappa(confusionMatrix([3, 3], [3, 3]))).toBeNull();
  });

  it('mae, rmse, exact and within1', () => {
    const a = agreement([1, 2, 4], [2, 2, 2]);
    expect(a.n).toBe(3);
    expect(a.mae).toBeCloseTo(1, 12); // errors 1, 0, 2
    expect(a.rmse).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(a.exact).toBeCloseTo(1 / 3, 12);
    expect(a.within1).toBeCloseTo(2 / 3, 12);
  });

  it('an empty sample has n 0 and no numbers', () => {
    expect(agreement([], [])).toEqual({ n: 0, pearson: null, spearman: null, qwk: null, mae: null, rmse: null, exact: null, within1: null });
  });

  it('levels round half up, as the coach shows them; a dataset scale maps linearly onto 1..5', () => {
    expect([1, 1.49, 1.5, 3.5, 4.49, 5].map(levelValue)).toEqual([1, 1, 2, 4, 4, 5]);
    expect(toJudgeScale(0, { min: 0, max: 5 })).toBe(1);
    expect(toJudgeScale(2.5, { min: 0, max: 5 })).toBe(3);
    expect(toJudgeScale(3, { min: 0, max: 3 })).toBe(5);
  });
});

describe('surface-overlap baselines, against values computed by hand', () => {
  const ref = 'The cat is on the mat.';
  it('ROUGE-L: LCS "the cat on the mat" is 5 of 6 tokens each side, F1 5/6', () => {
    expect(lcsLength(['a', 'b', 'c', 'd'], ['a', 'c', 'd', 'b'])).toBe(3);
    expect(rougeL('the cat sat on the mat', ref)).toBeCloseTo(5 / 6, 12);
    expect(rougeL('dogs bark loudly', ref)).toBe(0);
  });

  it('BLEU-4 with add-one smoothing above unigrams: (5/6 * 4/6 * 2/5 * 1/4)^(1/4)', () => {
    expect(bleu('the cat sat on the mat', ref)).toBeCloseTo((5 / 6 * (4 / 6) * (2 / 5) * (1 / 4)) ** 0.25, 12);
  });

  it('BLEU applies the brevity penalty exp(1 - r/c) to a short candidate', () => {
    // "the cat": every precision is 1 (smoothed where there are no n-grams), r = 6, c = 2
    expect(bleu('the cat', ref)).toBeCloseTo(Math.exp(1 - 6 / 2), 12);
    expect(bleu('', ref)).toBe(0);
    expect(bleu('dogs bark', ref)).toBe(0);
  });
});
