import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEmbeddedJudge } from '../src/judge/embedded/embedded-judge.js';
import { scopeDrift } from '../src/monitoring/drift.js';
import { createDriftMonitor, type DriftTarget } from '../src/monitoring/drift-monitor.js';
import { DriftReportSchema } from '../src/monitoring/drift-schemas.js';
import type { NewGradeEvent } from '../src/store/grade-events-repo.js';
import { createStore, type Store } from '../src/store/store.js';
import { postJson } from './helpers/app.js';
import { parseProm } from './helpers/prom.js';
import { servedApp } from './helpers/served-app.js';

const judge = createEmbeddedJudge();
const TARGET: DriftTarget = { variant: 'A', judgeKind: judge.kind, model: judge.model, promptName: null, promptVersion: judge.promptVersion };
const KEY = { variant: TARGET.variant, model: TARGET.model, promptVersion: TARGET.promptVersion };

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

let clock = Date.parse('2026-03-01T00:00:00Z');
function event(over: Partial<NewGradeEvent>): NewGradeEvent {
  clock += 1000;
  return {
    at: new Date(clock).toISOString(),
    source: 'session',
    role: 'served',
    variant: 'A',
    judgeKind: judge.kind,
    model: judge.model,
    promptName: null,
    promptVersion: judge.promptVersion,
    sessionId: null,
    turnId: null,
    questionId: 'data-drift',
    pairId: null,
    answerChars: 100,
    answerWords: 20,
    outcome: 'scored',
    reason: null,
    score: 3,
    rawScore: 3,
    inconsistent: null,
    promptTokens: null,
    completionTokens: null,
    latencyMs: 5,
    grade: null,
    ...over,
  };
}

/** Scores as levels: counts[i] grades at level i + 1. */
function levels(counts: readonly number[]): number[] {
  return counts.flatMap((n, i) => new Array<number>(n).fill(i + 1));
}

async function seed(store: Store, scores: readonly number[], over: Partial<NewGradeEvent> = {}, words?: readonly number[]) {
  await store.gradeEvents.insertMany(scores.map((s, i) => event({ rawScore: s, score: s, answerWords: words?.[i] ?? 20, ...over })));
}

describe('drift of a seeded grade log', () => {
  it('computes PSI of a shifted score distribution and of shorter answers, as computed by hand', async () => {
    const store = createStore({ path: ':memory:' });
    await seed(store, levels([4, 8, 16, 8, 4]), {}, Array.from({ length: 40 }, (_, i) => 10 + i));
    // An unscored grade has no score: it is in neither distribution.
    await store.gradeEvents.insert(event({ outcome: 'unscored', reason: 'timeout', rawScore: null, score: null }));
    await seed(store, levels([16, 12, 8, 4, 0]), {}, new Array<number>(40).fill(11));
    const d = await scopeDrift(store.gradeEvents, KEY, { baseline: 40, window: 40 });
    expect(d.status).toBe('ok');
    // Baseline shares .1 .2 .4 .2 .1, window .4 .3 .2 .1 0 (the empty bin counts as 1e-4):
    //   .3 ln 4 + .1 ln 1.5 + (-.2) ln .5 + (-.1) ln .5 + (1e-4 - .1) ln(1e-4 / .1)
    //   = .415888 + .040547 + .138629 + .069315 + .690085 = 1.354464
    expect(d.score?.psi).toBeCloseTo(1.354464, 4);
    expect(d.score?.reading).toBe('significant');
    expect(d.score?.bins.map((b) => [b.label, b.baseline, b.window])).toEqual([
      ['1', 0.1, 0.4],
      ['2', 0.2, 0.3],
      ['3', 0.4, 0.2],
      ['4', 0.2, 0.1],
      ['5', 0.1, 0],
    ]);
    expect(d.score?.baselineMean).toBe(3);
    expect(d.score?.windowMean).toBe(2);
    // Sampling noise at 40 a side over 5 bins: 9.488 x (1/40 + 1/40) = 0.4744; 1.354 is well beyond it.
    expect(d.score?.noiseP95).toBeCloseTo(0.4744, 4);
    expect(d.score?.beyondNoise).toBe(true);
    // Lengths 10..49 words make five quintiles of 8 answers each (0-17, 18-25, 26-33, 34-41, over 41).
    // Every window answer has 11 words, so the first bin holds all of it:
    //   .8 ln 5 + 4 x (1e-4 - .2) ln(1e-4 / .2) = 1.287550 + 6.077682 = 7.365232
    expect(d.answerLength?.bins.map((b) => [b.label, b.baseline, b.window])).toEqual([
      ['0-17 words', 0.2, 1],
      ['18-25 words', 0.2, 0],
      ['26-33 words', 0.2, 0],
      ['34-41 words', 0.2, 0],
      ['over 41 words', 0.2, 0],
    ]);
    expect(d.answerLength?.psi).toBeCloseTo(7.365232, 4);
    expect(d.answerLength).toMatchObject({ baselineMedian: 29.5, windowMedian: 11, reading: 'significant', beyondNoise: true });
  });

  it('adds bins below and above a baseline whose answer lengths do not vary', async () => {
    const store = createStore({ path: ':memory:' });
    await seed(store, levels([4, 8, 16, 8, 4]), {}, new Array<number>(40).fill(60));
    await seed(store, levels([4, 8, 16, 8, 4]), {}, new Array<number>(40).fill(5));
    const d = await scopeDrift(store.gradeEvents, KEY, { baseline: 40, window: 40 });
    expect(d.answerLength?.bins.map((b) => [b.label, b.baseline, b.window])).toEqual([
      ['0-59 words', 0, 1],
      ['60 words', 1, 0],
      ['over 60 words', 0, 0],
    ]);
    // Two bins swap all their mass: 2 x (1 - 1e-4) ln(1e4) = 18.418838.
    expect(d.answerLength?.psi).toBeCloseTo(18.418838, 4);
  });

  it('reads an unchanged distribution as stable', async () => {
    const store = createStore({ path: ':memory:' });
    await seed(store, [...levels([4, 8, 16, 8, 4]), ...levels([4, 8, 16, 8, 4])]);
    const d = await scopeDrift(store.gradeEvents, KEY, { baseline: 40, window: 40 });
    expect(d.score).toMatchObject({ psi: 0, reading: 'stable' });
    expect(d.answerLength).toMatchObject({ psi: 0, reading: 'stable' });
  });

  it('gives no PSI until both the baseline and the window are full', async () => {
    const store = createStore({ path: ':memory:' });
    await seed(store, levels([2, 4, 8, 4, 2]));
    expect(await scopeDrift(store.gradeEvents, KEY, { baseline: 40, window: 40 })).toMatchObject({ status: 'collecting-baseline', baseline: { n: 20 }, score: null });
    await seed(store, levels([4, 8, 16, 8, 4]));
    expect(await scopeDrift(store.gradeEvents, KEY, { baseline: 40, window: 40 })).toMatchObject({ status: 'collecting-window', baseline: { n: 40 }, window: { n: 20 }, score: null });
  });

  it('keeps a baseline per prompt version: grades of another version are not compared', async () => {
    const store = createStore({ path: ':memory:' });
    await seed(store, levels([4, 8, 16, 8, 4]));
    await seed(store, levels([40, 0, 0, 0, 0]), { promptVersion: 'judge-other' });
    expect((await scopeDrift(store.gradeEvents, KEY, { baseline: 40, window: 40 })).status).toBe('collecting-window');
    expect((await scopeDrift(store.gradeEvents, { ...KEY, promptVersion: 'judge-other' }, { baseline: 40, window: 40 })).status).toBe('collecting-window');
  });
});

/** 200 baseline grades over two questions, then 200 more where only data-drift's scores fall. */
async function seedShifted(store: Store) {
  const both = (dd: number[], ml: number[]) =>
    store.gradeEvents.insertMany(
      dd.flatMap((s, i) => [
        event({ questionId: 'data-drift', rawScore: s, score: s }),
        event({ questionId: 'mlops', rawScore: ml[i] ?? 3, score: ml[i] ?? 3 }),
      ]),
    );
  await both(levels([10, 20, 40, 20, 10]), levels([10, 20, 40, 20, 10]));
  await both(levels([40, 30, 20, 10, 0]), levels([10, 20, 40, 20, 10]));
}
const SIZES = { baseline: 200, window: 200, question: 100 };

describe('GET /api/monitoring/drift', () => {
  it('reads the shifted question as significant, the other as stable, warns once and exports gauges', async () => {
    const { app, store, warnings } = servedApp({ judge, drift: SIZES });
    await seedShifted(store);
    const res = await app.request('/api/monitoring/drift');
    expect(res.status).toBe(200);
    const report = DriftReportSchema.parse(await res.json());
    const a = report.variants[0];
    // Overall: baseline .1 .2 .4 .2 .1 against .25 .25 .3 .15 .05 = 0.226410, moderate; noise 9.488 x 2/200 = 0.0949.
    expect(a?.overall.score).toMatchObject({ reading: 'moderate', noiseP95: 0.0949, beyondNoise: true });
    expect(a?.overall.score?.psi).toBeCloseTo(0.22641, 4);
    const q = (id: string) => a?.questions.find((x) => x.questionId === id);
    expect(q('data-drift')?.score?.psi).toBeCloseTo(1.354464, 4);
    expect(q('data-drift')?.score).toMatchObject({ reading: 'significant', noiseP95: 0.1898 });
    expect(q('mlops')?.score).toMatchObject({ psi: 0, reading: 'stable' });
    expect(report.alerts.map((x) => `${x.scope} ${x.feature} ${x.reading}`).sort()).toEqual(['data-drift score significant', 'overall score moderate']);
    expect(warnings).toHaveLength(2);
    expect(warnings.join('\n')).toMatch(/warning: drift: score PSI 0\.2264 is moderate \(was stable\) for variant A .*sampling noise alone stays under 0\.0949/);
    expect(warnings.join('\n')).toMatch(/score PSI 1\.3545 is significant \(was stable\) on question data-drift/);

    const s = parseProm(await (await app.request('/metrics')).text());
    const label = (question: string, feature = 'score') => `{variant="A",prompt_version="${judge.promptVersion}",feature="${feature}",question="${question}"}`;
    expect(s.get(`coach_drift_psi${label('all')}`)).toBeCloseTo(0.22641, 4);
    expect(s.get(`coach_drift_psi_noise_p95${label('all')}`)).toBeCloseTo(0.0949, 4);
    expect(s.get(`coach_drift_psi${label('data-drift')}`)).toBeCloseTo(1.354464, 4);
    expect(s.get(`coach_drift_psi${label('mlops')}`)).toBe(0);
    expect(s.get(`coach_drift_psi${label('all', 'answer-length')}`)).toBe(0);
    // Nothing crossed since: no new warning.
    await app.request('/api/monitoring/drift');
    expect(warnings).toHaveLength(2);
  });

  it('does not alert on a PSI that sampling noise explains at small sizes', async () => {
    const store = createStore({ path: ':memory:' });
    const warn: string[] = [];
    const monitor = createDriftMonitor({ events: store.gradeEvents, targets: [TARGET], sizes: { baseline: 40, window: 40, question: 1000 }, log: { warn: (l) => warn.push(l), info: () => undefined } });
    // The overall shift above (PSI 0.2264) on 40 grades a side: moderate by the usual reading, but samples
    // of 40 from one distribution reach 0.4744 one time in twenty.
    await seed(store, [...levels([4, 8, 16, 8, 4]), ...levels([10, 10, 12, 6, 2])]);
    const r = await monitor.report();
    expect(r.variants[0]?.overall.score).toMatchObject({ reading: 'moderate', noiseP95: 0.4744, beyondNoise: false });
    expect(r.alerts).toEqual([]);
    expect(warn).toEqual([]);
  });

  it('survives a restart: the readings come from the database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coach-drift-'));
    dirs.push(dir);
    const path = join(dir, 'coach.db');
    const first = createStore({ path });
    await seedShifted(first);
    await first.close();
    const reopened = createStore({ path });
    const lines: string[] = [];
    const monitor = createDriftMonitor({ events: reopened.gradeEvents, targets: [TARGET], sizes: SIZES, log: { warn: (l) => lines.push(l), info: (l) => lines.push(l) } });
    expect((await monitor.report()).variants[0]?.overall.score?.psi).toBeCloseTo(0.22641, 4);
    // Drift present at start-up is reported once by the new process.
    expect(lines).toHaveLength(2);
    await reopened.close();
  });

  it('checks every N logged grades at most once per interval, and says when drift falls back', async () => {
    const store = createStore({ path: ':memory:' });
    const warn: string[] = [];
    const info: string[] = [];
    let t = 0;
    const monitor = createDriftMonitor({
      events: store.gradeEvents,
      targets: [TARGET],
      sizes: { baseline: 20, window: 20, question: 1000 },
      checkEvery: 5,
      minIntervalMs: 1000,
      now: () => new Date(t),
      log: { warn: (l) => warn.push(l), info: (l) => info.push(l) },
    });
    await seed(store, [...levels([2, 4, 8, 4, 2]), ...levels([8, 6, 4, 2, 0])]);
    for (let i = 0; i < 4; i++) await monitor.noteGrade();
    expect(warn).toHaveLength(0);
    await monitor.noteGrade();
    expect(warn).toEqual([expect.stringMatching(/score PSI 1\.3545 is significant \(was stable\)/)]);
    // Five more grades within the interval: no check yet; after it, the next grade checks.
    await seed(store, levels([2, 4, 8, 4, 2]));
    t = 999;
    for (let i = 0; i < 5; i++) await monitor.noteGrade();
    expect(info).toHaveLength(0);
    t = 1000;
    await monitor.noteGrade();
    expect(info).toEqual([expect.stringMatching(/score PSI 0 is stable \(was significant\)/)]);

  });
});

describe('drift of live grades', () => {
  it('sees a deliberately shifted batch of answers graded through the app', async () => {
    const { app, warnings } = servedApp({ judge, drift: { baseline: 20, window: 20, question: 1000 } });
    const strong = 'Data drift is a change in the distribution of production inputs compared with the training data, for example a new market or a changed upstream feature pipeline. We detect it by comparing feature distributions with PSI or KS tests on a schedule and alert when PSI is above 0.25; we retrain on recent data when the drift hurts model performance.';
    for (let i = 0; i < 20; i++) expect((await postJson(app, '/api/grade', { questionId: 'data-drift', answer: `${strong} (${i})` })).status).toBe(200);
    for (let i = 0; i < 20; i++) expect((await postJson(app, '/api/grade', { questionId: 'data-drift', answer: `Data changes. (${i})` })).status).toBe(200);
    const report = DriftReportSchema.parse(await (await app.request('/api/monitoring/drift')).json());
    const overall = report.variants[0]?.overall;
    expect(overall?.status).toBe('ok');
    expect(overall?.answerLength?.reading).toBe('significant');
    expect(overall?.score?.reading).toBe('significant');
    expect(overall?.score?.windowMean).toBeLessThan(overall?.score?.baselineMean ?? 0);
    expect(warnings.some((w) => /answer-length PSI/.test(w))).toBe(true);
  });
});
