import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { afterEach, describe, expect, it } from 'vitest';
import { runEvalCommand } from '../evals/eval-command.js';
import type { EvalReport } from '../evals/report.js';
import type { BatchSummary } from '../evals/batch/batch-eval.js';
import { createFakeBatchApi, type FakeBatchApiOptions } from '../scripts/fake-judge/fake-batch-api.js';

// The LLM judge over the fake provider: live calls and the Batch API get replies from the same fake judge.
const LIMIT = '12';
const servers: ServerType[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function provider(options: FakeBatchApiOptions = {}) {
  const fake = createFakeBatchApi(options);
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: fake.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  servers.push(server);
  const { port } = server.address() as AddressInfo;
  return { ...fake, env: { OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`, OPENAI_API_KEY: 'sk-test-batch', JUDGE_MODEL: 'gpt-4o-mini', LLM_MAX_RETRIES: '0' } };
}

const tmp = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
};

async function run(args: string[], env: Record<string, string>, sleeps: number[] = []) {
  let stdout = '';
  let stderr = '';
  const code = await runEvalCommand(
    ['--data', 'data/labelled', '--judge', 'llm', '--limit', LIMIT, ...args],
    env,
    { stdout: (t) => (stdout += t), stderr: { write: (t: string) => ((stderr += t), true), isTTY: false } as never },
    { sleep: async (ms) => void sleeps.push(ms), now: () => new Date('2026-12-01T10:00:00Z') },
  );
  return { code, stdout, stderr };
}

const readReport = (out: string) => JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as EvalReport & { batch?: BatchSummary };
// What depends on the replies alone: every metric and every item's grade. Timing and call counts differ by design.
const graded = (r: EvalReport) => ({ n: r.n, unscored: r.unscored, metrics: r.metrics, ceiling: r.ceiling, confusion: r.confusion, byTag: r.byTag, items: r.items });

describe('eval --batch (against a fake Batch API that behaves as documented)', () => {
  it('makes no chat-completions call, gives the report a live run gives with the same replies, and a rerun costs nothing', async () => {
    const p = await provider();
    const liveOut = tmp('live-');
    const live = await run(['--cache', tmp('cache-live-'), '--out', liveOut], p.env);
    expect(live.code, live.stderr).toBe(0);
    const liveCalls = p.counts.chatCompletions;
    expect(liveCalls).toBe(2 * Number(LIMIT));

    const cache = tmp('cache-batch-');
    const batchOut = tmp('batch-');
    const sleeps: number[] = [];
    const batch = await run(['--batch', '--cache', cache, '--out', batchOut], p.env, sleeps);
    expect(batch.code, batch.stderr).toBe(0);
    expect(p.counts.chatCompletions).toBe(liveCalls);
    expect(p.counts).toMatchObject({ uploads: 1, batches: 1, batchLines: liveCalls });
    // Submitted as validating; polled in_progress, finalizing, completed: two waits, the second half as long again.
    expect(sleeps).toEqual([5000, 7500]);
    expect(batch.stderr).toMatch(/in_progress/);
    expect(batch.stderr).toMatch(/finalizing/);

    const a = readReport(liveOut);
    const b = readReport(batchOut);
    expect(graded(b)).toEqual(graded(a));
    expect(b.batch?.batches).toHaveLength(1);
    expect(b.batch?.usage.promptTokens).toBe(a.llm?.freshUsage.promptTokens);
    expect(b.batch?.usage.completionTokens).toBe(a.llm?.freshUsage.completionTokens);
    // gpt-4o-mini's list price, halved.
    const list = ((a.llm?.freshUsage.promptTokens ?? 0) * 0.15 + (a.llm?.freshUsage.completionTokens ?? 0) * 0.6) / 1e6;
    expect(b.batch?.costUsd).toBeCloseTo(list / 2, 10);
    expect(batch.stdout).toMatch(/after the 50% batch discount/);

    const rerun = await run(['--batch', '--cache', cache, '--out', tmp('rerun-')], p.env);
    expect(rerun.code).toBe(0);
    expect(p.counts).toMatchObject({ chatCompletions: liveCalls, uploads: 1, batches: 1 });
    expect(rerun.stdout).toMatch(/none needed: every reply was cached/);
  });

  it('stops after submitting and resumes the same batch on the next run, with or without its state file', async () => {
    const p = await provider();
    const cache = tmp('cache-');
    const first = await run(['--batch', '--no-wait', '--cache', cache, '--out', tmp('o-')], p.env);
    expect(first.code).toBe(0);
    const id = /batch (\S+) submitted/.exec(first.stdout)?.[1];
    expect(id).toMatch(/^batch-/);
    expect(existsSync(join(cache, 'batch-state.json'))).toBe(true);
    expect(p.counts.statusPolls).toBe(0);

    const out = tmp('o-');
    const second = await run(['--batch', '--cache', cache, '--out', out], p.env);
    expect(second.code, second.stderr).toBe(0);
    expect(p.counts).toMatchObject({ uploads: 1, batches: 1, chatCompletions: 0 });
    expect(readReport(out).n).toBe(Number(LIMIT));

    // The state lost: --resume names the batch, and nothing is submitted again.
    const p2 = await provider();
    const cache2 = tmp('cache-');
    const submitted = await run(['--batch', '--no-wait', '--cache', cache2, '--out', tmp('o-')], p2.env);
    const id2 = /batch (\S+) submitted/.exec(submitted.stdout)?.[1] ?? '';
    rmSync(join(cache2, 'batch-state.json'));
    const resumed = await run(['--batch', '--resume', id2, '--cache', cache2, '--out', tmp('o-')], p2.env);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(p2.counts).toMatchObject({ uploads: 1, batches: 1, chatCompletions: 0 });
  });

  it('resubmits what an expired batch did not run, in a second smaller batch', async () => {
    const p = await provider({ statuses: ['validating', 'in_progress', 'expired'], ranBeforeExpiry: 10 });
    const out = tmp('o-');
    const r = await run(['--batch', '--cache', tmp('cache-'), '--out', out], p.env);
    // The fake expires every batch, so the second one runs only its first 10 of 14 lines, and so on.
    expect(r.code, r.stderr).toBe(0);
    expect(p.counts.batches).toBeGreaterThanOrEqual(2);
    expect(p.counts.batchLines).toBe(24 + 14 + 4);
    expect(readReport(out).n).toBe(Number(LIMIT));
    expect(p.counts.chatCompletions).toBe(0);
  });

  it('lists requests the batch failed for good with the provider reason; their item is unscored, not 0', async () => {
    const refusal = { error: { message: 'Invalid prompt: flagged by the safety system', type: 'invalid_request_error', param: null, code: 'invalid_prompt' } };
    // Every request about one answer (whatever its order or format) fails as the provider would fail it live.
    const flagged = 'MLOps is the engineering discipline for taking ML models out of a notebook';
    const p = await provider({ override: (line) => (JSON.stringify(line.body).includes(flagged) ? { status: 400, body: refusal } : null) });
    const out = tmp('o-');
    const r = await run(['--batch', '--cache', tmp('cache-'), '--out', out], p.env);
    expect(r.code, r.stderr).toBe(0);
    const report = readReport(out);
    expect(report.batch?.failed.length).toBeGreaterThanOrEqual(2);
    for (const f of report.batch?.failed ?? []) expect(f).toMatchObject({ status: 400, reason: refusal.error.message });
    expect(report.unscored.items.map((i) => i.id)).toEqual(['mlops-01']);
    expect(report.unscored.items[0]?.detail).toMatch(/Invalid prompt/);
    expect(report.items.find((i) => i.id === 'mlops-01')?.raw).toBeNull();
    expect(report.n).toBe(Number(LIMIT) - 1);
    expect(r.stdout).toMatch(/failed in the batch: \S+ 400 Invalid prompt/);
  });

  it("learns a reasoning model's refused parameters from the batch's 400s and resubmits, as a live call would", async () => {
    // OpenAI's documented refusals of gpt-5 / o-series models.
    const refuse = (param: string, message: string) => ({ status: 400, body: { error: { message, type: 'invalid_request_error', param, code: 'unsupported_parameter' } } });
    const bodies: Record<string, unknown>[] = [];
    const p = await provider({
      override: (line) => {
        const body = line.body as Record<string, unknown>;
        bodies.push(body);
        if ('max_tokens' in body) return refuse('max_tokens', "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.");
        if (body.temperature !== undefined && body.temperature !== 1) return refuse('temperature', "Unsupported value: 'temperature' does not support 0 with this model. Only the default (1) value is supported.");
        return null;
      },
    });
    const out = tmp('o-');
    const r = await run(['--batch', '--cache', tmp('cache-'), '--out', out], { ...p.env, JUDGE_MODEL: 'gpt-5-mini' });
    expect(r.code, r.stderr).toBe(0);
    expect(p.counts.batches).toBe(3);
    expect(p.counts.batchLines).toBe(3 * 2 * Number(LIMIT));
    const last = bodies.at(-1) ?? {};
    expect(last).toMatchObject({ model: 'gpt-5-mini', max_completion_tokens: expect.any(Number) });
    expect(last).not.toHaveProperty('max_tokens');
    expect(last).not.toHaveProperty('temperature');
    const report = readReport(out);
    expect(report.n).toBe(Number(LIMIT));
    expect(report.batch?.failed).toEqual([]);
  });

  it('names the option when the provider has no Batch API, and refuses --batch with the embedded judge', async () => {
    const p = await provider({ noBatchApi: true });
    const r = await run(['--batch', '--cache', tmp('cache-'), '--out', tmp('o-')], p.env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--batch: the provider at http:\/\/127\.0\.0\.1:\d+\/v1 has no Batch API \(POST \/files answered 404\)/);
    expect(p.counts.chatCompletions).toBe(0);

    const embedded = await runEvalCommand(['--data', 'data/labelled', '--judge', 'embedded', '--batch', '--cache', tmp('c-')], {}, { stdout: () => undefined, stderr: { write: () => true } as never });
    expect(embedded).toBe(2);
  });
});
