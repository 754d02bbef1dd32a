import { describe, expect, it } from 'vitest';
import { FacetsSchema, HintSchema, RevealSchema } from '../src/sessions/profile-schemas.js';
import { bank, postJson } from './helpers/app.js';
import { scriptedJudge, swappedVerdict } from './helpers/scripted-llm-judge.js';
import { answer, goodAnswer, sessionApp, startSession } from './helpers/session-app.js';

describe('the summary', () => {
  it('has one row per question, calls a topic weak for one answer at 2 or below, and counts misses of the newest attempt only', async () => {
    const { app } = sessionApp();
    const { session, question } = await startSession(app, { topic: 'data-drift' });
    await answer(app, session.id, { answer: goodAnswer(question.questionId) });
    const weak = await answer(app, session.id, { answer: 'No idea.' });
    expect(weak.turn.grade?.score).toBeLessThanOrEqual(2);
    const s1 = weak.summary;
    expect(s1?.questions.map((q) => [q.questionId, q.kind, q.attempts])).toEqual([
      ['data-drift', 'main', 1],
      ['data-drift.follow-up', 'follow-up', 1],
    ]);
    expect(s1?.weakAreas).toEqual(['Drift and monitoring']);
    expect(s1?.strongAreas).toEqual([]);
    expect(s1?.missedKeyPoints.some((k) => k.questionId === 'data-drift.follow-up')).toBe(true);

    // Reveal, then retry the last question after the end: the retry covers the points, so they are no longer "missed".
    const reveal = await postJson(app, `/api/turns/${weak.turn.id}/reveal`, {});
    expect(reveal.status).toBe(200);
    expect(RevealSchema.parse(await reveal.json()).reference.answer).toBe(goodAnswer('data-drift.follow-up'));
    const retry = await answer(app, session.id, { answer: goodAnswer('data-drift.follow-up'), retry: true });
    const s2 = retry.summary;
    expect(s2?.questions[1]).toMatchObject({ attempts: 2, modelAnswerViewedBeforeRetry: true, score: retry.turn.grade?.score });
    expect(s2?.missedKeyPoints.filter((k) => k.questionId === 'data-drift.follow-up' && k.missed > 0)).toEqual(
      (retry.turn.grade?.keyPoints ?? []).filter((k) => k.verdict === 'missing').map((k) => expect.objectContaining({ keyPointId: k.id })),
    );
  });
});

describe('feedback to act on', () => {
  it('gives a "To reach <level>" line per missed or partial key point', async () => {
    const { app } = sessionApp();
    const { session } = await startSession(app, { topic: 'data-drift' });
    const r = await answer(app, session.id, { answer: 'Data drift is when production inputs change compared with the training data.' });
    const open = (r.turn.grade?.keyPoints ?? []).filter((k) => k.verdict !== 'covered');
    expect(open.length).toBeGreaterThan(0);
    expect(r.turn.advice.map((a) => a.keyPointId).sort()).toEqual(open.map((k) => k.id).sort());
    const next = Math.min(5, (r.turn.grade?.level?.value ?? 1) + 1);
    for (const a of r.turn.advice) {
      expect(a.nextLevel).toBe(next);
      expect(a.text).toMatch(/^To reach (weak|adequate|strong|excellent): /);
      expect(a.text).not.toMatch(/see above|marked above|Covered \d/);
    }
  });

  it('gives one key point as a hint, the same on every call, and counts it on the answer', async () => {
    const { app } = sessionApp();
    const { session, question } = await startSession(app, { topic: 'data-drift' });
    const h1 = HintSchema.parse(await (await postJson(app, `/api/sessions/${session.id}/hint`, {})).json());
    const h2 = HintSchema.parse(await (await postJson(app, `/api/sessions/${session.id}/hint`, {})).json());
    expect(h2).toEqual(h1);
    const point = bank.gradable(question.questionId)?.rubric.keyPoints.find((k) => k.id === h1.hint.keyPointId);
    expect(point).toBeDefined();
    expect(h1.hint.topic).not.toContain(point?.statement ?? '???');
    const r = await answer(app, session.id, { answer: goodAnswer(question.questionId) });
    expect(r.turn.hintUsed).toBe(true);
    expect(r.summary).toBeNull();
    const next = await answer(app, session.id, { answer: 'No idea.' });
    expect(next.turn.hintUsed).toBe(false);
    expect(next.summary?.questions.map((q) => q.hintUsed)).toEqual([true, false]);
    expect((await postJson(app, `/api/sessions/${session.id}/hint`, {})).status).toBe(409);
  });

  it('answers the adaptive follow-up as its own turn, graded against the key point it probes', async () => {
    const judge = scriptedJudge([swappedVerdict(3, 3)]);
    const { app } = sessionApp({ judge });
    const { session, question } = await startSession(app, { topic: 'data-drift' });
    const first = await answer(app, session.id, { answer: 'Data drift is when production inputs change compared with the training data.' });
    expect(first.turn.grade?.adaptiveFollowUp).toBeTruthy();
    const gap = (first.turn.grade?.keyPoints ?? []).filter((k) => k.verdict !== 'covered').sort((a, b) => (a.verdict === b.verdict ? b.weight - a.weight : a.verdict === 'missing' ? -1 : 1))[0];

    const adaptive = await answer(app, session.id, { answer: 'I would compare feature distributions with PSI.', adaptive: true });
    expect(adaptive.turn).toMatchObject({ adaptiveOf: first.turn.id, probesKeyPoint: gap?.id, question: first.turn.grade?.adaptiveFollowUp, status: 'graded' });
    expect(adaptive.session.answeredSteps).toBe(1);
    expect(adaptive.next?.questionId).toBe(`${question.questionId}.follow-up`);
    const task = judge.tasks.at(-1);
    expect(task?.rubric?.keyPoints.map((k) => k.id)).toEqual([gap?.id]);
    expect(task?.question).toBe(first.turn.grade?.adaptiveFollowUp);

    const done = await answer(app, session.id, { answer: goodAnswer(`${question.questionId}.follow-up`) });
    expect(done.summary?.questions.map((q) => q.kind)).toEqual(['main', 'adaptive', 'follow-up']);
    expect(done.summary?.graded).toBe(2);
  });

  it('refuses an adaptive answer when there is no adaptive follow-up (embedded judge)', async () => {
    const { app } = sessionApp();
    const { session } = await startSession(app, { topic: 'data-drift' });
    expect((await postJson(app, `/api/sessions/${session.id}/answers`, { answer: 'x', adaptive: true })).status).toBe(409);
    await answer(app, session.id, { answer: 'Data drift is a change in inputs.' });
    const res = await postJson(app, `/api/sessions/${session.id}/answers`, { answer: 'x', adaptive: true });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/^adaptive: /);
  });
});

describe('session plan and export', () => {
  it('offers only the filter values the bank has', async () => {
    const { app } = sessionApp();
    const facets = FacetsSchema.parse(await (await app.request('/api/questions/facets')).json());
    expect(facets.difficulties).toEqual([...new Set(bank.bank.questions.map((q) => q.difficulty))].sort((a, b) => ['easy', 'medium', 'hard'].indexOf(a) - ['easy', 'medium', 'hard'].indexOf(b)));
    expect(facets.difficulties).not.toContain('easy');
    expect(facets.areas.map((a) => a.area)).toEqual(bank.areas().map((a) => a.id));
    for (const d of facets.difficulties) expect((await postJson(app, '/api/sessions', { difficulty: d })).status).toBe(201);
    for (const t of facets.types) expect((await postJson(app, '/api/sessions', { type: t })).status).toBe(201);
  });

  it('exports the transcript as Markdown: questions, answers as quotes, grades with evidence, model answers', async () => {
    const { app } = sessionApp();
    const { session, question } = await startSession(app, { topic: 'data-drift' });
    await answer(app, session.id, { answer: goodAnswer(question.questionId) });
    await answer(app, session.id, { answer: '# not a heading\n<script>alert(1)</script>' });
    const res = await app.request(`/api/sessions/${session.id}/export`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="session-${session.id}.md"`);
    const md = await res.text();
    expect(md).toContain(`## 1. ${question.text}`);
    // Candidate text is quoted and escaped: no heading, no raw HTML.
    expect(md).toContain('> \\# not a heading');
    expect(md).toContain('> \\<script\\>alert(1)\\</script\\>');
    expect(md).not.toContain('<script>');
    expect(md).toContain('evidence: "');
    expect(md).toContain('**Model answer**');
    expect(md).toContain('| question | score |');
    expect((await app.request('/api/sessions/nope/export')).status).toBe(404);
  });
});
