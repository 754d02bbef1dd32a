import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPostgresStore, type Store } from '../src/store/store.js';
import { describePostgres, freshDatabase } from './helpers/postgres.js';
import { type ServerProcess, startServerProcess, startStubLlm, waitFor } from './helpers/server-process.js';
import type { AnswerJson, TurnJson } from './helpers/session-app.js';

const ANSWER = 'Data drift means production inputs move away from the training distribution, for example a new customer segment. We compare feature distributions with PSI.';
const LEASE_MS = 1500;
const post = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
async function json<T>(res: Response | Promise<Response>): Promise<T> {
  const r = await res;
  if (!r.ok) throw new Error(`${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}

// Two real server processes on one PostgreSQL database. A's LLM (a stub on 127.0.0.1) takes a minute to
// answer, so its grades are always in flight; B's answers at once.
describePostgres('two instances on one PostgreSQL database', (baseUrl) => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let store: Store;
  const processes: ServerProcess[] = [];
  const stubs: Awaited<ReturnType<typeof startStubLlm>>[] = [];
  beforeAll(async () => {
    db = await freshDatabase(baseUrl);
  });
  afterAll(async () => {
    for (const p of processes) p.child.kill('SIGKILL');
    for (const s of stubs) await s.close();
    await store?.close();
    await db?.drop();
  });

  it('share sessions, and a turn whose instance is killed mid-grade is finished by the other, once', async () => {
    const slow = await startStubLlm(60_000);
    const fast = await startStubLlm(20);
    stubs.push(slow, fast);
    const env = (llm: string) => ({ DATABASE_URL: db.url, JUDGE: 'llm', OPENAI_BASE_URL: llm, LLM_MAX_RETRIES: '0', TURN_LEASE_MS: String(LEASE_MS) });
    // Started together: the migrations run once, under the advisory lock.
    const a = startServerProcess(env(slow.url));
    const b = startServerProcess(env(fast.url));
    processes.push(a, b);
    const [baseA, baseB] = await Promise.all([a.base, b.base]);
    store = await createPostgresStore({ url: db.url });
    expect(a.output() + b.output()).not.toContain('coach-test-password');

    // Started on A, answered on B, read back on A.
    const { session } = await json<{ session: { id: string } }>(post(`${baseA}/api/sessions`, { topic: 'drift-and-monitoring', count: 2 }));
    const first = await json<AnswerJson>(post(`${baseB}/api/sessions/${session.id}/answers`, { answer: ANSWER }));
    expect(first.turn.status).toBe('graded');
    const seenOnA = await json<{ turns: TurnJson[] }>(fetch(`${baseA}/api/sessions/${session.id}`));
    expect(seenOnA.turns.map((t) => [t.id, t.status])).toEqual([[first.turn.id, 'graded']]);

    // The next answer goes to A, whose grade hangs on its LLM. B leaves it alone while A renews its lease...
    const hanging = post(`${baseA}/api/sessions/${session.id}/answers`, { answer: `${ANSWER} Concept drift is the label relation changing.` }).catch((err: unknown) => err);
    await waitFor('A to call its LLM', async () => (slow.inFlight >= 1 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, LEASE_MS * 2));
    const { rows: live } = await sql<{ id: string; status: string; grading_runs: number; claimed_by: string | null }>`
      SELECT id, status, grading_runs, claimed_by FROM turns WHERE session_id = ${session.id} AND step = 1`.execute(store.db);
    expect(live).toEqual([{ id: expect.any(String), status: 'pending', grading_runs: 1, claimed_by: expect.any(String) }]);
    expect(fast.completions).toBe(2);

    // ...then A dies mid-grade: its client gets no answer, and B finishes the turn after the lease.
    a.child.kill('SIGKILL');
    expect(await a.exited).toBeNull();
    expect(await hanging).toBeInstanceOf(Error);
    const turnId = live[0]?.id ?? '';
    const recovered = await waitFor(
      'B to grade the abandoned turn',
      async () => {
        const { turn } = await json<{ turn: TurnJson }>(fetch(`${baseB}/api/turns/${turnId}`));
        return turn.status === 'pending' ? undefined : turn;
      },
      200,
      100,
    );
    expect(recovered).toMatchObject({ status: 'graded', gradingRuns: 2, step: 1 });
    expect(fast.completions).toBe(4);
    expect(b.output()).toMatch(/finished 1 answer\(s\) another instance left mid-grade: 1 graded/);

    // Every answer is there exactly once: one turn per step, the acknowledged one as B graded it.
    const { rows } = await sql<{ step: number; n: number }>`SELECT step, COUNT(*) AS n FROM turns GROUP BY step ORDER BY step`.execute(store.db);
    expect(rows).toEqual([{ step: 0, n: 1 }, { step: 1, n: 1 }]);
    expect(await store.turns.get(first.turn.id)).toMatchObject({ status: 'graded', gradingRuns: 1, grade: first.turn.grade });
    // The audit log of the recovered turn: A's two calls never finished, so only B's two were recorded.
    expect((await store.llmCalls.byTurn(turnId)).length).toBe(2);
    const health = await json<{ database: unknown }>(fetch(`${baseB}/healthz`));
    expect(health.database).toEqual({ kind: 'postgres', reachable: true });
  }, 90_000);
});
