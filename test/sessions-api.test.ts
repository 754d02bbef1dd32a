import { describe, expect, it } from 'vitest';
import { Grade } from '../src/grading/grade-schema.js';
import { roundScore } from '../src/grading/levels.js';
import { bank, postJson, testApp } from './helpers/app.js';
import { answer, goodAnswer, type SessionJson, type SummaryJson, sessionApp, startSession, type TurnJson } from './helpers/session-app.js';

async function errorOf(res: Response) {
  const body = (await res.json()) as { error: { code: string; message: string; issues?: { field: string; reason: string }[] } };
  expect(JSON.stringify(body)).not.toMatch(/\bat .*\.(ts|js):\d+/);
  return body.error;
}

describe('POST /api/sessions', () => {
  it('starts a default session of 3 questions with an empty body', async () => {
    const { app } = sessionApp();
    const res = await app.request('/api/sessions', { method: 'POST' });
    expect(res.status).toBe(201);
    const { session, question } = (await res.json()) as { session: SessionJson; question: { kind: string; step: number; number: number; total: number; questionId: string; text: string } };
    expect(session).toMatchObject({ status: 'active', answeredSteps: 0, totalSteps: 6, canRetry: false, filters: { count: 3, topic: null } });
    expect(question).toMatchObject({ kind: 'main', step: 0, number: 1, total: 3 });
    expect(question.text).toBe(bank.question(question.questionId)?.title);
    expect(session.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('filters by area, by question topic, by type and difficulty, and caps count at what matches', async () => {
    const { app } = sessionApp();
    const area = await startSession(app, { topic: 'drift-and-monitoring', count: 10 });
    // Three questions match, but "What is concept drift and how do you handle it?" and data drift's follow-up
    // "What is concept drift?" ask the same thing: one of the two questions is left out.
    expect(area.session.filters.count).toBe(2);
    expect(area.question.area).toBe('drift-and-monitoring');
    const one = await startSession(app, { topic: 'data-drift', count: 5 });
    expect(one.session.filters.count).toBe(1);
    expect(one.question.questionId).toBe('data-drift');
    const hardScenario = await startSession(app, { type: 'scenario', difficulty: 'hard', count: 20 });
    expect(hardScenario.session.totalSteps).toBe(2 * bank.questions({ type: 'scenario', difficulty: 'hard' }).length);
    expect(hardScenario.question).toMatchObject({ type: 'scenario', difficulty: 'hard' });
  });

  it('uses the injected random source, so the order is reproducible', async () => {
    const firsts = async (seed: number) => {
      const { app } = sessionApp({ seed });
      return [(await startSession(app, { count: 17 })).question.questionId, (await startSession(app, { count: 17 })).question.questionId];
    };
    expect(await firsts(5)).toEqual(await firsts(5));
  });

  const bad: [string, unknown, string][] = [
    ['an unknown topic', { topic: 'kubernetes' }, 'topic'],
    ['a combination nothing matches', { topic: 'experimentation', type: 'scenario' }, 'type'],
    ['an unknown difficulty', { difficulty: 'extreme' }, 'difficulty'],
    ['a zero count', { count: 0 }, 'count'],
    ['a fractional count', { count: 2.5 }, 'count'],
    ['a count as a string', { count: '3' }, 'count'],
    ['a count over the limit', { count: 21 }, 'count'],
    ['an empty topic', { topic: '  ' }, 'topic'],
    ['an unknown field', { level: 'senior' }, 'level'],
    ['malformed JSON', '{"topic": ', 'body'],
    ['a JSON array', [], 'body'],
  ];
  it.each(bad)('refuses %s with a 400 naming the field', async (_name, body, field) => {
    const { app } = sessionApp();
    const res = await postJson(app, '/api/sessions', body);
    expect(res.status).toBe(400);
    const err = await errorOf(res);
    expect(err.issues?.map((i) => i.field)).toContain(field);
  });

  it('says which filters matched nothing', async () => {
    const { app } = sessionApp();
    const err = await errorOf(await postJson(app, '/api/sessions', { topic: 'experimentation', type: 'scenario' }));
    expect(err.message).toContain('topic "experimentation" and type "scenario"');
    const err2 = await errorOf(await postJson(app, '/api/sessions', { topic: 'kubernetes' }));
    expect(err2.message).toContain('drift-and-monitoring');
  });
});

describe('a whole session', () => {
  it('asks each question then its follow-up, grades each against its own reference, and sums up', async () => {
    const { app, store, errors } = sessionApp();
    const { session, question } = await startSession(app, { topic: 'drift-and-monitoring', count: 2 });
    const mainId = question.questionId;

    const r1 = await answer(app, session.id, { answer: goodAnswer(mainId) });
    expect(r1.turn).toMatchObject({ status: 'graded', kind: 'main', questionId: mainId, seq: 1, attempt: 1, failure: null });
    const g1 = Grade.parse(r1.turn.grade);
    expect(g1.questionId).toBe(mainId);
    expect(g1.score).toBeGreaterThanOrEqual(4);
    expect(g1.judge.kind).toBe('embedded');
    expect(g1.keyPoints.some((k) => k.evidence !== null)).toBe(true);
    expect(r1.turn.reference?.answer).toBe(bank.question(mainId)?.referenceAnswer);
    expect(r1.turn.reference?.explanation).toBe(bank.question(mainId)?.explanation);
    expect(r1.next).toMatchObject({ kind: 'follow-up', questionId: `${mainId}.follow-up`, step: 1, number: 1, followUpTo: bank.question(mainId)?.title });
    expect(r1.next?.text).toBe(bank.question(mainId)?.followUp.question);
    expect(r1.session).toMatchObject({ answeredSteps: 1, canRetry: true, status: 'active' });
    expect(r1.summary).toBeNull();

    // The follow-up is graded against the follow-up's own rubric, not the main question's.
    const r2 = await answer(app, session.id, { answer: 'I am not sure, maybe retrain the model sometimes.' });
    const g2 = Grade.parse(r2.turn.grade);
    expect(g2.questionId).toBe(`${mainId}.follow-up`);
    expect(g2.keyPoints.map((k) => k.id)).toEqual(bank.question(mainId)?.followUp.rubric.keyPoints.map((k) => k.id));
    expect(r2.turn.reference?.answer).toBe(bank.question(mainId)?.followUp.referenceAnswer);
    expect(r2.turn.reference?.explanation).toBeNull();
    expect(r2.next?.kind).toBe('main');
    expect(r2.next?.questionId).not.toBe(mainId);
    expect(r2.next?.number).toBe(2);

    const second = r2.next?.questionId ?? '';
    const r3 = await answer(app, session.id, { answer: goodAnswer(second) });
    expect(r3.next?.questionId).toBe(`${second}.follow-up`);
    const r4 = await answer(app, session.id, { answer: 'No idea.' });
    expect(r4.next).toBeNull();
    expect(r4.session).toMatchObject({ status: 'finished', answeredSteps: 4, totalSteps: 4, current: null, canRetry: true });
    const summary = r4.summary as SummaryJson;
    const scores = [r1, r2, r3, r4].map((r) => r.turn.grade?.score ?? NaN);
    expect(summary.graded).toBe(4);
    expect(summary.meanScore).toBe(roundScore(scores.reduce((a, b) => a + b, 0) / 4));
    expect(summary.byArea).toEqual([expect.objectContaining({ area: 'drift-and-monitoring', label: 'Drift and monitoring', graded: 4 })]);
    expect(summary.ungraded).toEqual([]);
    // The weak follow-up answers missed points; those lead the list.
    expect(summary.missedKeyPoints.length).toBeGreaterThan(0);
    expect(summary.missedKeyPoints[0]?.missed).toBeGreaterThanOrEqual(1);

    const res = await app.request(`/api/sessions/${session.id}`);
    expect(res.status).toBe(200);
    const full = (await res.json()) as { session: SessionJson; turns: TurnJson[]; summary: SummaryJson };
    expect(full.turns.map((t) => t.questionId)).toEqual([mainId, `${mainId}.follow-up`, second, `${second}.follow-up`]);
    expect(full.turns.map((t) => t.answer)[3]).toBe('No idea.');
    expect(full.summary).toEqual(summary);
    expect(full.session.status).toBe('finished');

    const late = await postJson(app, `/api/sessions/${session.id}/answers`, { answer: 'One more?' });
    expect(late.status).toBe(409);
    const lateError = await errorOf(late);
    expect(lateError.code).toBe('conflict');
    expect(lateError.message).toContain('retry the last question');
    expect(await store.turns.bySession(session.id)).toHaveLength(4); // the refused answer was not stored
    expect(errors).toEqual([]);
  });

  it('lets the candidate retry a question before moving on, and counts the newest attempt', async () => {
    const { app } = sessionApp();
    const { session, question } = await startSession(app, { topic: 'data-drift' });
    const early = await postJson(app, `/api/sessions/${session.id}/answers`, { answer: 'Retry what?', retry: true });
    expect(early.status).toBe(409);
    expect((await errorOf(early)).message).toContain('retry');

    const first = await answer(app, session.id, { answer: 'It is when the model is old.' });
    const again = await answer(app, session.id, { answer: goodAnswer(question.questionId), retry: true });
    expect(again.turn).toMatchObject({ questionId: 'data-drift', step: 0, attempt: 2, retryOf: first.turn.id, seq: 2 });
    expect(again.next).toEqual(first.next); // still the follow-up
    expect(again.session.answeredSteps).toBe(1);
    expect(again.turn.grade?.score).toBeGreaterThan(first.turn.grade?.score ?? 5);

    const third = await answer(app, session.id, { answer: 'Drift of the inputs away from training data.', retry: true });
    expect(third.turn).toMatchObject({ attempt: 3, retryOf: again.turn.id });

    const fu = await answer(app, session.id, { answer: 'Concept drift changes P(y|x): the relationship between inputs and label.' });
    expect(fu.summary?.retries).toBe(2);
    expect(fu.summary?.graded).toBe(2);
    const expected = ((third.turn.grade?.score ?? 0) + (fu.turn.grade?.score ?? 0)) / 2;
    expect(fu.summary?.meanScore).toBe(roundScore(expected));
  });
});

describe('session API errors', () => {
  it('answers 404 for an unknown session and turn', async () => {
    const { app } = sessionApp();
    expect((await app.request('/api/sessions/no-such-session')).status).toBe(404);
    const res = await postJson(app, '/api/sessions/no-such-session/answers', { answer: 'Hello there.' });
    expect(res.status).toBe(404);
    expect((await errorOf(res)).message).toContain('no-such-session');
    expect((await app.request('/api/turns/no-such-turn')).status).toBe(404);
    expect((await app.request('/api/turns/no-such-turn/regrade', { method: 'POST' })).status).toBe(404);
  });

  const badAnswers: [string, unknown, number, string][] = [
    ['an empty answer', { answer: '' }, 400, 'answer'],
    ['a whitespace answer', { answer: '  \n ' }, 400, 'answer'],
    ['a number', { answer: 42 }, 400, 'answer'],
    ['no answer', {}, 400, 'answer'],
    ['retry that is not a boolean', { answer: 'Drift.', retry: 'yes' }, 400, 'retry'],
    ['an unknown field', { answer: 'Drift.', score: 5 }, 400, 'score'],
    ['an answer over 8,000 characters', { answer: 'a'.repeat(8001) }, 413, 'answer'],
    ['malformed JSON', '{"answer": ', 400, 'body'],
    ['an empty body', '', 400, 'body'],
  ];
  it.each(badAnswers)('refuses %s, stores nothing and does not move on', async (_name, body, status, field) => {
    const { app, store } = sessionApp();
    const { session } = await startSession(app);
    const res = await postJson(app, `/api/sessions/${session.id}/answers`, body);
    expect(res.status).toBe(status);
    expect((await errorOf(res)).issues?.map((i) => i.field)).toContain(field);
    expect(await store.turns.bySession(session.id)).toEqual([]);
    expect((await store.sessions.get(session.id))?.cursor).toBe(0);
  });

  it('refuses to regrade a graded turn', async () => {
    const { app } = sessionApp();
    const { session } = await startSession(app);
    const r = await answer(app, session.id, { answer: 'Models need monitoring after deployment.' });
    const res = await app.request(`/api/turns/${r.turn.id}/regrade`, { method: 'POST' });
    expect(res.status).toBe(409);
    expect((await errorOf(res)).message).toContain('already graded');
    const one = await app.request(`/api/turns/${r.turn.id}`);
    expect(((await one.json()) as { turn: TurnJson }).turn).toMatchObject({ id: r.turn.id, status: 'graded', grading: false });
  });
});
