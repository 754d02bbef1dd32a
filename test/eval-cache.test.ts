import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CacheMissError, cacheKey, createCachedChat } from '../evals/llm-cache.js';
import { runEvalCommand } from '../evals/eval-command.js';
import { runEval } from '../evals/run-eval.js';
import { orderOf, scoredReply } from '../scripts/fake-judge/scored-reply.js';
import { ChatFailure } from '../src/judge/chat-failure.js';
import type { ChatCompleter, ChatRequest } from '../src/judge/chat.js';
import { createLlmJudge } from '../src/judge/llm/llm-judge.js';
import { createLlmLimiter } from '../src/judge/llm/llm-limiter.js';
import { bank } from './helpers/app.js';
import { prompts, reply, type Script, scriptedCompleter } from './helpers/llm.js';

/** A scripted provider, answering after `latencyMs` when given. */
function fakeChat(script: Script, latencyMs = 0) {
  return scriptedCompleter(async (request, i) => {
    if (latencyMs > 0) await new Promise((r) => setTimeout(r, latencyMs));
    return script(request, i);
  });
}

/** A provider reply that is just a score: the cache does not read what it stores. */
const scoreOnly = (score: number) => reply({ score }, { usage: { promptTokens: 10, completionTokens: 8 } });

/** The real LLM judge, with the shipped prompts, over `chat`. */
const llmJudge = (chat: ChatCompleter) => createLlmJudge({ completer: chat, model: 'fake-judge-model', prompts, limiter: createLlmLimiter(8) });

/** The hidden `[h=N]` marker a test puts in an answer to script what the provider replies. */
function markerOf(request: ChatRequest): number {
  const text = request.messages.map((m) => m.content).join('\n');
  return Number(/\[h=(\d(?:\.\d+)?)\]/.exec(text)?.[1] ?? 3);
}

const request = (content: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'm',
  messages: [{ role: 'user', content }],
  temperature: 0,
  maxTokens: 100,
  responseFormat: 'json_object',
  ...extra,
});

const tmp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

describe('LLM reply cache', () => {
  it('keys on everything that determines the reply, and on nothing else', () => {
    const base = cacheKey(request('hello'));
    expect(cacheKey(request('hello'))).toBe(base);
    expect(cacheKey({ maxTokens: 100, temperature: 0, model: 'm', responseFormat: 'json_object', messages: [{ content: 'hello', role: 'user' }] })).toBe(base);
    for (const changed of [
      request('hello!'),
      request('hello', { model: 'other' }),
      request('hello', { temperature: 0.7 }),
      request('hello', { maxTokens: 101 }),
      request('hello', { responseFormat: 'json_schema' }),
      request('hello', { jsonSchema: { name: 'g', schema: { type: 'object' } } }),
      request('hello', { messages: [{ role: 'system', content: 'hello' }] }),
    ]) {
      expect(cacheKey(changed)).not.toBe(base);
    }
  });

  it('serves a repeated request from disk without calling the provider, across instances', async () => {
    const dir = tmp('cache-');
    const fake = fakeChat((r) => scoreOnly(4));
    const first = createCachedChat(fake, { dir });
    await first.complete(request('a'));
    await first.complete(request('b'));
    expect(fake.requests).toHaveLength(2);
    const second = createCachedChat(fake, { dir });
    const r = await second.complete(request('a'));
    expect(r.content).toBe('{"score":4}');
    expect(fake.requests).toHaveLength(2);
    expect(second.stats()).toMatchObject({ hits: 1, providerCalls: 0, cachedUsage: { completionTokens: 8 } });
    expect(readdirSync(dir).length).toBeGreaterThan(0);
  });

  it('shares one call between identical requests in flight', async () => {
    const fake = fakeChat((r) => scoreOnly(3), 20);
    const chat = createCachedChat(fake, { dir: tmp('cache-') });
    await Promise.all([chat.complete(request('same')), chat.complete(request('same')), chat.complete(request('same'))]);
    expect(fake.requests).toHaveLength(1);
    expect(chat.stats()).toMatchObject({ providerCalls: 1, hits: 2 });
  });

  it('does not cache a provider error, so a rerun tries again', async () => {
    let fail = true;
    const fake = fakeChat((r) => {
      if (fail) throw new ChatFailure('unavailable', '503');
      return scoreOnly(2);
    });
    const chat = createCachedChat(fake, { dir: tmp('cache-') });
    await expect(chat.complete(request('x'))).rejects.toThrow('503');
    fail = false;
    expect((await chat.complete(request('x'))).content).toBe('{"score":2}');
    expect(fake.requests).toHaveLength(2);
  });

  it('treats a damaged entry as a miss', async () => {
    const dir = tmp('cache-');
    const key = cacheKey(request('x'));
    const fake = fakeChat((r) => scoreOnly(5));
    await createCachedChat(fake, { dir }).complete(request('x'));
    writeFileSync(join(dir, key.slice(0, 2), `${key}.json`), '{ not json');
    await createCachedChat(fake, { dir }).complete(request('x'));
    expect(fake.requests).toHaveLength(2);
  });

  it('in replay mode throws CacheMissError on a miss and never calls the provider', async () => {
    const fake = fakeChat((r) => scoreOnly(5));
    const chat = createCachedChat(fake, { dir: tmp('cache-'), replay: true });
    await expect(chat.complete(request('never recorded'))).rejects.toBeInstanceOf(CacheMissError);
    expect(fake.requests).toHaveLength(0);
    expect(chat.stats().replayMisses).toBe(1);
  });
});

/** A labelled file whose answers carry `[h=N]`: the fake LLM reads it to script its reply. */
function llmDataset(n = 25): string {
  const ids = bank.bank.questions.slice(0, 6).map((q) => q.id);
  const lines = Array.from({ length: n }, (_, i) => {
    const human = (i % 5) + 1;
    return JSON.stringify({ id: `q${i}`, questionId: ids[i % ids.length], answer: `Answer ${i} [h=${human}]`, humanScore: human, tags: i % 6 === 0 ? ['adversarial'] : [] });
  });
  const file = join(tmp('llm-data-'), 'llm.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** Reference-first reads the answer one point too high: a pure position bias the swap cancels. */
const biased = (r: ChatRequest) => scoredReply(r, Math.min(5, markerOf(r) + (orderOf(r) === 'reference-first' ? 1 : 0)));

describe('eval harness with an LLM judge (scripted)', () => {
  it('makes 0 LLM calls on a rerun, and the same report', async () => {
    const data = llmDataset();
    const cacheDir = tmp('cache-');
    const fake = fakeChat(biased);
    const run = async () => {
      const chat = createCachedChat(fake, { dir: cacheDir });
      return runEval({ data, bank, judge: llmJudge(chat), llmStats: () => chat.stats(), concurrency: 4, price: { input: 1, output: 2 } });
    };
    const first = await run();
    expect(first.llm).toMatchObject({ providerCalls: 50, cacheHits: 0 });
    expect(first.llm!.costUsd!).toBeGreaterThan(0);
    const second = await run();
    expect(second.llm).toMatchObject({ providerCalls: 0, cacheHits: 50, costUsd: 0 });
    expect(second.llm!.costWithoutCacheUsd).toBeCloseTo(first.llm!.costUsd!, 12);
    expect(fake.requests).toHaveLength(50);
    expect(second.metrics).toEqual(first.metrics);
  });

  it('reports ablation rows, position bias and per-order scores', async () => {
    const chat = createCachedChat(fakeChat(biased), { dir: null });
    const r = await runEval({ data: llmDataset(), bank, judge: llmJudge(chat), llmStats: () => chat.stats(), folds: 3 });
    expect(r.ablation.map((a) => a.variant)).toEqual(['none', 'swap', 'calibration', 'swap+calibration']);
    const row = (v: string) => r.ablation.find((a) => a.variant === v)!;
    // reference-first alone is one point high except at 5 (capped): MAE (1+1+1+1+0)/5 = 0.8
    expect(row('none').mae).toBeCloseTo(0.8, 12);
    // the mean of both orders halves the error: 0.4
    expect(row('swap').mae).toBeCloseTo(0.4, 12);
    expect(row('swap+calibration').mae!).toBeLessThan(row('swap').mae!);
    // human 1..4 differ by exactly 1 between orders, human 5 by 0: mean difference 4/5
    expect(r.bias.position).toEqual({ n: 25, meanDifference: expect.closeTo(0.8, 12), shareDiffering2OrMore: 0 });
    expect(r.items[0]).toMatchObject({ referenceFirst: 2, referenceLast: 1, raw: 1.5 });
  });

  it('counts provider failures as unscored with their reason, never as a score', async () => {
    const chat = createCachedChat(fakeChat((req) => {
      if (markerOf(req) === 3) throw new ChatFailure('unavailable', 'provider down');
      return scoredReply(req, markerOf(req));
    }), { dir: null });
    const r = await runEval({ data: llmDataset(10), bank, judge: llmJudge(chat), llmStats: () => chat.stats() });
    expect(r.unscored).toMatchObject({ count: 2, reasons: { 'provider-unavailable': 2 } });
    expect(r.n).toBe(8);
    expect(r.metrics.raw.mae).toBe(0);
  });

  it('--replay stops the run on the first miss, even though the judge turns errors into unscored items', async () => {
    const chat = createCachedChat(fakeChat(biased), { dir: tmp('cache-'), replay: true });
    await expect(runEval({ data: llmDataset(), bank, judge: llmJudge(chat), llmStats: () => chat.stats() })).rejects.toBeInstanceOf(
      CacheMissError,
    );
  });

  it('the CLI records with --cache, replays with --replay (exit 0), and fails a replay that misses (exit 1)', async () => {
    const data = llmDataset();
    const cacheDir = tmp('cache-');
    const fake = fakeChat(biased);
    const createJudge = (_c: unknown, o: { wrapChat?: (c: typeof fake) => import('../src/judge/chat.js').ChatCompleter } = {}) =>
      llmJudge(o.wrapChat ? o.wrapChat(fake) : fake);
    const quiet = { stdout: () => undefined, stderr: { write: () => true } };
    let out = '';
    const loud = { stdout: (t: string) => void (out += t), stderr: { write: () => true } };
    const args = ['--data', data, '--judge', 'llm', '--out', tmp('out-')];
    expect(await runEvalCommand([...args, '--cache', cacheDir], {}, quiet, { createJudge })).toBe(0);
    expect(fake.requests).toHaveLength(50);
    expect(await runEvalCommand([...args, '--cache', cacheDir, '--replay'], {}, loud, { createJudge })).toBe(0);
    expect(fake.requests).toHaveLength(50);
    expect(out).toMatch(/LLM: 0 provider calls, 50 cache hits/);
    let err = '';
    const errs = { stdout: () => undefined, stderr: { write: (t: string) => ((err += t), true) } };
    expect(await runEvalCommand([...args, '--cache', tmp('empty-'), '--replay'], {}, errs, { createJudge })).toBe(1);
    expect(err).toMatch(/replay: no cached reply/);
    expect(fake.requests).toHaveLength(50);
  });
});
