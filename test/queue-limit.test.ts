import { describe, expect, it } from 'vitest';
import { OverloadedError } from '../src/errors.js';
import { createGrader } from '../src/grading/grade.js';
import { createGradeGate } from '../src/grading/grade-gate.js';
import { createApp } from '../src/http/app.js';
import type { ChatRequest } from '../src/judge/chat.js';
import { createLlmAdmission } from '../src/judge/llm/llm-admission.js';
import { createLlmJudge } from '../src/judge/llm/llm-judge.js';
import { createLlmLimiter } from '../src/judge/llm/llm-limiter.js';
import { seededRandom } from '../src/sessions/plan.js';
import { createStore } from '../src/store/store.js';
import { fakeVerdict } from '../scripts/fake-judge/fake-judge.js';
import { bank, postJson, testCoach } from './helpers/app.js';
import { prompts, reply } from './helpers/llm.js';
import { type AnswerJson, startSession, type TurnJson } from './helpers/session-app.js';

const ANSWER =
  'Data drift means production inputs move away from the training distribution; we compare feature distributions with PSI.';
const gradeBody = { questionId: 'data-drift', answer: ANSWER };

/** A provider whose replies wait until the test releases them, so the limiter's queue fills up. */
function blockedProvider() {
  const started: ChatRequest[] = [];
  let open = false;
  const waiting: (() => void)[] = [];
  return {
    started,
    release() {
      open = true;
      for (const w of waiting.splice(0)) w();
    },
    completer: {
      async complete(request: ChatRequest) {
        started.push(request);
        if (!open) await new Promise<void>((resolve) => waiting.push(resolve));
        return reply(fakeVerdict(request.messages) ?? 'no verdict');
      },
    },
  };
}

/** Let pending promise callbacks run: for waiting on a condition, never on time. */
async function until(condition: () => boolean) {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve));
  expect(condition()).toBe(true);
}

/** The LLM judge over the blocked provider: 2 calls at once, at most 2 waiting. */
function queueApp() {
  const provider = blockedProvider();
  const limiter = createLlmLimiter(2);
  const judge = createLlmJudge({ completer: provider.completer, model: 'judge-model', prompts, limiter });
  const { app, gate, store, errors, grade } = testCoach({ LLM_QUEUE_MAX: '2' }, { judge, llmLimiter: limiter, initialCallMs: 4000, random: seededRandom(3) });
  return { app, provider, limiter, gate, store, errors, grade };
}

/** Fill the queue: grade A runs both calls, grade B waits with both. */
async function fill(q: ReturnType<typeof queueApp>) {
  const a = postJson(q.app, '/api/grade', gradeBody);
  await until(() => q.provider.started.length === 2);
  const b = postJson(q.app, '/api/grade', gradeBody);
  await until(() => q.limiter.pendingCount === 2);
  return [a, b] as const;
}

describe('LLM queue admission', () => {
  const state = (activeCount: number, pendingCount: number, concurrency = 4) => ({ activeCount, pendingCount, concurrency });

  it('admits a grade when both of its calls fit in the queue', () => {
    expect(createLlmAdmission({ limiter: state(0, 0), queueMax: 0 }).check()).toEqual({ admitted: true });
    expect(createLlmAdmission({ limiter: state(2, 0), queueMax: 0 }).check()).toEqual({ admitted: true });
    expect(createLlmAdmission({ limiter: state(4, 30), queueMax: 32 }).check()).toEqual({ admitted: true });
    // One call at a time and no queue: a grade could never fit, so an idle limiter takes it anyway.
    expect(createLlmAdmission({ limiter: state(0, 0, 1), queueMax: 0 }).check()).toEqual({ admitted: true });
    expect(createLlmAdmission({ limiter: state(1, 0, 1), queueMax: 0 }).check()).toMatchObject({ admitted: false });
  });

  it('refuses it whole when only one of its calls would fit', () => {
    // One slot free and no queue allowed: the second order would wait, so neither is started.
    expect(createLlmAdmission({ limiter: state(3, 0), queueMax: 0 }).check()).toMatchObject({ admitted: false });
    expect(createLlmAdmission({ limiter: state(4, 31), queueMax: 32 }).check()).toMatchObject({ admitted: false, waiting: 31, limit: 32 });
  });

  it('estimates Retry-After from the queue and the measured call time', () => {
    const admission = createLlmAdmission({ limiter: state(4, 32), queueMax: 32, initialCallMs: 3000 });
    const before = admission.check();
    expect(before).toMatchObject({ admitted: false, retryAfterSeconds: 24 }); // 32 waiting / 4 at once x 3 s
    for (let i = 0; i < 50; i++) admission.observeCall(300);
    expect(admission.check()).toMatchObject({ admitted: false, retryAfterSeconds: 3 }); // 8 rounds x 0.3 s
  });

  it('queues both orders of a grade in the same tick as the call', () => {
    const q = queueApp();
    void q.grade(gradeBody);
    expect(q.limiter.activeCount + q.limiter.pendingCount).toBe(2);
    q.provider.release();
  });
});

describe('POST /api/grade when the queue is full', () => {
  it('answers 503 with Retry-After and sends nothing to the judge; admitted grades finish whole', async () => {
    const q = queueApp();
    const [a, b] = await fill(q);

    const refused = await postJson(q.app, '/api/grade', gradeBody);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('4'); // 2 waiting / 2 at once x 4 s
    const body = (await refused.json()) as { error: { code: string; message: string }; grade?: unknown };
    expect(body.error.code).toBe('overloaded');
    expect(body.error.message).toMatch(/queue is full \(2 LLM calls waiting, limit 2\)/);
    expect(body.grade).toBeUndefined();
    // The refused grade queued no call: the provider has seen A's two, B's two still wait.
    expect(q.provider.started).toHaveLength(2);
    expect(q.limiter.pendingCount).toBe(2);

    q.provider.release();
    for (const res of [await a, await b]) {
      expect(res.status).toBe(200);
      const g = (await res.json()) as { consistency: { referenceFirst: number; referenceLast: number } };
      expect(g.consistency).toMatchObject({ referenceFirst: expect.any(Number), referenceLast: expect.any(Number) });
    }
    expect(q.provider.started.length).toBeGreaterThanOrEqual(4);
    expect(q.gate.inFlight).toBe(0);
    // Refusals are expected behaviour under load, not errors for the log.
    expect(q.errors).toEqual([]);

    // Room again: the next grade is admitted.
    expect((await postJson(q.app, '/api/grade', gradeBody)).status).toBe(200);
  });

  it('answers 503 while the server shuts down', async () => {
    const q = queueApp();
    q.gate.close();
    const res = await postJson(q.app, '/api/grade', gradeBody);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/shutting down/);
    expect(q.provider.started).toHaveLength(0);
  });
});

describe('the sessions API when the queue is full', () => {
  it('stores the answer as failed with reason overloaded (200), moves on, and regrades it later', async () => {
    const q = queueApp();
    const { session } = await startSession(q.app, { topic: 'data-drift', count: 1 });
    const [a, b] = await fill(q);

    const res = await postJson(q.app, `/api/sessions/${session.id}/answers`, { answer: ANSWER });
    expect(res.status).toBe(200);
    const r = (await res.json()) as AnswerJson;
    expect(r.turn).toMatchObject({ status: 'failed', answer: ANSWER, grade: null, failure: { reason: 'overloaded' } });
    expect(r.turn.failure?.detail).toMatch(/queue is full/);
    expect(r.next?.kind).toBe('follow-up');
    expect(await q.store.turns.get(r.turn.id)).toMatchObject({ status: 'failed', answer: ANSWER, failure: { reason: 'overloaded' } });
    expect(q.provider.started).toHaveLength(2);

    // The regrade is refused the same way while the queue is still full.
    const again = await q.app.request(`/api/turns/${r.turn.id}/regrade`, { method: 'POST' });
    expect(again.status).toBe(200);
    expect(((await again.json()) as { turn: TurnJson }).turn).toMatchObject({ status: 'failed', failure: { reason: 'overloaded' } });

    q.provider.release();
    await Promise.all([a, b]);
    const later = await q.app.request(`/api/turns/${r.turn.id}/regrade`, { method: 'POST' });
    expect(later.status).toBe(200);
    const graded = ((await later.json()) as { turn: TurnJson }).turn;
    expect(graded).toMatchObject({ status: 'graded', failure: null, answer: ANSWER });
    expect(graded.grade?.consistency).not.toBeNull();
    expect(q.errors).toEqual([]);
  });
});

describe('grade gate', () => {
  it('counts grades in flight and resolves idle when the last one ends', async () => {
    const gate = createGradeGate();
    let finish: (() => void) | undefined;
    const grade = gate.wrap(
      () =>
        new Promise((_resolve, reject) => {
          finish = () => reject(new Error('judge broke'));
        }),
    );
    const running = grade(gradeBody).catch((e: unknown) => e);
    expect(gate.inFlight).toBe(1);
    let idle = false;
    void gate.idle().then(() => (idle = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(idle).toBe(false);
    finish?.();
    expect(await running).toBeInstanceOf(Error);
    await gate.idle();
    expect(gate.inFlight).toBe(0);
  });

  it('refuses every grade once closed, with the embedded judge too', async () => {
    const gate = createGradeGate();
    gate.close();
    await expect(gate.wrap(async () => Promise.reject(new Error('not called')))(gradeBody)).rejects.toBeInstanceOf(OverloadedError);
    expect(gate.closed).toBe(true);
  });
});
