import { describe, expect, it } from 'vitest';
import { AbSummarySchema } from '../src/monitoring/ab-summary.js';
import type { NewGradeEvent } from '../src/store/grade-events-repo.js';
import { postJson } from './helpers/app.js';
import { fakeJudgeCompleter } from './helpers/llm.js';
import { createLlmLimiter, promptJudge, servedApp } from './helpers/served-app.js';

function abApp(share: number, shadow: boolean) {
  const limiter = createLlmLimiter(4);
  const a = promptJudge(fakeJudgeCompleter(), 'default', limiter);
  const b = promptJudge(fakeJudgeCompleter(), 'strict-levels', limiter);
  return { ...servedApp({ judge: a, candidate: { judge: b }, experiment: { promptB: 'strict-levels', share, shadow }, limiter }), a, b };
}

const ANSWERS = [
  'Data drift is a change in the distribution of production inputs compared with the training data; we compare feature distributions with PSI and retrain when it is significant.',
  'Inputs in production stop looking like the training data, for example after a new market opens.',
  'Drift means the data changes over time.',
  'We watch PSI on key features every day and alert above 0.25.',
  'The model gets old.',
  'Production data shifts; KS tests and PSI catch it before accuracy drops, and we retrain on fresh labelled data.',
];

async function summary(app: ReturnType<typeof abApp>['app'], query = '') {
  const res = await app.request(`/api/monitoring/ab${query}`);
  expect(res.status).toBe(200);
  return AbSummarySchema.parse(await res.json());
}

describe('GET /api/monitoring/ab', () => {
  it('summarises served and shadow grades of both prompts, and compares the pairs', async () => {
    const { app, served, a, b } = abApp(0.5, true);
    const answers = [...ANSWERS, ...ANSWERS.map((x) => `${x} That is all.`)];
    for (const answer of answers) expect((await postJson(app, '/api/grade', { questionId: 'data-drift', answer })).status).toBe(200);
    await served.drain();
    const s = await summary(app);
    expect(s.experiment).toMatchObject({ running: true, share: 0.5, shadow: true, A: { promptName: 'default', promptVersion: a.promptVersion }, B: { promptName: 'strict-levels', promptVersion: b.promptVersion } });
    const arm = (variant: string, role: string) => s.arms.find((x) => x.variant === variant && x.role === role);
    const servedA = arm('A', 'served');
    const servedB = arm('B', 'served');
    const shadowB = arm('B', 'shadow');
    expect((servedA?.grades ?? 0) + (servedB?.grades ?? 0)).toBe(answers.length);
    expect(servedA?.grades).toBeGreaterThan(0);
    expect(servedB?.grades).toBeGreaterThan(0);
    // Every answer A served was graded by B in the shadow, and they pair up.
    expect(shadowB?.grades).toBe(servedA?.grades);
    expect(s.shadowPairs?.pairs).toBe(servedA?.grades);
    expect(s.shadowPairs?.bothScored).toBe(servedA?.grades);
    // The candidate takes the lower level between two: it never scores above A on the same answer.
    expect(s.shadowPairs?.meanDifference).toBeLessThanOrEqual(0);
    for (const x of [servedA, servedB, shadowB]) {
      expect(x).toMatchObject({ unscored: 0, failed: 0, unscoredRate: 0 });
      expect(x?.tokens.prompt).toBeGreaterThan(0);
      expect(x?.tokens.perGrade).toBeGreaterThan(0);
    }
    expect(s.servedMeanDifference).toBeCloseTo((servedB?.meanRawScore ?? 0) - (servedA?.meanRawScore ?? 0), 2);
  });

  it('counts unscored, failed and inconsistent grades, and level disagreements, from the grade log', async () => {
    const { app, store, a, b } = abApp(0, true);
    const base = (over: Partial<NewGradeEvent>): NewGradeEvent => ({
      at: '2026-03-01T10:00:00.000Z', source: 'api', role: 'served', variant: 'A', judgeKind: 'llm', model: 'judge-model',
      promptName: 'default', promptVersion: a.promptVersion, sessionId: null, turnId: null, questionId: 'data-drift', pairId: null,
      answerChars: 10, answerWords: 2, outcome: 'scored', reason: null, score: 3, rawScore: 3, inconsistent: false,
      promptTokens: 100, completionTokens: 10, latencyMs: 50, grade: null, ...over,
    });
    const shadow = (over: Partial<NewGradeEvent>) => base({ role: 'shadow', variant: 'B', promptName: 'strict-levels', promptVersion: b.promptVersion, ...over });
    const e = store.gradeEvents;
    await e.insert(base({ pairId: 'p1', rawScore: 4, score: 4 }));
    await e.insert(shadow({ pairId: 'p1', rawScore: 2, score: 2, inconsistent: true }));
    await e.insert(base({ pairId: 'p2', rawScore: 3, score: 3, inconsistent: true }));
    await e.insert(shadow({ pairId: 'p2', rawScore: 3.4, score: 3.4 }));
    await e.insert(base({ pairId: 'p3', rawScore: 5, score: 5 }));
    await e.insert(shadow({ pairId: 'p3', outcome: 'unscored', reason: 'invalid-output', rawScore: null, score: null, inconsistent: null }));
    await e.insert(base({ outcome: 'failed', reason: 'judge-error', rawScore: null, score: null, inconsistent: null, promptTokens: null, completionTokens: null, latencyMs: null }));
    // A grade of an earlier prompt version is not part of this experiment.
    await e.insert(base({ promptVersion: 'judge-older', rawScore: 1, score: 1 }));
    const s = await summary(app);
    const servedA = s.arms.find((x) => x.role === 'served' && x.variant === 'A');
    expect(servedA).toMatchObject({ grades: 4, scored: 3, unscored: 0, failed: 1, unscoredRate: 0.25, inconsistentRate: 0.3333, meanRawScore: 4 });
    expect(servedA?.tokens).toEqual({ prompt: 300, completion: 30, perGrade: 83 });
    expect(s.arms.find((x) => x.role === 'shadow')).toMatchObject({ grades: 3, scored: 2, unscored: 1, unscoredRate: 0.3333, inconsistentRate: 0.5, meanRawScore: 2.7 });
    // Pairs scored by both: (4, 2) and (3, 3.4): B - A = -2 and +0.4; levels 4 vs 2 and 3 vs 3.
    expect(s.shadowPairs).toEqual({ pairs: 3, bothScored: 2, onlyAScored: 1, onlyBScored: 0, meanDifference: -0.8, meanAbsDifference: 1.2, levelDisagreement: 0.5, disagreeBy2OrMore: 0.5 });
    expect((await summary(app, '?since=2026-03-02T00:00:00Z')).arms.every((x) => x.grades === 0)).toBe(true);
    expect((await summary(app, '?since=2026-03-01T10:00:00Z')).arms[0]?.grades).toBe(4);
  });

  it('refuses a since that is not a date and time, naming the field', async () => {
    const { app } = abApp(0.5, false);
    const res = await app.request('/api/monitoring/ab?since=yesterday');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'invalid_request', issues: [{ field: 'since' }] } });
  });

  it('shows variant A alone when no experiment runs', async () => {
    const limiter = createLlmLimiter(2);
    const { app } = servedApp({ judge: promptJudge(fakeJudgeCompleter(), 'default', limiter) });
    await postJson(app, '/api/grade', { questionId: 'data-drift', answer: ANSWERS[0] });
    const s = await summary(app);
    expect(s.experiment).toMatchObject({ running: false, B: null });
    expect(s.arms.map((x) => [x.variant, x.role, x.grades])).toEqual([['A', 'served', 1]]);
    expect(s.shadowPairs).toBeNull();
  });
});
