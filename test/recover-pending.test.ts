import { describe, expect, it } from 'vitest';
import { createGrader } from '../src/grading/grade.js';
import type { Judge } from '../src/judge/judge.js';
import { recoverPendingTurns } from '../src/server/recover-pending.js';
import { createSessionService } from '../src/sessions/session-service.js';
import { createStore } from '../src/store/store.js';
import { bank } from './helpers/app.js';
import { scriptedJudge, swappedVerdict, unscoredVerdict } from './helpers/scripted-llm-judge.js';

const AT = '2026-01-01T00:00:00.000Z';

/** A database as a crash leaves it: answers committed as `pending`, grading started and never finished. */
function crashedStore(questionIds: string[]) {
  const store = createStore({ path: ':memory:' });
  store.sessions.insert({ id: 's1', createdAt: AT, filters: { topic: null, type: null, difficulty: null, count: 3 }, plan: ['data-drift', 'concept-drift', 'feature-store'] });
  questionIds.forEach((questionId, i) => {
    store.turns.insertPending({ id: `t${i}`, sessionId: 's1', step: i, questionId, kind: 'main', question: 'Q?', answer: `answer ${i}`, retryOf: null, createdAt: AT });
    store.turns.markGrading(`t${i}`, AT);
  });
  return store;
}

function recover(store: ReturnType<typeof crashedStore>, judge: Judge) {
  const sessions = createSessionService({ store, bank, grade: createGrader({ bank, judge }) });
  const logs: string[] = [];
  const recovery = recoverPendingTurns({ turns: store.turns, sessions, log: (m) => logs.push(m), logError: () => undefined });
  return { recovery, logs };
}

describe('crash recovery', () => {
  it('grades again every turn left pending, one at a time', async () => {
    const store = crashedStore(['data-drift', 'data-drift.follow-up']);
    const judge = scriptedJudge([swappedVerdict(4, 4)]);
    const { recovery, logs } = recover(store, judge);
    expect(await recovery.done).toEqual({ found: 2, graded: 2, failed: 0, skipped: 0 });
    expect(store.turns.get('t0')).toMatchObject({ status: 'graded', answer: 'answer 0', gradingRuns: 2 });
    expect(store.turns.get('t1')).toMatchObject({ status: 'graded', gradingRuns: 2 });
    expect(store.turns.pending()).toEqual([]);
    expect(logs[0]).toMatch(/grading again 2 answer/);
  });

  it('marks a turn failed with the reason when the judge still cannot grade it; it stays regradable', async () => {
    const store = crashedStore(['data-drift']);
    const { recovery } = recover(store, scriptedJudge([unscoredVerdict('provider down')]));
    expect(await recovery.done).toMatchObject({ failed: 1, graded: 0 });
    expect(store.turns.get('t0')).toMatchObject({ status: 'failed', failure: { reason: 'provider-unavailable', detail: 'provider down' } });

    const sessions = createSessionService({ store, bank, grade: createGrader({ bank, judge: scriptedJudge([swappedVerdict(3, 3)]) }) });
    expect((await sessions.regrade('t0')).turn.status).toBe('graded');
  });

  it('fails a turn whose question left the bank instead of leaving it pending', async () => {
    const store = crashedStore(['no-such-question']);
    const { recovery } = recover(store, scriptedJudge([swappedVerdict(4, 4)]));
    expect(await recovery.done).toMatchObject({ failed: 1 });
    expect(store.turns.get('t0')).toMatchObject({ status: 'failed', failure: { reason: 'judge-error', detail: expect.stringMatching(/no longer in the bank/) } });
  });

  it('starts no further grade once stopped', async () => {
    const store = crashedStore(['data-drift', 'data-drift.follow-up']);
    const judge = scriptedJudge([swappedVerdict(4, 4)]);
    const { recovery } = recover(store, judge);
    recovery.stop();
    const report = await recovery.done;
    // The first grade had started in the same tick; the second was never started.
    expect(report).toEqual({ found: 2, graded: 1, failed: 0, skipped: 1 });
    expect(store.turns.get('t1')?.status).toBe('pending');
  });

  it('does nothing when no turn is pending', async () => {
    const { recovery, logs } = recover(crashedStore([]), scriptedJudge([swappedVerdict(4, 4)]));
    expect(await recovery.done).toEqual({ found: 0, graded: 0, failed: 0, skipped: 0 });
    expect(logs).toEqual([]);
  });
});
