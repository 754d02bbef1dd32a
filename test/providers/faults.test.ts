import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { serve } from '@hono/node-server';
import { afterEach, describe, expect, it } from 'vitest';
import { gradeTimeoutMs, loadConfig } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';
import { postJson, sqliteOf } from '../helpers/app.js';
import { answer, startSession } from '../helpers/session-app.js';
import { completion, type FakeProvider, type FakeReply, type SeenRequest, startFakeProvider, verdictText } from './fake-provider.js';
import { ANSWER, coach, gradeOnce, report } from './harness.js';

let fake: FakeProvider | null = null;
const closers: (() => void)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) c();
  await fake?.close();
  fake = null;
});

const start = (env: Record<string, string>) => {
  const c = coach(env);
  closers.push(c.close);
  return c;
};
const zero = { calls: 0, promptTokens: 0, completionTokens: 0 };
const ok = (r: SeenRequest): FakeReply => ({ json: completion(r.body, { content: verdictText(r.body) }) });
const userText = (r: SeenRequest) => r.body.messages.map((m) => m.content).join('\n');

/** Every table of the store, as text: what a database dump would show. */
async function dumpStore(c: ReturnType<typeof coach>): Promise<string> {
  await c.services.served.flush();
  const db = sqliteOf(c.services.store);
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
  return tables.map((t) => JSON.stringify(db.prepare(`SELECT * FROM "${t.name}"`).all())).join('\n');
}

describe('a provider that sends headers, then one byte every 50 ms', () => {
  it('is cut at LLM_TIMEOUT_MS per attempt (headers and body together), and the grade ends within its deadline', async () => {
    fake = await startFakeProvider((r) => (userText(r).includes('TRICKLE') ? { trickle: { chunk: ' ', everyMs: 50 } } : ok(r)));
    // 800 ms, not less: the ordinary grade at the end must fit in one attempt even on a loaded CI machine.
    const env = { OPENAI_BASE_URL: '', JUDGE_MODEL: 'slow', LLM_TIMEOUT_MS: '800', LLM_MAX_RETRIES: '1' };
    const c = start({ ...env, OPENAI_BASE_URL: `${fake.origin}/v1` });
    const bound = gradeTimeoutMs(loadConfig({ LLM_TIMEOUT_MS: '800', LLM_MAX_RETRIES: '1' }));
    // Two such answers at once: before, they held every LLM slot for good.
    const trickling = { ...ANSWER, answer: `${ANSWER.answer} TRICKLE` };
    const [a, b] = await Promise.all([gradeOnce(c, trickling), gradeOnce(c, trickling)]);
    for (const g of [a, b]) {
      expect(g.status).toBe(503);
      expect(g.json.error?.code).toBe('judge_unavailable');
      // The grade ends at its deadline, not never: a trickle that kept an attempt open would run until the test's
      // own timeout. The slack is for a loaded machine, where timers fire late; it is far below a hang.
      expect(g.ms).toBeLessThan(bound * 2);
    }
    // Two attempts per order (LLM_MAX_RETRIES=1), two orders, two grades.
    expect(fake.requests).toHaveLength(8);
    report('trickling reply (one byte every 50 ms), LLM_TIMEOUT_MS=800, LLM_MAX_RETRIES=1, two grades at once', fake, zero, `503 in ${Math.round(Math.max(a.ms, b.ms))} ms (bound ${bound} ms)`);
    // The slots are free again: an ordinary grade goes through.
    expect((await gradeOnce(c)).status).toBe(200);
  });

  it('refuses at start an LLM_TIMEOUT_MS the HTTP client cannot honour', () => {
    expect(() => loadConfig({ LLM_TIMEOUT_MS: '400000' })).toThrow(ConfigError);
    expect(() => loadConfig({ LLM_TIMEOUT_MS: '400000' })).toThrow(/at most 300000/);
  });
});

describe('a caller that has gone', () => {
  it('gets no LLM call started for it (a real socket the client closes)', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    fake = await startFakeProvider(async (r) => {
      await gate;
      return ok(r);
    });
    const c = start({ OPENAI_BASE_URL: `${fake.origin}/v1`, JUDGE_MODEL: 'm', LLM_CONCURRENCY: '2' });
    const server = serve({ fetch: c.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((r) => server.once('listening', () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/grade`;
    const post = (signal?: AbortSignal) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ANSWER), ...(signal ? { signal } : {}) });
    try {
      const first = post(); // holds both LLM slots until released
      await expect.poll(() => fake?.requests.length).toBe(2);
      const left = new AbortController();
      const gone = post(left.signal).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 100)); // its two calls now wait for a slot
      left.abort();
      await new Promise((r) => setTimeout(r, 100)); // the server sees the socket close
      release();
      expect((await first).status).toBe(200);
      await gone;
      await new Promise((r) => setTimeout(r, 100));
      expect(fake.requests).toHaveLength(2); // the first grade's two orders only
    } finally {
      (server as unknown as { closeAllConnections(): void }).closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe('a 5 MB reply', () => {
  it('is not read: unscored reply-too-large, small error body, small audit rows, no repair call', async () => {
    fake = await startFakeProvider((r) => ({ json: completion(r.body, { content: 'x'.repeat(5_000_000) }, { completionTokens: 1500, finish_reason: 'length' }) }));
    const c = start({ OPENAI_BASE_URL: `${fake.origin}/v1`, JUDGE_MODEL: 'm' });
    const res = await postJson(c.app, '/api/grade', ANSWER);
    const text = await res.text();
    expect(res.status).toBe(502);
    expect(text.length).toBeLessThan(20_000);
    expect(JSON.parse(text).grade.unscored.reason).toBe('reply-too-large');
    expect(fake.requests).toHaveLength(2);
    report('5 MB reply', fake, zero, '502 reply-too-large, no repair');

    const { session } = await startSession(c.app);
    const turn = await answer(c.app, session.id, { answer: ANSWER.answer });
    expect(turn.turn.failure?.reason).toBe('reply-too-large');
    const rows = await c.services.store.llmCalls.byTurn(turn.turn.id);
    expect(rows.length).toBe(2);
    for (const row of rows) {
      expect(row.rawReply).toBeNull();
      expect(row.error).toMatch(/^reply-too-large: /);
    }
    expect((await dumpStore(c)).length).toBeLessThan(200_000);
  });

  it('a large reply under the limit is kept and quoted only as bounded excerpts', async () => {
    fake = await startFakeProvider((r) => {
      const repair = r.body.messages.some((m) => m.role === 'assistant');
      return repair ? ok(r) : { json: completion(r.body, { content: `Thinking out loud. ${'blah '.repeat(100_000)}` }, { completionTokens: 100_004 }) };
    });
    const c = start({ OPENAI_BASE_URL: `${fake.origin}/v1`, JUDGE_MODEL: 'm' });
    const g = await gradeOnce(c);
    expect(g.status).toBe(200);
    const repairs = fake.requests.filter((r) => r.body.messages.some((m) => m.role === 'assistant'));
    expect(repairs).toHaveLength(2);
    for (const r of repairs) expect(r.body.messages.find((m) => m.role === 'assistant')?.content.length).toBeLessThan(6_100);
    for (const run of g.grade?.runs ?? []) expect(run.rejected?.raw.length).toBeLessThan(20_100);
  });
});

describe('a provider that echoes the key in its 401', () => {
  it('never lets the key out: error body, logs, audit rows, turn failure, transcript, stored rows', async () => {
    const key = 'tok-live-9f8e7d6c5b4a3921';
    fake = await startFakeProvider(() => ({
      status: 401,
      json: { error: { message: `Incorrect API key provided: ${key}. You can find your API key at https://platform.openai.com/account/api-keys.`, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } },
    }));
    const c = start({ OPENAI_API_KEY: key, OPENAI_BASE_URL: `${fake.origin}/v1`, JUDGE_MODEL: 'm' });
    const res = await postJson(c.app, '/api/grade', ANSWER);
    const body = await res.text();
    expect(res.status).toBe(502);
    expect(body).toContain('Incorrect API key provided: [redacted]');
    expect(body).not.toContain(key);
    report('key-echoing 401', fake, zero, '502 judge_failed, key masked');

    const { session } = await startSession(c.app);
    const turn = await answer(c.app, session.id, { answer: ANSWER.answer });
    expect(turn.turn.status).toBe('failed');
    expect(JSON.stringify(turn)).not.toContain(key);
    const transcript = await (await c.app.request(`/api/sessions/${session.id}`)).text();
    expect(transcript).not.toContain(key);
    expect((await c.services.store.llmCalls.byTurn(turn.turn.id)).length).toBe(2);
    expect(await dumpStore(c)).not.toContain(key);
    expect(await dumpStore(c)).toContain('[redacted]');
    expect(inspect(c.errors, { depth: 10 })).not.toContain(key);
    // The request did carry the key: masking is on the way out only.
    expect(fake.requests[0]?.headers.authorization).toBe(`Bearer ${key}`);
  });
});

describe('a grade whose deadline passes while the client waits to retry', () => {
  it('gives its LLM slots back at once', async () => {
    fake = await startFakeProvider((r, i) =>
      i < 2 ? { status: 429, headers: { 'retry-after': '5' }, json: { error: { message: 'Rate limit reached for requests', type: 'requests', code: 'rate_limit_exceeded' } } } : ok(r),
    );
    const c = start({ OPENAI_BASE_URL: `${fake.origin}/v1`, JUDGE_MODEL: 'm', LLM_CONCURRENCY: '2', LLM_GRADE_TIMEOUT_MS: '600' });
    const first = await gradeOnce(c);
    expect(first.status).toBe(503);
    expect(first.json.error?.message).toContain('deadline');
    // Both slots were held by calls sleeping 5 s before their retry; the next grade does not wait for them.
    const second = await gradeOnce(c);
    expect(second.status).toBe(200);
  });
});

describe("a long provider error", () => {
  it('reaches the candidate as a short one-line gist; the audit log keeps the whole (masked) text', async () => {
    const long = `Invalid 'messages[1].content': ${'the prompt breaks rule 17 of the moderation policy; '.repeat(40)}end of message.`;
    fake = await startFakeProvider(() => ({ status: 400, json: { error: { message: long, type: 'invalid_request_error', param: 'messages' } } }));
    const c = start({ OPENAI_BASE_URL: `${fake.origin}/v1`, JUDGE_MODEL: 'm' });
    const { session } = await startSession(c.app);
    const turn = await answer(c.app, session.id, { answer: ANSWER.answer });
    expect(turn.turn.failure?.reason).toBe('judge-error');
    expect(turn.turn.failure?.detail.length).toBeLessThan(400);
    expect(turn.turn.failure?.detail).not.toContain('end of message.');
    const rows = await c.services.store.llmCalls.byTurn(turn.turn.id);
    expect(rows[0]?.error).toContain('end of message.');
  });
});

describe('a slow local model on a one-slot server', () => {
  /** One request at a time, `ms` each; the rest wait in the server's queue (a one-slot llama.cpp or Ollama). */
  function oneSlot(ms: number) {
    let busyUntil = 0;
    return (r: SeenRequest): FakeReply => {
      const now = Date.now();
      const startAt = Math.max(now, busyUntil);
      busyUntil = startAt + ms;
      return { ...ok(r), afterMs: busyUntil - now } as FakeReply;
    };
  }

  it('with LLM_CONCURRENCY=1 and a timeout above the reply time, grades are scored', async () => {
    fake = await startFakeProvider(oneSlot(450));
    const c = start({ OPENAI_BASE_URL: `${fake.origin}/v1`, JUDGE_MODEL: 'qwen2.5:7b', LLM_CONCURRENCY: '1', LLM_TIMEOUT_MS: '1200', LLM_MAX_RETRIES: '1' });
    const g = await gradeOnce(c);
    expect(g.status).toBe(200);
    expect(fake.requests).toHaveLength(2);
    report('one-slot server, 450 ms a reply, LLM_CONCURRENCY=1, LLM_TIMEOUT_MS=1200', fake, zero, `200 scored in ${Math.round(g.ms)} ms`);
  });

  it('with too short a timeout, the grade is a 503 within its deadline instead of hanging', async () => {
    fake = await startFakeProvider(oneSlot(700));
    const c = start({ OPENAI_BASE_URL: `${fake.origin}/v1`, JUDGE_MODEL: 'qwen2.5:7b', LLM_TIMEOUT_MS: '600', LLM_MAX_RETRIES: '1' });
    const bound = gradeTimeoutMs(loadConfig({ LLM_TIMEOUT_MS: '600', LLM_MAX_RETRIES: '1' }));
    const g = await gradeOnce(c);
    expect(g.status).toBe(503);
    expect(g.ms).toBeLessThan(bound + 250);
    report('one-slot server, 700 ms a reply, LLM_TIMEOUT_MS=600', fake, zero, `503 in ${Math.round(g.ms)} ms (bound ${bound} ms)`);
  });
});
