import { describe, expect, it } from 'vitest';
import { simulatePositionBias } from '../../scripts/fake-judge/position-bias.js';
import { fakeJudgeCompleter, llmSetup } from '../helpers/llm.js';

describe('position swap against a judge with a built-in position bias', () => {
  it('cancels a bias of one level toward whichever answer is read first; a single order would not', async () => {
    const { samples, summary } = await simulatePositionBias({ positionBias: 1 });
    expect(summary.samples).toBe(102);
    const inner = samples.filter((s) => s.fair >= 2 && s.fair <= 4);
    expect(inner.length).toBeGreaterThanOrEqual(30);
    for (const s of inner) {
      // Each single order is a full level off; the swapped mean is exactly the fair score.
      expect(s.referenceFirst).toBe(s.fair - 1);
      expect(s.referenceLast).toBe(s.fair + 1);
      expect(s.swapped).toBe(s.fair);
      expect(s.inconsistent).toBe(true);
    }
    // At the ends of the scale the bias is clipped on one side, so the mean keeps half a level of it.
    for (const s of samples.filter((x) => x.fair === 1 || x.fair === 5)) expect(Math.abs(s.swapped - s.fair)).toBe(0.5);
    expect(summary.maeSwapped).toBeLessThan(summary.maeReferenceFirst / 2);
    expect(summary.maeSwapped).toBeLessThan(summary.maeReferenceLast / 2);
  });

  it('halves, and does not cancel, a bias that only ever favours the candidate', async () => {
    const { summary } = await simulatePositionBias({ positionBias: 1, biasMode: 'candidate-only' });
    expect(summary.maeReferenceFirst).toBe(0);
    expect(summary.maeSwapped).toBeCloseTo(summary.maeReferenceLast / 2, 2);
    expect(summary.maeSwapped).toBeGreaterThan(0.25);
  });

  it('shows the single-order score and the swapped one on one answer', async () => {
    const request = { questionId: 'data-drift', answer: 'It is when the input data in production starts to look different from the training data, so the model can get worse.' };
    const fair = await llmSetup(fakeJudgeCompleter()).grade(request);
    const biased = await llmSetup(fakeJudgeCompleter({ positionBias: 1 })).grade(request);
    expect(fair.consistency).toMatchObject({ spread: 0 });
    expect(biased.consistency?.referenceFirst).toBe(fair.rawScore! - 1);
    expect(biased.consistency?.referenceLast).toBe(fair.rawScore! + 1);
    expect(biased.rawScore).toBe(fair.rawScore);
    expect(biased.flags).toContain('low-confidence');
  });
});
