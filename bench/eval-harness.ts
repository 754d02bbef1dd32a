import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBankIndex } from '../src/bank/bank-index.js';
import { loadBank } from '../src/bank/load-bank.js';
import { createCachedChat } from '../evals/llm-cache.js';
import { runEval } from '../evals/run-eval.js';
import { scoredReply } from '../scripts/fake-judge/scored-reply.js';
import type { ChatCompleter, ChatRequest } from '../src/judge/chat.js';
import { loadJudgePrompts } from '../src/judge/llm/judge-prompts.js';
import { createLlmJudge } from '../src/judge/llm/llm-judge.js';
import { createLlmLimiter } from '../src/judge/llm/llm-limiter.js';

const ITEMS = 1000;
const CONCURRENCY = 16;
const LATENCY_MS = 200;
/** The LLM judge makes one call per order (the scripted replies propose their own follow-up: no third call). */
const CALLS_PER_ITEM = 2;

/** A simulated provider: replies with the score of the answer's `[h=N]` marker after `LATENCY_MS`. */
function simulatedProvider(): ChatCompleter & { calls: number } {
  const provider = {
    calls: 0,
    async complete(request: ChatRequest) {
      provider.calls += 1;
      await new Promise((r) => setTimeout(r, LATENCY_MS));
      const text = request.messages.map((m) => m.content).join('\n');
      return scoredReply(request, Number(/\[h=(\d)\]/.exec(text)?.[1] ?? 3));
    },
  };
  return provider;
}

/** A labelled file of ITEMS answers over every main question and follow-up of the bank. */
function syntheticDataset(dir: string): string {
  const bank = createBankIndex(loadBank());
  const ids = bank.bank.questions.flatMap((q) => [q.id, `${q.id}.follow-up`]);
  const lines = Array.from({ length: ITEMS }, (_, i) => {
    const human = (i % 5) + 1;
    const id = ids[i % ids.length] ?? 'mlops';
    return JSON.stringify({ id: `bench-${i}`, questionId: id, answer: `Synthetic answer ${i} to ${id} [h=${human}]`, humanScore: human, tags: [] });
  });
  const file = join(dir, 'bench.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/**
 * The eval harness against a simulated LLM with 200 ms latency: wall time of a cold run against the ideal
 * `items x calls / concurrency x latency` (a ratio near 1 means the harness adds almost nothing), then a
 * rerun of the same items from the disk cache (goal: 0 calls, under 2 s).
 */
export async function benchEvalHarness(log: (line: string) => void = console.log): Promise<{ ratio: number; cachedCalls: number; cachedMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-eval-'));
  try {
    const data = syntheticDataset(dir);
    const bank = createBankIndex(loadBank());
    const cacheDir = join(dir, 'cache');
    const fake = simulatedProvider();
    const prompts = loadJudgePrompts();

    const timed = async () => {
      const chat = createCachedChat(fake, { dir: cacheDir });
      const t0 = performance.now();
      // The real LLM judge; its limiter holds calls in flight to CONCURRENCY, as the ideal time assumes.
      const judge = createLlmJudge({ completer: chat, model: 'simulated-model', prompts, limiter: createLlmLimiter(CONCURRENCY) });
      const report = await runEval({ data, bank, judge, llmStats: () => chat.stats(), concurrency: CONCURRENCY });
      return { ms: performance.now() - t0, report };
    };
    log(`eval harness: simulated LLM (${LATENCY_MS} ms per call, ${CALLS_PER_ITEM} calls per item, both orders at once)`);

    const cold = await timed();
    const idealMs = ((ITEMS * CALLS_PER_ITEM) / CONCURRENCY) * LATENCY_MS;
    const ratio = idealMs / cold.ms;
    log(`cold run: ${ITEMS} items, ${cold.report.llm?.providerCalls} LLM calls at ${LATENCY_MS} ms, concurrency ${CONCURRENCY}`);
    log(`  wall ${(cold.ms / 1000).toFixed(2)} s, ideal ${(idealMs / 1000).toFixed(2)} s, ratio ideal/wall ${ratio.toFixed(3)} (goal >= 0.9: ${ratio >= 0.9 ? 'met' : 'NOT met'})`);

    const before = fake.calls;
    const warm = await timed();
    const calls = fake.calls - before;
    log(`cached rerun: ${ITEMS} items, ${calls} LLM calls (${warm.report.llm?.cacheHits} cache hits), wall ${(warm.ms / 1000).toFixed(2)} s (goal: 0 calls and < 2 s: ${calls === 0 && warm.ms < 2000 ? 'met' : 'NOT met'})`);
    return { ratio, cachedCalls: calls, cachedMs: warm.ms };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function main(): Promise<boolean> {
  const r = await benchEvalHarness();
  return r.ratio >= 0.9 && r.cachedCalls === 0 && r.cachedMs < 2000;
}
