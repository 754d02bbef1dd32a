import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStubLlmServer } from '../scripts/fake-judge/stub-server.js';
import { startServerProcess } from './helpers/server-process.js';
import type { AnswerJson, TurnJson } from './helpers/session-app.js';

// Real server processes (`src/main.ts`, as `npm start` runs it) on loopback ports, against stub LLMs in
// this process: one that never answers in time, one that answers at once, one that takes a second.
const ANSWER =
  'Data drift means production inputs move away from the training distribution, for example a new customer segment. We compare feature distributions with PSI.';

let dir: string;
const stubs: { server: Server; url: string; inFlight: number }[] = [];
const children: ChildProcess[] = [];

async function stub(delayMs: number) {
  const entry = { server: createStubLlmServer({ delayMs, onInFlight: (n) => (entry.inFlight = n) }), url: '', inFlight: 0 };
  await new Promise<void>((resolve) => entry.server.listen(0, '127.0.0.1', resolve));
  entry.url = `http://127.0.0.1:${(entry.server.address() as AddressInfo).port}/v1`;
  stubs.push(entry);
  return entry;
}

/** Start `src/main.ts` on a free loopback port with the LLM judge at `llmUrl`; resolves with its base URL. */
function startServer(llmUrl: string, db: string) {
  const server = startServerProcess({ DB_PATH: db, JUDGE: 'llm', OPENAI_BASE_URL: llmUrl, LLM_MAX_RETRIES: '0', SHUTDOWN_GRACE_MS: '10000' });
  children.push(server.child);
  return server;
}

async function json<T>(res: Response | Promise<Response>): Promise<T> {
  const r = await res;
  if (!r.ok) throw new Error(`${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}
const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** Poll until `check` gives a value; bounded in count, so a broken server fails the test instead of hanging it. */
async function waitFor<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

async function answerWhileGrading(base: string, slow: { inFlight: number }) {
  const { session } = await json<{ session: { id: string } }>(post(`${base}/api/sessions`, { topic: 'data-drift', count: 1 }));
  const answering = post(`${base}/api/sessions/${session.id}/answers`, { answer: ANSWER });
  // Handled from the start: after a kill -9 it rejects before the test gets to assert that it does.
  answering.catch(() => undefined);
  const turn = await waitFor('the answer to be graded', async () => {
    const t = await json<{ turns: TurnJson[] }>(fetch(`${base}/api/sessions/${session.id}`));
    return t.turns[0]?.grading && slow.inFlight > 0 ? t.turns[0] : undefined;
  });
  return { turn, answering };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'coach-crash-'));
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const s of stubs) {
    s.server.closeAllConnections();
    await new Promise((resolve) => s.server.close(resolve));
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('a server killed mid-grade', () => {
  it('grades the pending answer again after a restart on the same database', async () => {
    const db = join(dir, 'crash.db');
    const slow = await stub(20_000);
    const first = startServer(slow.url, db);
    const { turn, answering } = await answerWhileGrading(await first.base, slow);
    expect(turn).toMatchObject({ status: 'pending', grading: true, answer: ANSWER });

    first.child.kill('SIGKILL');
    expect(await first.exited).toBeNull(); // killed by the signal: no shutdown code ran
    await expect(answering).rejects.toThrow(); // the client never got an answer

    const fast = await stub(0);
    const second = startServer(fast.url, db);
    const base = await second.base;
    const after = await waitFor('the recovered grade', async () => {
      const t = (await json<{ turn: TurnJson }>(fetch(`${base}/api/turns/${turn.id}`))).turn;
      return t.status === 'pending' ? undefined : t;
    });
    expect(after).toMatchObject({ id: turn.id, status: 'graded', answer: ANSWER, failure: null, grading: false });
    expect(after.grade?.judge.kind).toBe('llm');
    expect(after.grade?.consistency).not.toBeNull();
    expect(second.output()).toMatch(/grading again 1 answer\(s\) left pending/);

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(second.output()).toMatch(/stopped cleanly/);
  });
});

describe('a server stopped with SIGTERM mid-grade', () => {
  it('finishes the grade, answers the client, then exits cleanly', async () => {
    const db = join(dir, 'term.db');
    const llm = await stub(1500);
    const server = startServer(llm.url, db);
    const { turn, answering } = await answerWhileGrading(await server.base, llm);

    server.child.kill('SIGTERM');
    const res = await json<AnswerJson>(answering);
    expect(res.turn).toMatchObject({ id: turn.id, status: 'graded' });
    expect(await server.exited).toBe(0);
    expect(server.output()).toMatch(/SIGTERM: stopping; 1 grade\(s\) in flight/);
    expect(server.output()).toMatch(/stopped cleanly/);

    // The database was closed cleanly and holds the grade: a new server finds nothing to recover.
    const again = startServer(llm.url, db);
    const base = await again.base;
    expect((await json<{ turn: TurnJson }>(fetch(`${base}/api/turns/${turn.id}`))).turn.status).toBe('graded');
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
    expect(again.output()).not.toMatch(/grading again/);
  });
});
