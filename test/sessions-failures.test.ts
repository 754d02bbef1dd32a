import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ChatFailure } from '../src/judge/chat-failure.js';
import { createEmbeddedJudge } from '../src/judge/embedded/embedded-judge.js';
import type { Judge } from '../src/judge/judge.js';
import { createStore } from '../src/store/store.js';
import { postJson, sqliteOf } from './helpers/app.js';
import { llmStep, orderScores, scriptedJudge, swappedVerdict, unscoredVerdict } from './helpers/scripted-llm-judge.js';
import { reply } from './helpers/llm.js';
import { answer, type SummaryJson, sessionApp, startSession, type TurnJson } from './helpers/session-app.js';

const ANSWER = 'Data drift is when production inputs move away from the training data, e.g. a new market.';

async function regrade(app: ReturnType<typeof sessionApp>['app'], turnId: string) {
  const res = await app.request(`/api/turns/${turnId}/regrade`, { method: 'POST' });
  return { status: res.status, body: (await res.json()) as { turn: TurnJson; summary: SummaryJson | null; error?: { message: string } } };
}

describe('the answer is stored before grading', () => {
  it('is committed as pending when the judge starts', async () => {
    const seen: unknown[] = [];
    const { app, store } = sessionApp({
      judge: scriptedJudge([
        llmStep((request) => {
          // Read through a second view of the same data: what a crash at this instant would leave.
          seen.push(sqliteOf(store).prepare('SELECT status, answer, grading_runs FROM turns').all());
          return orderScores(4, 4)(request, 0);
        }),
      ]),
    });
    const { session } = await startSession(app, { topic: 'data-drift' });
    await answer(app, session.id, { answer: ANSWER });
    // Both LLM calls (one per order) find the answer committed.
    const row = [{ status: 'pending', answer: ANSWER, grading_runs: 1 }];
    expect(seen).toEqual([row, row]);
    expect(sqliteOf(store).inTransaction).toBe(false);
  });
});

describe('a judge failure loses nothing', () => {
  it('marks the turn failed when the provider cannot be reached, then regrades it', async () => {
    const judge = scriptedJudge([unscoredVerdict('the LLM provider is unreachable (ECONNREFUSED)'), swappedVerdict(3, 4)]);
    const { app, store, errors } = sessionApp({ judge });
    const { session } = await startSession(app, { topic: 'data-drift' });

    const r = await answer(app, session.id, { answer: ANSWER });
    expect(r.turn).toMatchObject({
      status: 'failed',
      grade: null,
      answer: ANSWER,
      failure: { reason: 'provider-unavailable', detail: 'the LLM provider is unreachable (ECONNREFUSED)' },
    });
    // The session moves on: the failure is the judge's, not the candidate's.
    expect(r.next?.kind).toBe('follow-up');
    expect((await store.turns.get(r.turn.id))?.status).toBe('failed');
    // An unscored grade is the judge's answer, not a fault of the server: nothing is logged as an error.
    expect(errors).toEqual([]);

    const again = await regrade(app, r.turn.id);
    expect(again.status).toBe(200);
    expect(again.body.turn).toMatchObject({ id: r.turn.id, status: 'graded', failure: null, answer: ANSWER });
    expect(again.body.turn.grade?.consistency).toMatchObject({ referenceFirst: 3, referenceLast: 4 });
    expect(again.body.turn.grade?.score).toBe(3.5);
    expect(await store.turns.get(r.turn.id)).toMatchObject({ status: 'graded', gradingRuns: 2 });
    expect(judge.tasks.map((t) => t.answer)).toEqual([ANSWER, ANSWER]);
  });

  it('marks the turn failed when the judge returns unscored, never a score of 0', async () => {
    const { app, store } = sessionApp({ judge: scriptedJudge([unscoredVerdict('HTTP 503 from the provider'), swappedVerdict(4, 4)]) });
    const { session } = await startSession(app, { topic: 'data-drift' });
    const r = await answer(app, session.id, { answer: ANSWER });
    expect(r.turn).toMatchObject({ status: 'failed', grade: null, failure: { reason: 'provider-unavailable', detail: 'HTTP 503 from the provider' } });
    expect(sqliteOf(store).prepare('SELECT score FROM turns WHERE id = ?').pluck().get(r.turn.id)).toBeNull();

    const s = await (await app.request(`/api/sessions/${session.id}`)).json() as { summary: SummaryJson; turns: TurnJson[] };
    expect(s.summary).toMatchObject({ graded: 0, meanScore: null, ungraded: [{ turnId: r.turn.id, status: 'failed' }] });
    expect(s.turns[0]?.status).toBe('failed');

    const again = await regrade(app, r.turn.id);
    expect(again.body.turn.status).toBe('graded');
    const after = await (await app.request(`/api/sessions/${session.id}`)).json() as { summary: SummaryJson };
    expect(after.summary).toMatchObject({ graded: 1, meanScore: 4, ungraded: [] });
  });

  it('stores each kind of judge failure with its reason', async () => {
    const { app, errors } = sessionApp({
      judge: scriptedJudge([
        // Not JSON, and still not JSON after the one repair call.
        llmStep(() => reply('I think this answer deserves a 4.')),
        llmStep(() => {
          throw new ChatFailure('timeout', 'the LLM provider did not answer in time');
        }),
        llmStep(() => {
          throw new ChatFailure('auth', 'the LLM provider rejected the API key');
        }),
      ]),
    });
    const { session } = await startSession(app, { count: 2 });
    const a = await answer(app, session.id, { answer: ANSWER });
    const b = await answer(app, session.id, { answer: ANSWER });
    const c = await answer(app, session.id, { answer: ANSWER });
    expect([a, b, c].map((r) => r.turn.failure?.reason)).toEqual(['invalid-output', 'timeout', 'judge-error']);
    expect(b.turn.failure?.detail).toBe('the LLM provider did not answer in time');
    expect(errors).toEqual([]);
  });

  it('hides the internals of an unexpected error from the client, and logs it', async () => {
    // A judge with a bug: what the served grader and the turn grader must still turn into a stored failure.
    const embedded = createEmbeddedJudge();
    const broken: Judge = {
      kind: embedded.kind,
      model: embedded.model,
      promptVersion: embedded.promptVersion,
      evaluate: async () => {
        throw new TypeError('Cannot read properties of undefined (reading "score") at /srv/app/judge.ts:42');
      },
    };
    const { app, errors } = sessionApp({ judge: broken });
    const { session } = await startSession(app, { count: 2 });
    const c = await answer(app, session.id, { answer: ANSWER });
    expect(c.turn.failure).toEqual({ reason: 'judge-error', detail: 'the judge failed unexpectedly (TypeError)' });
    expect(JSON.stringify(c)).not.toContain('/srv/app');
    expect(errors.some((e) => e instanceof TypeError)).toBe(true);
  });

  it('keeps failing turns regradable and out of the summary until they are graded', async () => {
    const { app } = sessionApp({ judge: scriptedJudge([unscoredVerdict(), unscoredVerdict(), swappedVerdict(2, 2)]) });
    const { session } = await startSession(app, { topic: 'data-drift' });
    const r1 = await answer(app, session.id, { answer: ANSWER });
    const r2 = await answer(app, session.id, { answer: 'Concept drift changes how inputs relate to the label.' });
    expect(r2.summary).toMatchObject({ graded: 0, meanScore: null });
    expect(r2.summary?.ungraded.map((u) => u.turnId)).toEqual([r1.turn.id, r2.turn.id]);
    const fixed = await regrade(app, r1.turn.id);
    expect(fixed.body.summary).toMatchObject({ graded: 1, meanScore: 2, ungraded: [{ turnId: r2.turn.id }] });
    // The finished session still refuses new answers, but its failed turns can be regraded.
    expect((await postJson(app, `/api/sessions/${session.id}/answers`, { answer: 'again' })).status).toBe(409);
    expect((await regrade(app, r2.turn.id)).body.turn.status).toBe('graded');
  });

  it('refuses a second regrade of a turn that is being graded', async () => {
    let release: () => void = () => {};
    const slow = new Promise<void>((resolve) => {
      release = resolve;
    });
    const judge = scriptedJudge([unscoredVerdict(), llmStep(async (request) => slow.then(() => orderScores(4, 4)(request, 0)))]);
    const { app } = sessionApp({ judge });
    const { session } = await startSession(app, { topic: 'data-drift' });
    const r = await answer(app, session.id, { answer: ANSWER });
    const first = regrade(app, r.turn.id);
    // Until the regrade reaches the judge: pending callbacks run, no clock is involved.
    for (let i = 0; i < 1000 && judge.tasks.length < 2; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(judge.tasks).toHaveLength(2);
    const state = (await (await app.request(`/api/turns/${r.turn.id}`)).json()) as { turn: TurnJson };
    expect(state.turn).toMatchObject({ status: 'pending', grading: true });
    const second = await regrade(app, r.turn.id);
    expect(second.status).toBe(409);
    expect(second.body.error?.message).toContain('being graded');
    release();
    expect((await first).body.turn.status).toBe('graded');
    expect(judge.tasks).toHaveLength(2);
  });
});

describe('the LLM call audit log', () => {
  it('stores every call the judge reports under the turn it graded, including failed calls', async () => {
    const judge = scriptedJudge([unscoredVerdict('connect ECONNREFUSED 127.0.0.1:11434'), swappedVerdict(4, 5)]);
    const { app, store } = sessionApp({ judge });
    const { session } = await startSession(app, { topic: 'data-drift' });
    const r = await answer(app, session.id, { answer: ANSWER });
    const failed = 'unavailable: connect ECONNREFUSED 127.0.0.1:11434';
    expect((await store.llmCalls.byTurn(r.turn.id)).map((c) => [c.order, c.error])).toEqual([['reference-first', failed], ['reference-last', failed]]);
    await regrade(app, r.turn.id);
    const calls = await store.llmCalls.byTurn(r.turn.id);
    expect(calls.map((c) => c.order)).toEqual(['reference-first', 'reference-last', 'reference-first', 'reference-last']);
    const last = calls[3];
    expect(last).toMatchObject({ model: 'fake-llm-1', promptVersion: judge.promptVersion, error: null, usage: { completionTokens: 8 } });
    expect(JSON.parse(last?.rawReply ?? '{}')).toMatchObject({ score: 5 });
    expect(last?.request.messages.at(-1)?.content).toContain(ANSWER);
  });
});

describe('restart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'coach-restart-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps every acknowledged answer, and a turn left pending by a crash can be regraded', async () => {
    const path = join(dir, 'coach.db');
    const firstRun = sessionApp({ store: createStore({ path }) });
    const { session } = await startSession(firstRun.app, { topic: 'drift-and-monitoring', count: 2 });
    const r1 = await answer(firstRun.app, session.id, { answer: ANSWER });
    // A crash mid-grade: the answer row is committed and the process dies before the grade is written.
    const crashed = await firstRun.store.transaction(async (tx) => {
      const t = await tx.turns.insertPending({
        id: 'crashed-turn',
        sessionId: session.id,
        step: 1,
        questionId: `${r1.turn.questionId}.follow-up`,
        kind: 'follow-up',
        question: r1.next?.text ?? '',
        answer: 'Concept drift: the input-label relationship changes.',
        retryOf: null,
        createdAt: new Date().toISOString(),
      });
      await tx.sessions.advance(session.id, 2, t.createdAt, null);
      return t;
    });
    firstRun.store.close();

    const secondRun = sessionApp({ store: createStore({ path }) });
    const res = await secondRun.app.request(`/api/sessions/${session.id}`);
    expect(res.status).toBe(200);
    const s = (await res.json()) as { turns: TurnJson[]; summary: SummaryJson; session: { answeredSteps: number } };
    expect(s.turns.map((t) => [t.id, t.status, t.grading])).toEqual([
      [r1.turn.id, 'graded', false],
      [crashed.id, 'pending', false],
    ]);
    expect(s.turns[0]?.grade).toEqual(r1.turn.grade);
    expect(s.session.answeredSteps).toBe(2);
    expect(s.summary.ungraded).toEqual([{ turnId: crashed.id, questionId: crashed.questionId, status: 'pending' }]);
    expect((await secondRun.store.turns.pending()).map((t) => t.id)).toEqual([crashed.id]);

    const again = await regrade(secondRun.app, crashed.id);
    expect(again.body.turn).toMatchObject({ status: 'graded', answer: 'Concept drift: the input-label relationship changes.' });
    // Carry on answering where the first run stopped.
    const next = await answer(secondRun.app, session.id, { answer: ANSWER });
    expect(next.turn.step).toBe(2);
    secondRun.store.close();
  });
});
