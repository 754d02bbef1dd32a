import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../src/sessions/plan.js';
import { CandidateProfileSchema } from '../src/sessions/profile-schemas.js';
import { bank, postJson, sqliteOf, testCoach } from './helpers/app.js';
import { answer, goodAnswer, startSession } from './helpers/session-app.js';
import { describePostgres, freshDatabase } from './helpers/postgres.js';
import { createPostgresStore, type Store } from '../src/store/store.js';

const CANDIDATE = '0b6f7a52-3c1e-4d2a-9f7e-5a1b2c3d4e5f';
const DAY = 24 * 60 * 60 * 1000;

/** The coach on a clock the test moves. */
function clockedApp(start = '2026-03-02T09:00:00.000Z', store?: Store) {
  let t = Date.parse(start);
  const coach = testCoach({}, { random: seededRandom(3), now: () => new Date(t), ...(store ? { store } : {}) });
  return { ...coach, advance: (ms: number) => (t += ms), at: () => new Date(t).toISOString() };
}

async function errorOf(res: Response) {
  const body = (await res.json()) as { error: { code: string; message: string; issues?: { field: string }[] }; details?: { nextDueAt: string | null } };
  return { ...body.error, details: body.details };
}

/** One session of `count` questions: good answers to main questions, "No idea." to follow-ups. */
async function practise(app: ReturnType<typeof clockedApp>['app'], body: Record<string, unknown>, advance?: (ms: number) => void) {
  const { session, question } = await startSession(app, { candidateId: CANDIDATE, ...body });
  let q: typeof question | null = question;
  let last;
  while (q) {
    advance?.(60_000);
    last = await answer(app, session.id, { answer: q.kind === 'main' ? goodAnswer(q.questionId) : 'No idea.' });
    q = last.next;
  }
  return { session, last };
}

describe('practice profiles', () => {
  it('lists two sessions with progress per topic and key point, renders /history with a chart, and deletes the profile', async () => {
    const { app, store, advance } = clockedApp();
    await practise(app, { topic: 'drift-and-monitoring', count: 1 }, advance);
    advance(DAY);
    await practise(app, { topic: 'foundations', count: 1 }, advance);

    const res = await app.request(`/api/candidates/${CANDIDATE}`);
    expect(res.status).toBe(200);
    const profile = CandidateProfileSchema.parse(await res.json());
    expect(profile.sessions).toHaveLength(2);
    expect(profile.sessions.map((s) => [s.mode, s.topic, s.answers])).toEqual([
      ['practice', 'drift-and-monitoring', 2],
      ['practice', 'foundations', 2],
    ]);
    expect(profile.sessions.every((s) => s.finishedAt !== null && s.meanScore !== null)).toBe(true);
    expect(profile.topics.map((t) => t.area).sort()).toEqual(['drift-and-monitoring', 'foundations']);
    for (const t of profile.topics) {
      expect(t.points).toHaveLength(2);
      expect(t.attempts).toBe(2);
    }
    // "No idea." misses every point of each follow-up.
    expect(profile.keyPoints.length).toBeGreaterThan(0);
    expect(profile.keyPoints.some((k) => k.questionId.endsWith('.follow-up'))).toBe(true);
    // A day later the first session's misses are due; the second's fall due tomorrow.
    expect(profile.review.due).toBeGreaterThanOrEqual(1);
    expect(Date.parse(profile.review.nextDueAt ?? '')).toBeGreaterThan(Date.parse(profile.sessions[1]?.startedAt ?? ''));

    const html = await (await app.request(`/history?candidate=${CANDIDATE}`)).text();
    expect(html).toContain('<svg class="plot"');
    // One point per session and topic; a line once a topic has two sessions.
    expect(html.match(/<circle/g)?.length).toBe(2);
    expect(html).not.toContain('<polyline');
    expect(html.match(/<tr>/g)?.length).toBe(3); // header and two sessions
    expect(html).not.toMatch(/<script|<style|style="/);
    expect(html).toContain('Drift and monitoring');
    advance(DAY);
    await practise(app, { topic: 'drift-and-monitoring', count: 1 }, advance);
    const again = await (await app.request(`/history?candidate=${CANDIDATE}`)).text();
    expect(again.match(/<polyline/g)?.length).toBe(1);
    expect(again.match(/<tr>/g)?.length).toBe(4);

    const del = await app.request(`/api/candidates/${CANDIDATE}`, { method: 'DELETE' });
    expect(del.status).toBe(204);
    expect((await app.request(`/api/candidates/${CANDIDATE}`)).status).toBe(404);
    expect(sqliteOf(store).prepare('SELECT COUNT(*) AS n FROM turns').get()).toEqual({ n: 0 });
    expect(sqliteOf(store).prepare('SELECT COUNT(*) AS n FROM grade_events WHERE session_id IS NOT NULL OR turn_id IS NOT NULL').get()).toEqual({ n: 0 });
    expect((await app.request(`/history?candidate=${CANDIDATE}`)).status).toBe(404);
  });

  it('refuses a malformed id with a 400 naming candidateId, an unknown one with a 404, and lists no profiles', async () => {
    const { app } = clockedApp();
    const bad = await app.request('/api/candidates/not-a-uuid');
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).issues?.map((i) => i.field)).toEqual(['candidateId']);
    const unknown = await app.request(`/api/candidates/${CANDIDATE}`);
    expect(unknown.status).toBe(404);
    expect((await errorOf(unknown)).message).toContain('candidateId');
    expect((await app.request('/api/candidates')).status).toBe(404);
    expect((await app.request(`/api/candidates/${CANDIDATE}`, { method: 'DELETE' })).status).toBe(404);
    const start = await postJson(app, '/api/sessions', { candidateId: 'abc' });
    expect(start.status).toBe(400);
    expect((await errorOf(start)).issues?.map((i) => i.field)).toEqual(['candidateId']);
    expect((await app.request('/history?candidate=abc')).status).toBe(400);
    const empty = await app.request('/history');
    expect(empty.status).toBe(200);
    expect(await empty.text()).toContain('No practice yet');
  });
});

describe('review sessions', () => {
  it('reviews missed questions once due, most overdue first; says when nothing is due', async () => {
    const { app, advance, at } = clockedApp();
    const { last } = await practise(app, { topic: 'drift-and-monitoring', count: 2 }, advance);
    expect(last?.session.status).toBe('finished');

    const early = await postJson(app, '/api/sessions', { candidateId: CANDIDATE, mode: 'review' });
    expect(early.status).toBe(409);
    const err = await errorOf(early);
    expect(err.code).toBe('nothing_due');
    expect(err.message).toContain('nothing is due');
    // Box 1: due one day after the grade.
    expect(Date.parse(err.details?.nextDueAt ?? '') - Date.parse(at())).toBeLessThanOrEqual(DAY);
    expect(err.details?.nextDueAt).toBeTruthy();

    advance(DAY);
    const review = await startSession(app, { candidateId: CANDIDATE, mode: 'review' });
    expect(review.session.mode).toBe('review');
    // The follow-ups were missed, so their main questions come back (with their follow-ups).
    const missedMains = new Set(
      (await (await app.request(`/api/candidates/${CANDIDATE}`)).json() as { keyPoints: { questionId: string }[] }).keyPoints.map((k) => bank.gradable(k.questionId)?.questionId),
    );
    expect(missedMains.has(review.question.questionId)).toBe(true);

    const noId = await postJson(app, '/api/sessions', { mode: 'review' });
    expect(noId.status).toBe(400);
    expect((await errorOf(noId)).issues?.map((i) => i.field)).toEqual(['candidateId']);
  });
});

describe('mock interviews', () => {
  it('times each answer on the server, keeps model answers and retries for the end, and then shows everything', async () => {
    const { app, advance } = clockedApp();
    const { session, question } = await startSession(app, { candidateId: CANDIDATE, mode: 'mock', count: 1, timeLimitSeconds: 60 });
    expect(session).toMatchObject({ mode: 'mock', timeLimitSeconds: 60, revealReference: false, canRetry: false });
    expect(session.askedAt).toBe(session.createdAt);

    advance(90_000);
    const r1 = await answer(app, session.id, { answer: goodAnswer(question.questionId) });
    expect(r1.turn).toMatchObject({ timeSpentMs: 90_000, overTime: true, reference: null });
    expect(r1.turn.status).toBe('graded');
    expect(r1.next?.kind).toBe('follow-up');
    expect((await postJson(app, `/api/sessions/${session.id}/answers`, { answer: 'again', retry: true })).status).toBe(409);
    expect((await postJson(app, `/api/turns/${r1.turn.id}/reveal`, {})).status).toBe(409);

    advance(20_000);
    const r2 = await answer(app, session.id, { answer: 'No idea.' });
    expect(r2.turn).toMatchObject({ timeSpentMs: 20_000, overTime: false });
    expect(r2.session).toMatchObject({ status: 'finished', revealReference: true, canRetry: true });
    expect(r2.turn.reference).not.toBeNull();
    expect(r2.summary?.questions.map((q) => [q.kind, q.timeSpentMs, q.overTime])).toEqual([
      ['main', 90_000, true],
      ['follow-up', 20_000, false],
    ]);
    // Once finished, the last question can be retried, and the clock no longer runs.
    advance(120_000);
    const retry = await answer(app, session.id, { answer: goodAnswer(`${question.questionId}.follow-up`), retry: true });
    expect(retry.turn).toMatchObject({ attempt: 2, timeSpentMs: 120_000, overTime: false });
  });

  it('takes the default limit from MOCK_SECONDS_PER_QUESTION and refuses a limit outside mock mode', async () => {
    const coach = testCoach({ MOCK_SECONDS_PER_QUESTION: '300' }, { random: seededRandom(1) });
    const { session } = await startSession(coach.app, { mode: 'mock' });
    expect(session.timeLimitSeconds).toBe(300);
    const bad = await postJson(coach.app, '/api/sessions', { timeLimitSeconds: 60 });
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).issues?.map((i) => i.field)).toEqual(['timeLimitSeconds']);
    expect((await postJson(coach.app, '/api/sessions', { mode: 'mock', timeLimitSeconds: 5 })).status).toBe(400);
  });
});

describePostgres('practice profiles and review on PostgreSQL', (baseUrl) => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let store: Store;
  beforeAll(async () => {
    db = await freshDatabase(baseUrl);
    store = await createPostgresStore({ url: db.url });
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it('builds the profile, reviews once due, and deletes the profile with its turns, the grade log unlinked', async () => {
    const { app, advance, served } = clockedApp('2026-03-02T09:00:00.000Z', store);
    await practise(app, { topic: 'drift-and-monitoring', count: 2 }, advance);
    const profile = CandidateProfileSchema.parse(await (await app.request(`/api/candidates/${CANDIDATE}`)).json());
    expect(profile.sessions.map((s) => s.mode)).toEqual(['practice']);
    expect(profile.keyPoints.length).toBeGreaterThan(0);

    const early = await postJson(app, '/api/sessions', { candidateId: CANDIDATE, mode: 'review' });
    expect(early.status).toBe(409);
    expect((await errorOf(early)).code).toBe('nothing_due');
    advance(DAY);
    const review = await startSession(app, { candidateId: CANDIDATE, mode: 'review' });
    expect(review.session.mode).toBe('review');
    const missedMains = new Set(profile.keyPoints.map((k) => bank.gradable(k.questionId)?.questionId));
    expect(missedMains.has(review.question.questionId)).toBe(true);
    await answer(app, review.session.id, { answer: goodAnswer(review.question.questionId) });

    // The grade log is written after the response: wait for it before reading it.
    await served.drain();
    const count = async (query: ReturnType<typeof sql<{ n: number }>>) => Number((await query.execute(store.db)).rows[0]?.n);
    expect(await count(sql`SELECT COUNT(*) AS n FROM grade_events WHERE session_id IS NOT NULL`)).toBeGreaterThan(0);
    expect((await app.request(`/api/candidates/${CANDIDATE}`, { method: 'DELETE' })).status).toBe(204);
    expect((await app.request(`/api/candidates/${CANDIDATE}`)).status).toBe(404);
    expect(await count(sql`SELECT COUNT(*) AS n FROM turns`)).toBe(0);
    expect(await count(sql`SELECT COUNT(*) AS n FROM sessions`)).toBe(0);
    expect(await count(sql`SELECT COUNT(*) AS n FROM grade_events WHERE session_id IS NOT NULL OR turn_id IS NOT NULL`)).toBe(0);
    expect(await count(sql`SELECT COUNT(*) AS n FROM grade_events`)).toBeGreaterThan(0);
  });
});
