import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../evals/dataset.js';
import { runEvalCommand } from '../evals/eval-command.js';
import { fitJudgeModel, loadTrainingSet } from '../evals/fit-judge.js';
import { crossValidateJudge } from '../evals/judge-cv.js';
import type { AnalysedItem } from '../evals/judge-features.js';
import type { ItemResult } from '../evals/item-results.js';
import { agreement } from '../evals/metrics.js';
import { ceilingOf } from '../evals/report.js';
import { align, alignTarget, stemsWithSurface } from '../src/judge/embedded/alignment.js';
import { JudgeModel, modelId } from '../src/judge/embedded/judge-model.js';
import { fitRidge, predictRidge } from '../src/judge/embedded/ridge.js';
import { isTermList } from '../src/judge/embedded/text-shape.js';
import { contentStems, sentences } from '../src/text/tokens.js';
import { bank } from './helpers/app.js';

const best = (reference: string, word: string) => {
  const t = alignTarget(stemsWithSurface(sentences(reference)));
  const written = stemsWithSurface(sentences(word));
  return Math.max(...align(t, [...written.keys()], undefined, written).answer);
};

describe('word alignment', () => {
  it('aligns the same stem, a WordNet synonym, a hypernym and a typo, and nothing else', () => {
    expect(best('monitoring', 'monitored')).toBe(1);
    expect(best('quick', 'rapid')).toBe(0.9);
    expect(best('big', 'large')).toBe(0.9);
    expect(best('queue', 'line')).toBe(0.5);
    expect(best('reference', 'refrence')).toBe(0.9);
    expect(best('kubernetes', 'kubrnetes')).toBe(0.9);
    expect(best('queue', 'banana')).toBe(0);
  });
});

describe('list or prose, from the shape of the text', () => {
  it('reads a comma list of terms as a list and prose in any language as prose', () => {
    expect(isTermList('covariate shift, PSI, KS test, chi-square, KL divergence, Wasserstein, baseline')).toBe(true);
    expect(isTermList('Exact match + JSON schema + field coverage + LLM judge + rubric + A/B')).toBe(true);
    expect(isTermList('We monitor latency, errors, and business metrics, and we alert on drift.')).toBe(false);
    expect(isTermList('Wir vergleichen die Verteilungen, zum Beispiel mit PSI, und trainieren neu, wenn es nötig ist.')).toBe(false);
  });
});

describe('ridge regression', () => {
  it('recovers a linear relation and is deterministic', () => {
    const x = Array.from({ length: 50 }, (_, i) => [i / 10, (i * 7) % 5]);
    const y = x.map(([a = 0, b = 0]) => 1 + 2 * a - 0.5 * b);
    const fit = fitRidge(x, y, 1e-9);
    expect(predictRidge(fit, [2, 3])).toBeCloseTo(1 + 4 - 1.5, 5);
    expect(fitRidge(x, y, 1e-9)).toEqual(fit);
  });
});

describe('cross-validation of the embedded judge', () => {
  it('never lets a fold be scored by weights that saw its labels', () => {
    const items: AnalysedItem[] = Array.from({ length: 60 }, (_, i) => ({
      id: `i${i}`,
      group: `q${i % 6}`,
      human: 1 + (i % 5),
      values: { a: (i % 5) / 4 + ((i * 13) % 7) / 70, b: ((i * 3) % 11) / 11 },
      nonAnswer: false,
      cap: null,
      flags: [],
      weight: 1,
    }));
    const spec = { features: ['a', 'b'], lambda: 0.01 };
    const cv = crossValidateJudge(items, 3, spec);
    // Change every label of the items scored in fold 0: their own scores must not move.
    const changed = items.map((it, i) => (cv.fold[i] === 0 ? { ...it, human: 6 - it.human } : it));
    const again = crossValidateJudge(changed, 3, spec);
    items.forEach((_, i) => {
      if (cv.fold[i] === 0) expect(again.uncapped[i]).toBe(cv.uncapped[i]);
    });
    expect(items.some((_, i) => cv.fold[i] !== 0 && again.uncapped[i] !== cv.uncapped[i])).toBe(true);
  });

  it('applies a cap after the model and the calibration', () => {
    const items: AnalysedItem[] = Array.from({ length: 30 }, (_, i) => ({
      id: `i${i}`,
      group: `q${i % 3}`,
      human: 5,
      values: { a: 1 },
      nonAnswer: false,
      cap: i === 0 ? 2 : null,
      flags: i === 0 ? ['keyword-stuffing'] : [],
      weight: 1,
    }));
    const cv = crossValidateJudge(items, 3, { features: ['a'], lambda: 0.01 });
    expect(cv.uncapped[0]).toBeCloseTo(5, 5);
    expect(cv.raw[0]).toBe(2);
    expect(cv.calibrated[0]).toBe(2);
  });
});

describe('fitting the judge', () => {
  it('writes a model that names its training data and rules, deterministic but for the time it was fitted', () => {
    const set = loadTrainingSet({ path: 'data/labelled', scale: { min: 1, max: 5 }, itemWeight: 1 }, bank);
    const a = fitJudgeModel([set], new Date(0));
    const b = fitJudgeModel([set], new Date(0));
    expect(a).toEqual(b);
    expect(JudgeModel.parse(a).id).toBe(modelId(a));
    expect(a.fittedOn).toEqual([{ dataset: 'data/labelled', items: 191, sha256: expect.stringMatching(/^[0-9a-f]{64}$/), humanScale: { min: 1, max: 5 }, itemWeight: 1 }]);
  });
});

describe('the human ceiling', () => {
  const item = (raters: number[]) => ({ raters }) as unknown as ItemResult;
  it('compares rater with rater directly, and averages over pairs with more raters', () => {
    const r1 = [1, 2, 3, 4, 5, 3];
    const r2 = [2, 2, 3, 5, 4, 2];
    const c = ceilingOf(r1.map((x, i) => item([x, r2[i] ?? 0])));
    expect(c?.pearson).toBeCloseTo(agreement(r1, r2).pearson ?? 0, 10);
    expect(c?.rmse).toBeCloseTo(agreement(r1, r2).rmse ?? 0, 10);
    const r3 = [1, 3, 3, 4, 5, 4];
    const three = ceilingOf(r1.map((x, i) => item([x, r2[i] ?? 0, r3[i] ?? 0])));
    const pairs = [agreement(r1, r2), agreement(r1, r3), agreement(r2, r3)];
    expect(three?.pairs).toBe(3);
    expect(three?.pearson).toBeCloseTo(pairs.reduce((s, p) => s + (p.pearson ?? 0), 0) / 3, 10);
  });
});

describe('eval harness', () => {
  it('takes a one-word reference answer', () => {
    const dir = mkdtempSync(join(tmpdir(), 'short-ref-'));
    const file = join(dir, 'd.jsonl');
    writeFileSync(file, `${JSON.stringify({ id: 'a', question: 'Which stack operation adds an element?', referenceAnswer: 'push', answer: 'push', humanScore: 5 })}\n`);
    const d = loadDataset(file, bank, { min: 0, max: 5 });
    expect(d.invalid).toEqual([]);
    expect(d.items).toHaveLength(1);
    expect(contentStems(d.items[0]?.referenceAnswer ?? '')).toEqual(['push']);
  });

  it('prints the by-tag table', async () => {
    let out = '';
    const code = await runEvalCommand(['--data', 'test/fixtures/labelled-mini.jsonl', '--judge', 'embedded', '--folds', '3', '--out', mkdtempSync(join(tmpdir(), 'tags-'))], {}, {
      stdout: (t) => (out += t),
      stderr: { write: () => true },
    });
    expect(code).toBe(0);
    expect(out).toMatch(/by tag\s+n\s+human\s+judge/);
    expect(out).toMatch(/\nadversarial\s+\d/);
    expect(out).toMatch(/human ceiling: rater vs rater/);
  });
});
