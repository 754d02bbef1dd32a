import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Grade } from '../src/grading/grade-schema.js';
import { createGrader } from '../src/grading/grade.js';
import { createEmbeddedJudge } from '../src/judge/embedded/embedded-judge.js';
import type { NewGradeEvent } from '../src/store/grade-events-repo.js';
import { retryWhileBusy } from '../src/store/busy-retry.js';
import { MIGRATIONS } from '../src/store/migrations.js';
import { createPostgresStore, createStore, type Store } from '../src/store/store.js';
import { bank } from './helpers/app.js';
import { llmCall } from './helpers/scripted-llm-judge.js';
import { describePostgres, freshDatabase } from './helpers/postgres.js';

/** How a contract run opens the one database it works on (again and again, as restarts and instances do). */
interface Engine {
  open(): Promise<Store>;
}

const AT = '2026-01-01T10:00:00.000Z';
const CANDIDATE = '6f1c7a52-3a0e-4c55-9d8e-2b7f4f0e9a11';
const STRANGER = '0b9e4f3c-8d21-4a7e-b6c5-1f2e3d4c5b6a';
const later = (ms: number) => new Date(Date.parse(AT) + ms).toISOString();
const newTurn = (id: string, extra: Record<string, unknown> = {}) => ({
  id, sessionId: 's1', step: 0, questionId: 'data-drift', kind: 'main' as const, question: 'What is data drift?', answer: `answer of ${id}`, retryOf: null, createdAt: AT, ...extra,
});
const seedSession = (store: Store, id = 's1') =>
  store.sessions.insert({ id, createdAt: AT, filters: { topic: null, type: null, difficulty: null, count: 1 }, plan: ['data-drift'] });
const realGrade = (answer: string): Promise<Grade> => createGrader({ bank, judge: createEmbeddedJudge() })({ questionId: 'data-drift', answer });
const gradeEvent = (over: Partial<NewGradeEvent> = {}): NewGradeEvent => ({
  at: AT, source: 'session', role: 'served', variant: 'A', judgeKind: 'llm', model: 'm', promptName: 'default', promptVersion: 'v',
  sessionId: null, turnId: null, questionId: 'data-drift', pairId: null, answerChars: 10, answerWords: 2, outcome: 'scored', reason: null,
  score: 3.7, rawScore: 3.5, inconsistent: false, promptTokens: 100, completionTokens: 10, latencyMs: 50, grade: null, ...over,
});

/**
 * The store's contract: what every caller relies on, whichever engine is behind it. Run against SQLite
 * always and against a real PostgreSQL server when TEST_DATABASE_URL is set.
 */
function storeContract(engine: () => Engine) {
  const opened: Store[] = [];
  const open = async () => {
    const s = await engine().open();
    opened.push(s);
    return s;
  };
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
  });

  it('records the migrations, applies nothing when reopened, and answers a ping', async () => {
    const first = await open();
    const { rows } = await sql<{ id: number }>`SELECT id FROM schema_migrations ORDER BY id`.execute(first.db);
    expect(rows.map((r) => Number(r.id))).toEqual(MIGRATIONS.map((m) => m.id));
    expect((await open()).appliedMigrations).toEqual([]);
    expect(await first.ping()).toBe(true);
    await first.close();
    expect(await first.ping()).toBe(false);
  });

  it('stores an answer as pending, numbers turns and attempts, and records grading outcomes', async () => {
    const store = await open();
    await seedSession(store);
    expect(await store.turns.insertPending(newTurn('t1'))).toMatchObject({ seq: 1, attempt: 1, status: 'pending', grade: null, failure: null, gradingRuns: 0 });
    expect(await store.turns.insertPending(newTurn('t2', { retryOf: 't1' }))).toMatchObject({ seq: 2, attempt: 2, retryOf: 't1' });
    expect(await store.turns.insertPending(newTurn('t3', { step: 1, questionId: 'data-drift.follow-up', kind: 'follow-up' }))).toMatchObject({ seq: 3, attempt: 1 });
    expect((await store.turns.latestForStep('s1', 0))?.id).toBe('t2');

    const lease = { by: 'me', until: later(1000) };
    expect(await store.turns.claim('t1', lease, AT)).toMatchObject({ status: 'pending', gradingRuns: 1 });
    const failed = await store.turns.markFailed('t1', { reason: 'provider-unavailable', detail: 'HTTP 503' }, AT, 'me');
    expect(failed).toMatchObject({ status: 'failed', failure: { reason: 'provider-unavailable', detail: 'HTTP 503' }, gradingRuns: 1 });
    // A failed grade is kept and can be graded again.
    expect(await store.turns.claim('t1', lease, AT)).toMatchObject({ status: 'pending', failure: null, gradingRuns: 2 });
    const grade = await realGrade('Production data shifts away from the training data, detected with PSI.');
    const graded = await store.turns.markGraded('t1', grade, later(60_000), 'me');
    expect(graded).toMatchObject({ status: 'graded', gradedAt: later(60_000), failure: null });
    expect(graded.grade).toEqual(grade);
    expect(await store.turns.claim('t1', lease, later(5000))).toBeUndefined();

    expect((await store.turns.bySession('s1')).map((t) => t.id)).toEqual(['t1', 't2', 't3']);
    expect((await store.turns.pending()).map((t) => t.id)).toEqual(['t2', 't3']);
    expect(await store.turns.countByStatus()).toEqual({ pending: 2, graded: 1, failed: 0 });
  });

  it('refuses a turn of an unknown session, and a failed or graded status without its reason or grade', async () => {
    const store = await open();
    await expect(store.turns.insertPending(newTurn('t1'))).rejects.toThrow(/foreign key/i);
    await seedSession(store);
    await store.turns.insertPending(newTurn('t1'));
    await expect(sql`UPDATE turns SET status = 'failed' WHERE id = 't1'`.execute(store.db)).rejects.toThrow(/check/i);
    await expect(sql`UPDATE turns SET status = 'graded' WHERE id = 't1'`.execute(store.db)).rejects.toThrow(/check/i);
  });

  it('reports a corrupted grade column instead of returning it, and masks credentials in a failure', async () => {
    const store = await open();
    await seedSession(store);
    await store.turns.insertPending(newTurn('t1'));
    await store.turns.insertPending(newTurn('t2', { step: 1 }));
    await sql`UPDATE turns SET status = 'graded', grade = '{"score": "high"}' WHERE id = 't1'`.execute(store.db);
    await expect(store.turns.get('t1')).rejects.toThrow(/corrupted turns row: grade/);
    const t = await store.turns.markFailed('t2', { reason: 'provider-unavailable', detail: 'Incorrect API key provided: sk-proj-abcdefgh12345678' }, AT);
    expect(t.failure?.detail).toBe('Incorrect API key provided: [redacted]');
  });

  it('commits a transaction whole or not at all, and locks the session it read', async () => {
    const store = await open();
    await seedSession(store);
    await expect(
      store.transaction(async (tx) => {
        await tx.turns.insertPending(newTurn('t1'));
        await tx.sessions.advance('s1', 1, AT, null);
        throw new Error('judge exploded mid-accept');
      }),
    ).rejects.toThrow('judge exploded');
    expect(await store.turns.get('t1')).toBeUndefined();
    expect((await store.sessions.get('s1'))?.cursor).toBe(0);

    // Two instances taking the next step of one session at once: the second waits, then sees the first's step.
    const other = await open();
    const take = (s: Store, id: string) =>
      s.transaction(async (tx) => {
        const session = await tx.sessions.getForUpdate('s1');
        const step = session?.cursor ?? -1;
        await tx.turns.insertPending(newTurn(id, { step }));
        await tx.sessions.advance('s1', step + 1, AT, null);
        return step;
      });
    // As the session service does: a lock another SQLite connection holds is waited out with awaited retries.
    const steps = await Promise.all([retryWhileBusy(() => take(store, 'a')), retryWhileBusy(() => take(other, 'b'))]);
    expect(steps.sort()).toEqual([0, 1]);
    expect((await store.sessions.get('s1'))?.cursor).toBe(2);
  });

  it('leases a turn: no second claim while the lease holds, anyone after it ends, and only the holder writes', async () => {
    const store = await open();
    const other = await open();
    await seedSession(store);
    await store.turns.insertPending(newTurn('t1'), { by: 'a', until: later(1000) });
    expect(await other.turns.claim('t1', { by: 'b', until: later(2000) }, later(500))).toBeUndefined();
    expect(await other.turns.claimAbandoned({ by: 'b', until: later(2000) }, later(500), 5)).toEqual([]);
    expect(await store.turns.renew('t1', { by: 'a', until: later(3000) })).toBe(true);
    expect(await other.turns.claimAbandoned({ by: 'b', until: later(2000) }, later(2500), 5)).toEqual([]);
    // a stops renewing (it died): after its lease, b takes the turn.
    const [taken] = await other.turns.claimAbandoned({ by: 'b', until: later(9000) }, later(3000), 5);
    expect(taken).toMatchObject({ id: 't1', status: 'pending', gradingRuns: 2 });
    expect(await store.turns.renew('t1', { by: 'a', until: later(9999) })).toBe(false);
    // a's late grade is not written over b's lease; b's is.
    const grade = await realGrade('Inputs drift from the training data.');
    expect((await store.turns.markGraded('t1', grade, later(4000), 'a')).status).toBe('pending');
    expect((await other.turns.markGraded('t1', grade, later(4000), 'b')).status).toBe('graded');
  });

  it('lets two instances sweeping at once take different abandoned turns', async () => {
    const store = await open();
    const other = await open();
    await seedSession(store);
    for (let i = 0; i < 6; i++) await store.turns.insertPending(newTurn(`t${i}`, { step: i }), { by: 'dead', until: AT });
    const [x, y] = await Promise.all([
      store.turns.claimAbandoned({ by: 'x', until: later(9000) }, later(1), 3),
      other.turns.claimAbandoned({ by: 'y', until: later(9000) }, later(1), 3),
    ]);
    const ids = [...(x ?? []), ...(y ?? [])].map((t) => t.id);
    expect(ids.sort()).toEqual(['t0', 't1', 't2', 't3', 't4', 't5']);
    expect(await store.turns.claimAbandoned({ by: 'z', until: later(9000) }, later(2), 3)).toEqual([]);
  });

  it('keeps the LLM call audit log per turn, never with a credential', async () => {
    const store = await open();
    await seedSession(store);
    await store.turns.insertPending(newTurn('t1'));
    const task = { questionId: 'data-drift', question: 'What is data drift?', referenceAnswer: 'x'.repeat(20), rubric: null, levels: bank.bank.levels, answer: 'Inputs shift.' };
    await store.llmCalls.insert('t1', llmCall(task, 'reference-first'));
    const call = llmCall(task, 'reference-last', { rawReply: null, finishReason: null, usage: null, error: 'AuthenticationError: Incorrect API key provided: sk-live-0123456789abcdef' });
    await store.llmCalls.insert('t1', { ...call, request: { ...call.request, headers: { Authorization: 'Bearer tok_abcdefghijkl' } } } as typeof call);
    const calls = await store.llmCalls.byTurn('t1');
    expect(calls.map((c) => c.order)).toEqual(['reference-first', 'reference-last']);
    expect(calls[0]).toMatchObject({ turnId: 't1', model: 'fake-llm-1', rawReply: '{"score": 4}', usage: { promptTokens: 120, completionTokens: 30 }, latencyMs: 12, error: null });
    expect(calls[1]).toMatchObject({ rawReply: null, usage: null, error: 'AuthenticationError: Incorrect API key provided: [redacted]' });
    const { rows } = await sql`SELECT * FROM llm_calls`.execute(store.db);
    expect(JSON.stringify(rows)).not.toMatch(/sk-live|tok_abcdefghijkl/);
  });

  it('keeps the grade log: scored windows, totals, pairs, with full-precision scores', async () => {
    const store = await open();
    await store.gradeEvents.insertMany([gradeEvent(), gradeEvent({ rawScore: 4.25 }), gradeEvent({ outcome: 'unscored', reason: 'timeout', score: null, rawScore: null, inconsistent: null })]);
    const id = await store.gradeEvents.insert(gradeEvent({ role: 'served', pairId: 'p1', rawScore: 2 }));
    await store.gradeEvents.insert(gradeEvent({ role: 'shadow', variant: 'B', pairId: 'p1', rawScore: 3, promptVersion: 'v2' }));
    const key = { variant: 'A' as const, model: 'm', promptVersion: 'v' };
    expect((await store.gradeEvents.firstScored(key, 2)).map((g) => g.rawScore)).toEqual([3.5, 4.25]);
    expect((await store.gradeEvents.latestScoredAfter(key, 0, 2)).map((g) => g.id)).toEqual([expect.any(Number), id]);
    expect(await store.gradeEvents.questions(key)).toEqual(['data-drift']);
    const totals = await store.gradeEvents.totals(key, 'served');
    expect(totals).toMatchObject({ grades: 4, scored: 3, unscored: 1, failed: 0, swapped: 3, inconsistent: 0, prompt_tokens: 400 });
    expect(totals.mean_score).toBeCloseTo(3.7, 10);
    expect(totals.mean_raw).toBeCloseTo((3.5 + 4.25 + 2) / 3, 10);
    expect(await store.gradeEvents.pairs(key, { variant: 'B', model: 'm', promptVersion: 'v2' })).toEqual([{ aRaw: 2, aOutcome: 'scored', bRaw: 3, bOutcome: 'scored' }]);
    expect((await store.gradeEvents.byPair('p1')).map((r) => r.role)).toEqual(['served', 'shadow']);
  });

  it('keeps the practice columns of sessions and turns, and reads a candidate\'s sessions and turns in order', async () => {
    const store = await open();
    const other = await open();
    const filters = { topic: null, type: null, difficulty: null, count: 1 };
    await seedSession(store);
    expect(await store.sessions.get('s1')).toMatchObject({ candidateId: null, mode: 'practice', timeLimitSeconds: null, askedAt: AT });
    await store.sessions.insert({ id: 'm2', createdAt: later(2000), filters, plan: ['data-drift'], candidateId: CANDIDATE, mode: 'mock', timeLimitSeconds: 60 });
    await store.sessions.insert({ id: 'm1', createdAt: later(1000), filters, plan: ['data-drift'], candidateId: CANDIDATE, mode: 'review' });
    expect(await other.sessions.get('m2')).toMatchObject({ candidateId: CANDIDATE, mode: 'mock', timeLimitSeconds: 60, askedAt: later(2000) });
    await store.practice.markAsked('m2', later(3000));
    expect((await other.sessions.get('m2'))?.askedAt).toBe(later(3000));

    await store.turns.insertPending(newTurn('a1', { sessionId: 'm2', timeSpentMs: 90_000, overTime: true, hintUsed: true }));
    await store.turns.insertPending(newTurn('b1', { sessionId: 'm1' }));
    // An answer to an adaptive follow-up is its own first attempt and not the newest attempt at its step.
    const adaptive = await store.turns.insertPending(newTurn('a2', { sessionId: 'm2', question: 'And how would you detect it?', adaptiveOf: 'a1', probesKeyPoint: 'detection' }));
    expect(adaptive).toMatchObject({ seq: 2, attempt: 1, adaptiveOf: 'a1', probesKeyPoint: 'detection', overTime: false, hintUsed: false, timeSpentMs: null });
    expect(await store.turns.insertPending(newTurn('a3', { sessionId: 'm2', retryOf: 'a1' }))).toMatchObject({ seq: 3, attempt: 2 });
    expect((await store.turns.latestForStep('m2', 0))?.id).toBe('a3');
    expect(await other.turns.get('a1')).toMatchObject({ timeSpentMs: 90_000, overTime: true, hintUsed: true, modelAnswerViewed: false, adaptiveOf: null });
    await store.practice.markModelAnswerViewed('a1', later(4000));
    expect(await other.turns.get('a1')).toMatchObject({ modelAnswerViewed: true, updatedAt: later(4000) });

    expect((await other.practice.sessionsOf(CANDIDATE)).map((x) => [x.id, x.mode])).toEqual([['m1', 'review'], ['m2', 'mock']]);
    expect((await other.practice.turnsOf(CANDIDATE)).map((t) => t.id)).toEqual(['b1', 'a1', 'a2', 'a3']);
    expect(await other.practice.sessionsOf(STRANGER)).toEqual([]);
    expect(await other.practice.turnsOf(STRANGER)).toEqual([]);
  });

  it('keeps the first hint of a step, whichever instance saves it', async () => {
    const store = await open();
    const other = await open();
    await seedSession(store);
    expect(await store.practice.hintFor('s1', 0)).toBeNull();
    const saved = await Promise.all([
      retryWhileBusy(() => store.practice.saveHint('s1', 0, 'detection', AT)),
      retryWhileBusy(() => other.practice.saveHint('s1', 0, 'definition', AT)),
    ]);
    expect(saved[0]).toBe(saved[1]);
    expect(await other.practice.hintFor('s1', 0)).toBe(saved[0]);
    expect(await store.practice.saveHint('s1', 0, 'another-point', later(1))).toBe(saved[0]);
    expect(await store.practice.saveHint('s1', 1, 'another-point', later(1))).toBe('another-point');
    await expect(store.practice.saveHint('no-such-session', 0, 'detection', AT)).rejects.toThrow(/foreign key/i);
  });

  it('deletes a profile in one transaction: its sessions, turns, hints and audit rows go, the grade log loses its links', async () => {
    const store = await open();
    const filters = { topic: null, type: null, difficulty: null, count: 1 };
    for (const [id, candidateId] of [['c1', CANDIDATE], ['c2', CANDIDATE], ['keep', STRANGER]] as const) {
      await store.sessions.insert({ id, createdAt: AT, filters, plan: ['data-drift'], candidateId });
    }
    await store.turns.insertPending(newTurn('t1', { sessionId: 'c1' }));
    await store.turns.insertPending(newTurn('t2', { sessionId: 'c1', retryOf: 't1' }));
    await store.turns.insertPending(newTurn('t3', { sessionId: 'c1', adaptiveOf: 't2', probesKeyPoint: 'detection' }));
    await store.turns.insertPending(newTurn('t4', { sessionId: 'c2' }));
    await store.turns.insertPending(newTurn('k1', { sessionId: 'keep' }));
    await store.practice.saveHint('c1', 0, 'detection', AT);
    await store.practice.saveHint('keep', 0, 'detection', AT);
    const task = { questionId: 'data-drift', question: 'What is data drift?', referenceAnswer: 'x'.repeat(20), rubric: null, levels: bank.bank.levels, answer: 'Inputs shift.' };
    await store.llmCalls.insert('t3', llmCall(task, 'reference-first'));
    await store.llmCalls.insert('k1', llmCall(task, 'reference-first'));
    await store.gradeEvents.insertMany([gradeEvent({ sessionId: 'c1', turnId: 't2' }), gradeEvent({ sessionId: 'keep', turnId: 'k1' })]);

    // A failure inside the transaction leaves everything as it was.
    await expect(
      store.transaction(async (tx) => {
        await tx.practice.deleteCandidate(CANDIDATE);
        throw new Error('stopped halfway');
      }),
    ).rejects.toThrow('stopped halfway');
    expect((await store.practice.turnsOf(CANDIDATE)).map((t) => t.id)).toEqual(['t1', 't2', 't3', 't4']);

    expect(await store.transaction((tx) => tx.practice.deleteCandidate(CANDIDATE))).toBe(2);
    expect(await store.practice.sessionsOf(CANDIDATE)).toEqual([]);
    const count = async (table: string) => Number((await sql<{ n: number }>`SELECT COUNT(*) AS n FROM ${sql.table(table)}`.execute(store.db)).rows[0]?.n);
    expect(await count('sessions')).toBe(1);
    expect((await sql<{ id: string }>`SELECT id FROM turns ORDER BY id`.execute(store.db)).rows.map((r) => r.id)).toEqual(['k1']);
    expect(await count('session_hints')).toBe(1);
    expect((await sql<{ turn_id: string }>`SELECT turn_id FROM llm_calls`.execute(store.db)).rows.map((r) => r.turn_id)).toEqual(['k1']);
    const { rows } = await sql<{ session_id: string | null; turn_id: string | null }>`SELECT session_id, turn_id FROM grade_events ORDER BY id`.execute(store.db);
    expect(rows).toEqual([{ session_id: null, turn_id: null }, { session_id: 'keep', turn_id: 'k1' }]);
    expect(await store.transaction((tx) => tx.practice.deleteCandidate(CANDIDATE))).toBe(0);
  });

  it('keeps sessions, turns and audit rows across a reopen, and shows each instance what another wrote', async () => {
    const before = await open();
    const reader = await open();
    await seedSession(before);
    await before.turns.insertPending(newTurn('pending-1'));
    const grade = await realGrade('Production data drifts from training data.');
    await before.turns.insertPending(newTurn('graded-1', { retryOf: 'pending-1' }));
    await before.turns.markGraded('graded-1', grade, AT);
    await before.sessions.advance('s1', 2, AT, AT);
    expect(await reader.turns.get('graded-1')).toMatchObject({ status: 'graded', grade });
    const snapshot = { session: await before.sessions.get('s1'), turns: await before.turns.bySession('s1') };
    await before.close();
    const after = await open();
    expect(await after.sessions.get('s1')).toEqual(snapshot.session);
    expect(snapshot.session).toMatchObject({ status: 'finished', cursor: 2, finishedAt: AT });
    expect(await after.turns.bySession('s1')).toEqual(snapshot.turns);
  });
}

describe('store contract on SQLite', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'coach-contract-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  storeContract(() => ({ open: async () => createStore({ path: join(dir, 'coach.db') }) }));
});

describePostgres('store contract on PostgreSQL', (baseUrl) => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  beforeAll(async () => {
    db = await freshDatabase(baseUrl);
  });
  afterAll(async () => db?.drop());
  beforeEach(async () => {
    // Each case starts from empty tables on the already migrated database.
    const s = await createPostgresStore({ url: db.url });
    await sql`TRUNCATE sessions, turns, session_hints, llm_calls, grade_events RESTART IDENTITY CASCADE`.execute(s.db);
    await s.close();
  });
  storeContract(() => ({ open: () => createPostgresStore({ url: db.url }) }));

  it('lets instances starting together migrate once, under the lock', async () => {
    const fresh = await freshDatabase(baseUrl);
    try {
      const stores = await Promise.all([1, 2, 3].map(() => createPostgresStore({ url: fresh.url })));
      expect(stores.map((s) => s.appliedMigrations.length).sort()).toEqual([0, 0, MIGRATIONS.length]);
      for (const s of stores) await s.close();
    } finally {
      await fresh.drop();
    }
  });

  it('names the database without its password when it cannot be used', async () => {
    const u = new URL(baseUrl);
    u.password = 'not-the-password-42';
    const err: unknown = await createPostgresStore({ url: u.toString() }).catch((e: unknown) => e);
    expect(String((err as Error).message)).toMatch(/DATABASE_URL postgres:\/\/coach_test@127\.0\.0\.1:\d+\/\w+ cannot be used: password authentication failed/);
    expect(String((err as Error).message)).not.toContain('not-the-password-42');
  });
});
