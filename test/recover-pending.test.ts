import { describe, expect, it } from 'vitest';
import { createGrader } from '../src/grading/grade.js';
import type { Judge } from '../src/judge/judge.js';
import { recoverPendingTurns } from '../src/server/recover-pending.js';
import { createSessionService } from '../src/sessions/session-service.js';
import { createStore, type Store } from '../src/store/store.js';
import { bank } from './helpers/app.js';
import { scriptedJudge, swappedVerdict, unscoredVerdict } from './helpers/scripted-llm-judge.js';

const AT = '2026-01-01T00:00:00.000Z';

/** A database as a crash leaves it: answers committed as `pending`, grading started and never finished. */
async function crashedStore(questionIds: string[], lease = { by: 'dead-process', until: '2026-01-01T00:00:30.000Z' }) {
  const store = createStore({ path: ':memory:' });
  await store.sessions.insert({ id: 's1', createdAt: AT, filters: { topic: null, type: null, difficulty: null, count: 3 }, plan: ['data-drift', 'concept-drift', 'feature-store'] });
  for (const [i, questionId] of questionIds.entries()) {
    await store.turns.insertPending({ id: `t${i}`, sessionId: 's1', step: i, questionId, kind: 'main', question: 'Q?', answer: `answer ${i}`, retryOf: null, createdAt: AT }, lease);
  }
  return store;
}

/** SQLite semantics by default: one process per file, so a lease found at start is a dead process's. */
function recover(store: Store, judge: Judge, options: { releaseLeasesAtStart?: boolean; now?: () => Date } = { releaseLeasesAtStart: true }) {
  const sessions = createSessionService({ store, bank, grade: createGrader({ bank, judge }), ...(options.now ? { now: options.now } : {}) });
  const logs: string[] = [];
  const recovery = recoverPendingTurns({ turns: store.turns, sessions, log: (m) => logs.push(m), logError: () => undefined, ...options });
  return { recovery, logs, sessions };
}

describe('crash recovery', () => {
  it('grades again every turn left pending, one at a time', async () => {
    const store = await crashedStore(['data-drift', 'data-drift.follow-up']);
    const judge = scriptedJudge([swappedVerdict(4, 4)]);
    const { recovery, logs } = recover(store, judge);
    expect(await recovery.done).toEqual({ found: 2, graded: 2, failed: 0, skipped: 0 });
    expect(await store.turns.get('t0')).toMatchObject({ status: 'graded', answer: 'answer 0', gradingRuns: 2 });
    expect(await store.turns.get('t1')).toMatchObject({ status: 'graded', gradingRuns: 2 });
    expect(await store.turns.pending()).toEqual([]);
    expect(logs[0]).toMatch(/grading again 2 answer/);
  });

  it('marks a turn failed with the reason when the judge still cannot grade it; it stays regradable', async () => {
    const store = await crashedStore(['data-drift']);
    const { recovery } = recover(store, scriptedJudge([unscoredVerdict('provider down')]));
    expect(await recovery.done).toMatchObject({ failed: 1, graded: 0 });
    expect(await store.turns.get('t0')).toMatchObject({ status: 'failed', failure: { reason: 'provider-unavailable', detail: 'provider down' } });

    const sessions = createSessionService({ store, bank, grade: createGrader({ bank, judge: scriptedJudge([swappedVerdict(3, 3)]) }) });
    expect((await sessions.regrade('t0')).turn.status).toBe('graded');
  });

  it('fails a turn whose question left the bank instead of leaving it pending', async () => {
    const store = await crashedStore(['no-such-question']);
    const { recovery } = recover(store, scriptedJudge([swappedVerdict(4, 4)]));
    expect(await recovery.done).toMatchObject({ failed: 1 });
    expect(await store.turns.get('t0')).toMatchObject({ status: 'failed', failure: { reason: 'judge-error', detail: expect.stringMatching(/no longer in the bank/) } });
  });

  it('starts no further grade once stopped', async () => {
    const store = await crashedStore(['data-drift', 'data-drift.follow-up']);
    const judge = scriptedJudge([swappedVerdict(4, 4)]);
    const { recovery } = recover(store, judge);
    recovery.stop();
    const report = await recovery.done;
    // Stopped before the first claim: neither was started, both stay pending for the next start.
    expect(report).toEqual({ found: 2, graded: 0, failed: 0, skipped: 2 });
    expect((await store.turns.get('t0'))?.status).toBe('pending');
    expect((await store.turns.get('t1'))?.status).toBe('pending');
  });

  it('does nothing when no turn is pending', async () => {
    const { recovery, logs } = recover(await crashedStore([]), scriptedJudge([swappedVerdict(4, 4)]));
    expect(await recovery.done).toEqual({ found: 0, graded: 0, failed: 0, skipped: 0 });
    expect(logs).toEqual([]);
  });

  it('leaves a turn under another instance\'s live lease alone, and takes it once the lease has ended', async () => {
    const store = await crashedStore(['data-drift']);
    const judge = scriptedJudge([swappedVerdict(4, 4)]);
    // Ten seconds into the other instance's 30 s lease: not abandoned.
    const early = recover(store, judge, { now: () => new Date('2026-01-01T00:00:10.000Z') });
    expect(await early.recovery.done).toEqual({ found: 1, graded: 0, failed: 0, skipped: 1 });
    expect(await store.turns.get('t0')).toMatchObject({ status: 'pending', gradingRuns: 1 });
    // After the lease ended, the sweep of a live instance takes it and grades it, once.
    const late = recover(store, judge, { now: () => new Date('2026-01-01T00:00:31.000Z') });
    expect(await late.recovery.done).toEqual({ found: 1, graded: 1, failed: 0, skipped: 0 });
    expect(await store.turns.get('t0')).toMatchObject({ status: 'graded', gradingRuns: 2 });
  });

  it('refuses a regrade while another instance holds the lease, and allows it after', async () => {
    const store = await crashedStore(['data-drift']);
    const judge = scriptedJudge([swappedVerdict(4, 4)]);
    let now = new Date('2026-01-01T00:00:10.000Z');
    const sessions = createSessionService({ store, bank, grade: createGrader({ bank, judge }), now: () => now });
    await expect(sessions.regrade('t0')).rejects.toThrow(/being graded right now/);
    now = new Date('2026-01-01T00:00:31.000Z');
    expect((await sessions.regrade('t0')).turn.status).toBe('graded');
  });
});
