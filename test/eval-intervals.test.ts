import { describe, expect, it } from 'vitest';
import { clusterBootstrap } from '../evals/cluster-bootstrap.js';
import { checkGate, GateFile } from '../evals/gate.js';
import { runEval } from '../evals/run-eval.js';
import { createEmbeddedJudge } from '../src/judge/embedded/embedded-judge.js';
import { bank } from './helpers/app.js';

// Two questions. A: two answers graded exactly as the humans did. B: one answer 2 levels over.
// A resample draws two questions with replacement: AA (p 1/4), AB or BA (1/2), BB (1/4).
//   MAE:   AA 0, AB (0 + 0 + 2) / 3 = 2/3, BB 2          -> 95% interval [0, 2]
//   exact: AA 1, AB 2/3, BB 0                             -> [0, 1]
//   pearson: AA 1, AB r([1,2,5],[1,2,3]) = 4 / sqrt(78/9 * 2) = 0.9608, BB undefined (no variance)
//            -> [0.9608, 1] from the 3/4 of the draws where it is defined
const tiny = [
  { cluster: 'A', judge: 1, human: 1 },
  { cluster: 'A', judge: 2, human: 2 },
  { cluster: 'B', judge: 5, human: 3 },
];

describe('cluster bootstrap intervals', () => {
  it('resamples whole questions, matching the hand-computed values', () => {
    const ci = clusterBootstrap(tiny, { resamples: 4000, seed: 7 });
    expect(ci.mae).toEqual([0, 2]);
    expect(ci.exact).toEqual([0, 1]);
    expect(ci.pearson?.[0]).toBeCloseTo(4 / Math.sqrt((78 / 9) * 2), 10);
    expect(ci.pearson?.[1]).toBeCloseTo(1, 10);
  });

  it('is reproducible from its seed and has no interval with one question', () => {
    const many = Array.from({ length: 40 }, (_, i) => ({ cluster: `q${i % 8}`, judge: 1 + ((i * i + (i % 8)) % 5), human: 1 + ((i * 3) % 5) }));
    expect(clusterBootstrap(many, { seed: 3 })).toEqual(clusterBootstrap(many, { seed: 3 }));
    expect(clusterBootstrap(many, { seed: 3 })).not.toEqual(clusterBootstrap(many, { seed: 4 }));
    const one = clusterBootstrap(tiny.filter((t) => t.cluster === 'A'));
    expect(Object.values(one).every((v) => v === null)).toBe(true);
  });

  it('is wider than an answer-level bootstrap when answers to one question move together', () => {
    // Each question's answers share one offset: 10 questions x 10 answers.
    const items = Array.from({ length: 100 }, (_, i) => {
      const q = Math.floor(i / 10);
      const human = 1 + (i % 5);
      return { cluster: `q${q}`, judge: Math.min(5, Math.max(1, human + ((q % 3) - 1))), human };
    });
    const byQuestion = clusterBootstrap(items, { seed: 1 });
    const byAnswer = clusterBootstrap(items.map((t, i) => ({ ...t, cluster: `a${i}` })), { seed: 1 });
    const width = (r: [number, number] | null) => (r ? r[1] - r[0] : 0);
    expect(width(byQuestion.mae)).toBeGreaterThan(width(byAnswer.mae));
  });
});

describe('intervals in the report and the gate', () => {
  it('gives every metric of the report an interval, and the gate can bound its lower end', async () => {
    const report = await runEval({ data: 'data/labelled', bank, judge: createEmbeddedJudge(), bootstrap: { resamples: 300, seed: 1 } });
    expect(report.intervals).toMatchObject({ method: 'cluster-bootstrap', resamples: 300, seed: 1, clusters: 17 });
    for (const series of [report.intervals.raw, report.intervals.calibrated, ...report.intervals.ablation]) {
      for (const m of ['pearson', 'spearman', 'qwk', 'mae', 'rmse', 'exact', 'within1'] as const) {
        const iv = series[m];
        expect(iv, m).not.toBeNull();
        if (iv) expect(iv[0]).toBeLessThanOrEqual(iv[1]);
      }
    }
    const [lo, hi] = report.intervals.raw.pearson ?? [0, 0];
    const { reportHtml } = await import('../evals/report-html.js');
    expect(reportHtml(report)).toContain(`${(report.metrics.raw.pearson ?? 0).toFixed(3)} [${lo.toFixed(3)}, ${hi.toFixed(3)}]`);
    expect(lo).toBeLessThan(report.metrics.raw.pearson ?? 0);
    expect(hi).toBeGreaterThan(report.metrics.raw.pearson ?? 1);

    const gate = (thresholds: object) =>
      checkGate(report, GateFile.parse({ version: 1, judge: 'embedded', minItems: 1, thresholds, adversarial: { tag: 'none-such', maxScore: 2 } }));
    // A point value that passes, with an interval too wide for the bound: the gate fails on the interval.
    const strict = gate({ 'raw.pearson': { min: (report.metrics.raw.pearson ?? 0) - 0.01, interval: { min: hi } } });
    expect(strict.passed).toBe(false);
    expect(strict.failures.join('\n')).toMatch(/raw\.pearson interval \[\d\.\d{3}, \d\.\d{3}\]: its lower end is below/);
    const loose = gate({ 'raw.pearson': { interval: { min: lo - 0.01 } }, 'raw.mae': { interval: { max: (report.intervals.raw.mae?.[1] ?? 0) + 0.01 } } });
    expect(loose.passed, loose.failures.join('\n')).toBe(true);
  });
});

describe('weighted agreement', () => {
  it('equals agreement() of the multiset the weights describe', async () => {
    const { agreement } = await import('../evals/metrics.js');
    const { prepareScores, weightedAgreement } = await import('../evals/weighted-agreement.js');
    const { seededRandom } = await import('../src/sessions/plan.js');
    const random = seededRandom(11);
    for (let trial = 0; trial < 50; trial++) {
      const n = 2 + Math.floor(random() * 30);
      // Ties on purpose: half the scores on whole levels.
      const judge = Array.from({ length: n }, () => (random() < 0.5 ? 1 + Math.floor(random() * 5) : 1 + random() * 4));
      const human = Array.from({ length: n }, () => 1 + Math.floor(random() * 5));
      const weight = Array.from({ length: n }, () => Math.floor(random() * 3));
      const expandedJ: number[] = [];
      const expandedH: number[] = [];
      weight.forEach((w, i) => {
        for (let k = 0; k < w; k++) expandedJ.push(judge[i] ?? 0), expandedH.push(human[i] ?? 0);
      });
      const want = agreement(expandedJ, expandedH);
      const got = weightedAgreement(prepareScores(judge, human), weight);
      for (const key of Object.keys(want) as (keyof typeof want)[]) {
        const w = want[key];
        const g = got[key];
        if (w === null) expect(g, `${key} trial ${trial}`).toBeNull();
        else expect(g, `${key} trial ${trial}`).toBeCloseTo(w, 9);
      }
    }
  });
});
