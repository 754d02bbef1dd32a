import { describe, expect, it } from 'vitest';
import { assignVariant, requestKey } from '../src/experiments/assignment.js';
import { Grade } from '../src/grading/grade-schema.js';
import { ChatFailure } from '../src/judge/chat-failure.js';
import { createEmbeddedJudge } from '../src/judge/embedded/embedded-judge.js';
import { postJson, sqliteOf } from './helpers/app.js';
import { fakeJudgeCompleter, scriptedCompleter } from './helpers/llm.js';
import { parseProm } from './helpers/prom.js';
import { createLlmLimiter, promptJudge, servedApp } from './helpers/served-app.js';
import { answer, goodAnswer, startSession } from './helpers/session-app.js';

const ANSWER = 'Production inputs shift away from the training distribution; we compare feature distributions with PSI and retrain when it is significant.';

function abApp(over: { share?: number; shadow?: boolean; failingB?: 'unscored' | 'throws' } = {}) {
  const limiter = createLlmLimiter(4);
  const a = promptJudge(fakeJudgeCompleter(), 'default', limiter);
  const bCompleter =
    over.failingB === 'unscored'
      ? scriptedCompleter(() => {
          throw new ChatFailure('unavailable', 'the LLM provider answered 503');
        })
      : fakeJudgeCompleter();
  const b = promptJudge(bCompleter, 'strict-levels', limiter);
  const grade =
    over.failingB === 'throws'
      ? async () => {
          throw new Error('candidate exploded');
        }
      : undefined;
  return servedApp({
    judge: a,
    candidate: { judge: b, ...(grade ? { grade } : {}) },
    experiment: { promptB: 'strict-levels', share: over.share ?? 0, shadow: over.shadow ?? true },
    limiter,
  });
}

describe('variant assignment', () => {
  it('is sticky: the same key always gets the same variant', () => {
    for (let i = 0; i < 50; i++) expect(assignVariant(`s-${i}`, 0.3, 'x')).toBe(assignVariant(`s-${i}`, 0.3, 'x'));
  });

  it('sends the configured share to B, within 2 points over 10,000 sessions', () => {
    for (const share of [0.05, 0.2, 0.5, 0.9]) {
      let b = 0;
      for (let i = 0; i < 10_000; i++) if (assignVariant(`session-${i}`, share, 'strict-levels') === 'B') b++;
      expect(Math.abs(b / 10_000 - share)).toBeLessThan(0.02);
    }
  });

  it('sends nobody to B at share 0 and everybody at share 1, and only moves keys into B as the share grows', () => {
    const keys = Array.from({ length: 500 }, (_, i) => `k${i}`);
    expect(keys.every((k) => assignVariant(k, 0, 'x') === 'A')).toBe(true);
    expect(keys.every((k) => assignVariant(k, 1, 'x') === 'B')).toBe(true);
    expect(keys.filter((k) => assignVariant(k, 0.1, 'x') === 'B').every((k) => assignVariant(k, 0.3, 'x') === 'B')).toBe(true);
  });

  it('draws a new B group for each experiment', () => {
    const keys = Array.from({ length: 1000 }, (_, i) => `k${i}`);
    const inB = (salt: string) => new Set(keys.filter((k) => assignVariant(k, 0.5, salt) === 'B'));
    const one = inB('first');
    const two = inB('second');
    const overlap = [...one].filter((k) => two.has(k)).length;
    // Independent halves overlap on about a quarter of the keys, not on all of them.
    expect(overlap / keys.length).toBeGreaterThan(0.15);
    expect(overlap / keys.length).toBeLessThan(0.35);
  });

  it('keys an API request by its question and answer', () => {
    expect(requestKey({ questionId: 'data-drift', answer: 'x' })).toBe(requestKey({ questionId: 'data-drift', answer: 'x' }));
    expect(requestKey({ questionId: 'data-drift', answer: 'x' })).not.toBe(requestKey({ questionId: 'data-drift', answer: 'y' }));
  });
});

describe('served grades', () => {
  it('tag every grade with its variant and prompt in the response, the store and the metrics', async () => {
    const { app, store, metrics, served } = servedApp({ judge: promptJudge(fakeJudgeCompleter(), 'default', createLlmLimiter(2)) });
    const res = await postJson(app, '/api/grade', { questionId: 'data-drift', answer: ANSWER });
    expect(res.status).toBe(200);
    const g = Grade.parse(await res.json());
    await served.flush();
    expect(g.variant).toBe('A');
    expect(g.judge.promptName).toBe('default');
    const row = sqliteOf(store).prepare('SELECT source, role, variant, prompt_name, prompt_version, outcome, raw_score FROM grade_events').all();
    expect(row).toEqual([{ source: 'api', role: 'served', variant: 'A', prompt_name: 'default', prompt_version: g.judge.promptVersion, outcome: 'scored', raw_score: g.rawScore }]);
    const s = parseProm(await metrics.registry.metrics());
    expect(s.get('coach_grades_total{judge="llm",outcome="scored",reason="",variant="A"}')).toBe(1);
  });

  it('keep a session on its variant for every answer, and store the variant on the session', async () => {
    const { app, store } = abApp({ share: 0.5, shadow: false });
    const seen = { A: 0, B: 0 };
    for (let i = 0; i < 12; i++) {
      const { session, question } = await startSession(app, { count: 1 });
      const stored = (await store.sessions.get(session.id))?.variant;
      expect(stored).toBe(assignVariant(session.id, 0.5, 'strict-levels'));
      if (!stored) throw new Error('no variant stored');
      seen[stored]++;
      const first = await answer(app, session.id, { answer: goodAnswer(question.questionId) });
      const second = await answer(app, session.id, { answer: 'Concept drift changes the relation between inputs and label.' });
      for (const t of [first.turn, second.turn]) {
        expect(t.grade?.variant).toBe(stored);
        expect(t.grade?.judge.promptName).toBe(stored === 'A' ? 'default' : 'strict-levels');
      }
    }
    expect(seen.A).toBeGreaterThan(0);
    expect(seen.B).toBeGreaterThan(0);
  });

  it('keep a session on the variant it started with when the share changes', async () => {
    const first = abApp({ share: 1, shadow: false });
    const { session, question } = await startSession(first.app, { count: 1 });
    expect((await first.store.sessions.get(session.id))?.variant).toBe('B');
    // Same database, experiment turned down to shadow only: the session still meets B.
    const later = servedApp({
      judge: promptJudge(fakeJudgeCompleter(), 'default', createLlmLimiter(2)),
      candidate: { judge: promptJudge(fakeJudgeCompleter(), 'strict-levels', createLlmLimiter(2)) },
      experiment: { promptB: 'strict-levels', share: 0, shadow: true },
      store: first.store,
    });
    const r = await answer(later.app, session.id, { answer: goodAnswer(question.questionId) });
    expect(r.turn.grade?.variant).toBe('B');
  });

  it('give the same variant to the same API request every time', async () => {
    const { app } = abApp({ share: 0.5, shadow: false });
    const variants = new Set<string>();
    for (const answerText of [ANSWER, `${ANSWER} Also KS tests.`, 'Data drift is a change in the inputs.', 'Inputs change.', 'Drift.']) {
      const once = Grade.parse(await (await postJson(app, '/api/grade', { questionId: 'data-drift', answer: answerText })).json());
      const again = Grade.parse(await (await postJson(app, '/api/grade', { questionId: 'data-drift', answer: answerText })).json());
      expect(again.variant).toBe(once.variant);
      expect(once.variant).toBe(assignVariant(requestKey({ questionId: 'data-drift', answer: answerText }), 0.5, 'strict-levels'));
      variants.add(once.variant ?? '');
    }
    expect(variants.size).toBe(2);
  });

  it('do not count a client error as a grade', async () => {
    const { app, store, metrics, served } = abApp();
    expect((await postJson(app, '/api/grade', { questionId: 'no-such-question', answer: ANSWER })).status).toBe(404);
    await served.drain();
    expect(sqliteOf(store).prepare('SELECT COUNT(*) FROM grade_events').pluck().get()).toBe(0);
    expect((await metrics.registry.metrics()).includes('coach_grades_total{')).toBe(false);
  });
});

describe('shadow mode', () => {
  it('grades each served answer with B in the background and keeps both grades, unseen by the client', async () => {
    const { app, store, served } = abApp({ shadow: true });
    const res = await postJson(app, '/api/grade', { questionId: 'data-drift', answer: ANSWER });
    const g = Grade.parse(await res.json());
    expect(g.variant).toBe('A');
    expect(JSON.stringify(g)).not.toContain('strict-levels');
    await served.drain();
    const pairId = sqliteOf(store).prepare("SELECT pair_id FROM grade_events WHERE role = 'served'").pluck().get();
    const pair = await store.gradeEvents.byPair(String(pairId));
    expect(pair.map((e) => [e.role, e.variant, e.outcome])).toEqual([
      ['served', 'A', 'scored'],
      ['shadow', 'B', 'scored'],
    ]);
    expect(pair[0]?.grade?.rawScore).toBe(g.rawScore);
    expect(pair[1]?.grade?.judge.promptName).toBe('strict-levels');
  });

  it('serves the grade when the shadow variant comes back unscored', async () => {
    const { app, store, served, metrics } = abApp({ shadow: true, failingB: 'unscored' });
    const res = await postJson(app, '/api/grade', { questionId: 'data-drift', answer: ANSWER });
    expect(res.status).toBe(200);
    const g = Grade.parse(await res.json());
    expect(g.score).not.toBeNull();
    await served.drain();
    expect(sqliteOf(store).prepare("SELECT role, outcome, reason FROM grade_events ORDER BY id").all()).toEqual([
      { role: 'served', outcome: 'scored', reason: null },
      { role: 'shadow', outcome: 'unscored', reason: 'provider-unavailable' },
    ]);
    const s = parseProm(await metrics.registry.metrics());
    expect(s.get('coach_grades_total{judge="llm",outcome="unscored",reason="provider-unavailable",variant="B-shadow"}')).toBe(1);
  });

  it('serves the grade when the shadow variant throws, and logs the failure', async () => {
    const { app, store, served, metrics, errors } = abApp({ shadow: true, failingB: 'throws' });
    const { session, question } = await startSession(app, { count: 1 });
    const r = await answer(app, session.id, { answer: goodAnswer(question.questionId) });
    expect(r.turn.status).toBe('graded');
    expect(r.turn.grade?.variant).toBe('A');
    await served.drain();
    expect(sqliteOf(store).prepare("SELECT role, outcome, reason, turn_id FROM grade_events WHERE role = 'shadow'").all()).toEqual([
      { role: 'shadow', outcome: 'failed', reason: 'judge-error', turn_id: r.turn.id },
    ]);
    expect(errors.map(String)).toEqual(['Error: candidate exploded']);
    const s = parseProm(await metrics.registry.metrics());
    expect(s.get('coach_grades_total{judge="llm",outcome="failed",reason="judge-error",variant="B-shadow"}')).toBe(1);
  });

  it('skips the shadow grade while LLM calls are queued, and counts the skip', async () => {
    const busy = { pendingCount: 3, activeCount: 4, concurrency: 4 };
    const limiter = createLlmLimiter(4);
    const { app, store, served, metrics } = servedApp({
      judge: promptJudge(fakeJudgeCompleter(), 'default', limiter),
      candidate: { judge: promptJudge(fakeJudgeCompleter(), 'strict-levels', limiter) },
      experiment: { promptB: 'strict-levels', share: 0, shadow: true },
      limiter: busy,
    });
    expect((await postJson(app, '/api/grade', { questionId: 'data-drift', answer: ANSWER })).status).toBe(200);
    await served.drain();
    expect(sqliteOf(store).prepare("SELECT COUNT(*) FROM grade_events WHERE role = 'shadow'").pluck().get()).toBe(0);
    expect(parseProm(await metrics.registry.metrics()).get('coach_shadow_grades_skipped_total{variant="B"}')).toBe(1);
  });
});

describe('embedded judge', () => {
  it('serves variant A without a prompt name', async () => {
    const { app } = servedApp({ judge: createEmbeddedJudge() });
    const g = Grade.parse(await (await postJson(app, '/api/grade', { questionId: 'data-drift', answer: ANSWER })).json());
    expect(g.variant).toBe('A');
    expect(g.judge.promptName).toBeUndefined();
  });
});
