import { describe, expect, it } from 'vitest';
import { Grade } from '../src/grading/grade-schema.js';
import { postJson, testApp, testCoach } from './helpers/app.js';

const { app, errors } = testApp();

async function errorOf(res: Response) {
  const body = (await res.json()) as { error: { code: string; message: string; issues?: { field: string; reason: string }[] } };
  expect(JSON.stringify(body)).not.toMatch(/\bat .*\.(ts|js):\d+/); // no stack trace
  return body.error;
}

describe('GET /healthz', () => {
  it('says the service is up, which judge serves, and which database answers', async () => {
    const res = await app.request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', judge: { kind: 'embedded' }, questions: 17, database: { kind: 'sqlite', reachable: true } });
  });

  it('says degraded, with 503, once the database cannot be used', async () => {
    const { app: closing, store } = testCoach();
    await store.close();
    const res = await closing.request('/healthz');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'degraded', database: { kind: 'sqlite', reachable: false } });
  });
});

describe('GET /api/questions', () => {
  it('lists all 17 without reference answers or rubrics', async () => {
    const res = await app.request('/api/questions');
    const body = (await res.json()) as { questions: Record<string, unknown>[]; areas: unknown[] };
    expect(body.questions).toHaveLength(17);
    for (const q of body.questions) {
      expect(Object.keys(q).sort()).toEqual(['area', 'difficulty', 'frequency', 'id', 'tags', 'title', 'topic', 'type']);
    }
    expect(JSON.stringify(body)).not.toContain('production input data changes from training data');
  });

  it('filters by topic, area, type and difficulty', async () => {
    const get = async (qs: string) =>
      ((await (await app.request(`/api/questions?${qs}`)).json()) as { questions: { id: string; type: string; difficulty: string }[] }).questions;
    expect((await get('topic=data-drift')).map((q) => q.id)).toEqual(['data-drift']);
    expect((await get('topic=drift-and-monitoring')).length).toBeGreaterThanOrEqual(2);
    const scenarios = await get('type=scenario');
    expect(scenarios.length).toBe(5);
    expect(scenarios.every((q) => q.type === 'scenario')).toBe(true);
    const hard = await get('difficulty=hard&type=conceptual');
    expect(hard.map((q) => q.id)).toEqual(['model-registry', 'do-you-a-b-test-prompts-in-a-production-system']);
  });

  it('rejects an unknown filter value with the field named', async () => {
    const res = await app.request('/api/questions?difficulty=extreme');
    expect(res.status).toBe(400);
    expect((await errorOf(res)).issues?.[0]?.field).toBe('difficulty');
    const res2 = await app.request('/api/questions?colour=red');
    expect(res2.status).toBe(400);
    const issue = (await errorOf(res2)).issues?.[0];
    expect(issue?.reason).toContain('colour');
    // The unknown parameter is the field, not the body.
    expect(issue?.field).toBe('colour');
  });
});

describe('GET /api/questions/:id', () => {
  it('hides the reference answer unless reveal=1', async () => {
    const hidden = (await (await app.request('/api/questions/data-drift')).json()) as Record<string, unknown>;
    expect(hidden).not.toHaveProperty('referenceAnswer');
    expect(hidden).not.toHaveProperty('explanation');
    expect(hidden).toMatchObject({ title: 'What is data drift?', followUp: { id: 'data-drift.follow-up', question: 'What is concept drift?' } });
    const shown = (await (await app.request('/api/questions/data-drift?reveal=1')).json()) as Record<string, unknown>;
    expect(shown.referenceAnswer).toContain('Data drift happens when production input data changes from training data.');
    expect(shown.explanation).toContain('Monitoring feature distributions');
    expect(shown).toHaveProperty('rubric.keyPoints');
  });

  it('answers 404 for an unknown id', async () => {
    const res = await app.request('/api/questions/no-such-question');
    expect(res.status).toBe(404);
    expect((await errorOf(res)).code).toBe('not_found');
  });
});

describe('POST /api/grade', () => {
  it('grades a bank question', async () => {
    const res = await postJson(app, '/api/grade', { questionId: 'data-drift', answer: 'Production inputs no longer look like the training data, e.g. a new market.' });
    expect(res.status).toBe(200);
    const g = Grade.parse(await res.json());
    expect(g.questionId).toBe('data-drift');
    expect(g.judge).toEqual({ kind: 'embedded', model: 'embedded-align', promptVersion: expect.stringMatching(/^align-\d+\+ridge-/), calibration: null, verifiesCorrectness: false });
    expect(g.score).not.toBeNull();
  });

  it('grades a follow-up by its id', async () => {
    const res = await postJson(app, '/api/grade', { questionId: 'data-drift.follow-up', answer: 'Concept drift is when the relationship between inputs and the label changes.' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { questionId: string }).questionId).toBe('data-drift.follow-up');
  });

  it('grades an ad-hoc question with no rubric', async () => {
    const res = await postJson(app, '/api/grade', {
      question: 'What is a canary release?',
      referenceAnswer: 'A canary release sends a small share of traffic to the new version and widens it while metrics stay healthy.',
      answer: 'You route a small share of traffic to the new version first and widen it while the metrics stay healthy.',
    });
    expect(res.status).toBe(200);
    const g = Grade.parse(await res.json());
    expect(g.questionId).toBeNull();
    expect(g.score!).toBeGreaterThanOrEqual(3);
  });

  it('grades an ad-hoc question with its own rubric', async () => {
    const res = await postJson(app, '/api/grade', {
      question: 'What is a canary release?',
      referenceAnswer: 'A canary release sends a small share of traffic to the new version and widens it while metrics stay healthy.',
      rubric: { keyPoints: [{ id: 'small-share', statement: 'Sends a small share of traffic to the new version', weight: 2, terms: ['small share', 'percent'] }] },
      answer: 'Send a small share of users to the new build.',
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { keyPoints: { id: string }[] }).keyPoints.map((k) => k.id)).toEqual(['small-share']);
  });

  const cases: [string, unknown, number, string][] = [
    ['malformed JSON', '{"questionId": "data-drift", "answer": ', 400, 'body'],
    ['an empty body', '', 400, 'body'],
    ['a JSON array', [], 400, 'body'],
    ['a number as answer', { questionId: 'data-drift', answer: 42 }, 400, 'answer'],
    ['a missing answer', { questionId: 'data-drift' }, 400, 'answer'],
    ['an empty answer', { questionId: 'data-drift', answer: '' }, 400, 'answer'],
    ['a whitespace-only answer', { questionId: 'data-drift', answer: ' \n\t ' }, 400, 'answer'],
    ['an unknown field', { questionId: 'data-drift', answer: 'x y z', score: 5 }, 400, 'score'],
    ['an ad-hoc request without reference', { question: 'What is X?', answer: 'X is Y.' }, 400, 'referenceAnswer'],
    ['a bad ad-hoc rubric', { question: 'What is X?', referenceAnswer: 'X is a thing that does Y.', rubric: { keyPoints: [] }, answer: 'X is Y.' }, 400, 'rubric.keyPoints'],
    ['an answer over 8,000 characters', { questionId: 'data-drift', answer: 'a'.repeat(8001) }, 413, 'answer'],
    ['an unknown question id', { questionId: 'no-such-question', answer: 'Some answer.' }, 404, ''],
  ];
  it.each(cases)('refuses %s with a clear error', async (_name, body, status, field) => {
    const res = await postJson(app, '/api/grade', body);
    expect(res.status).toBe(status);
    const err = await errorOf(res);
    expect(err.message.length).toBeGreaterThan(5);
    if (field) expect(err.issues?.map((i) => i.field)).toContain(field);
    if (status === 404) expect(err.message).toContain('questionId');
  });

  it('accepts an answer of exactly 8,000 characters', async () => {
    const answer = 'Inputs shift away from training data. '.repeat(300).slice(0, 8000);
    const res = await postJson(app, '/api/grade', { questionId: 'data-drift', answer });
    expect(res.status).toBe(200);
  });

  it('refuses a body over the size limit with 413', async () => {
    const res = await postJson(app, '/api/grade', { questionId: 'data-drift', answer: 'a', pad: 'x'.repeat(70_000) });
    expect(res.status).toBe(413);
  });

  it('answers unknown routes with JSON 404 and logs no unexpected error', async () => {
    const res = await app.request('/api/nothing');
    expect(res.status).toBe(404);
    expect((await errorOf(res)).code).toBe('not_found');
    expect(errors).toEqual([]);
  });
});
