import type { createJudge as CreateJudge } from '../../src/compose.js';
import type { Config } from '../../src/config.js';
import type { ChatCompleter } from '../../src/judge/chat.js';
import { createModelParamsBook } from '../../src/judge/llm/model-params.js';
import { toRequestBody } from '../../src/judge/llm/openai-completer.js';
import { errorOfJson, refusedParam } from '../../src/judge/llm/provider-errors.js';
import { costOf, type Price, priceOf } from '../cost.js';
import { type CachedChat, createCachedChat } from '../llm-cache.js';
import type { ProgressStream } from '../progress.js';
import type { EvalReport } from '../report.js';
import { type DatasetRun, runEval } from '../run-eval.js';
import { UsageError } from '../usage-error.js';
import type { BatchApi } from './batch-api.js';
import type { BatchRecord } from './batch-state.js';
import { defaultStatePath } from './batch-state.js';
import { createDeferringChat } from './deferring-chat.js';
import { runBatchRounds } from './run-batch.js';

/** The provider's discount on Batch API tokens (OpenAI's: half the price). */
export const DEFAULT_BATCH_DISCOUNT = 0.5;

/** `report.batch`: what the Batch API did for this run and what it cost. */
export interface BatchSummary {
  batches: Pick<BatchRecord, 'id' | 'status' | 'completed' | 'failed' | 'usage'>[];
  /** Tokens of every reply the batches returned for this run. */
  usage: { promptTokens: number; completionTokens: number };
  /** Share taken off the list price, e.g. 0.5. */
  discount: number;
  pricePerMillionTokens: Price | null;
  costUsd: number | null;
  /** Requests the Batch API failed for good, with the provider's reason. */
  failed: { key: string; status: number | null; reason: string }[];
}

export interface BatchEvalOptions {
  config: Config;
  run: DatasetRun;
  cacheDir: string;
  statePath?: string | undefined;
  discount: number;
  resume: string | null;
  wait: boolean;
  createJudge: typeof CreateJudge;
  api: BatchApi;
  sleep?: (ms: number) => Promise<void>;
  pollMs?: number;
  log: (line: string) => void;
  progress?: ProgressStream;
}

export type BatchEvalOutcome = { kind: 'done'; report: EvalReport & { batch: BatchSummary } } | { kind: 'submitted'; batchId: string; requests: number };

/**
 * `npm run eval -- --judge llm --batch`: the LLM judge's requests for every item and both orders go to the
 * provider's Batch API instead of live calls. Every round grades the data through the production
 * `grade()` and the reply cache; the last round, with every reply in the cache, is the report, so it is the
 * report a live run with the same replies gives, and a rerun costs no call at all.
 */
export async function runBatchEval(o: BatchEvalOptions): Promise<BatchEvalOutcome> {
  const holder: { chat: CachedChat | null } = { chat: null };
  const via: ChatCompleter = {
    complete: (request, options) => {
      if (!holder.chat) throw new TypeError('batch round not started');
      return holder.chat.complete(request, options);
    },
  };
  // The provider completer the factory builds is never called: every reply comes from the cache.
  const judge = o.createJudge(o.config, { wrapChat: () => via });
  if (judge.kind !== 'llm') throw new UsageError('--batch grades with the LLM judge: add --judge llm and configure a provider');
  // As the live completer does: a parameter the model refuses is learned and the request sent again without it.
  const params = createModelParamsBook();
  const extras = { extraBody: o.config.LLM_EXTRA_BODY, reasoningEffort: o.config.JUDGE_REASONING_EFFORT };
  const outcome = await runBatchRounds({
    api: o.api,
    bodyOf: (request) => toRequestBody(request, params.of(request.model), extras),
    relearn: (request, status, body) => {
      const refused = status === 400 || status === 422 ? refusedParam(errorOfJson(body) ?? { message: '' }) : null;
      if (!refused) return false;
      params.learn(request.model, refused);
      // Resubmit when the next body avoids it (learned now, or by another line of the same batch).
      const now = params.of(request.model);
      return refused === 'max_tokens' ? now.tokenField === 'max_completion_tokens' : now.omit.has(refused);
    },
    cacheDir: o.cacheDir,
    statePath: o.statePath ?? defaultStatePath(o.cacheDir),
    resume: o.resume,
    wait: o.wait,
    log: o.log,
    ...(o.sleep ? { sleep: o.sleep } : {}),
    ...(o.pollMs !== undefined ? { pollMs: o.pollMs } : {}),
    metadata: { purpose: 'interview-coach eval', model: judge.model, prompt: judge.promptVersion },
    collect: async (failures) => {
      const deferring = createDeferringChat(failures);
      const chat = createCachedChat(deferring, { dir: o.cacheDir });
      holder.chat = chat;
      const report = await runEval({
        ...o.run,
        judge,
        llmStats: () => chat.stats(),
        cacheDir: o.cacheDir,
        ...(o.progress ? { progress: o.progress } : {}),
      });
      return { result: report, pending: deferring.pending() };
    },
  });
  if (outcome.kind === 'submitted') return outcome;
  const usage = { promptTokens: 0, completionTokens: 0 };
  for (const b of outcome.batches) {
    usage.promptTokens += b.usage.promptTokens;
    usage.completionTokens += b.usage.completionTokens;
  }
  const price = priceOf(judge.model, o.run.price);
  const listCost = costOf(usage, price);
  const keysOfRun = new Set(outcome.batches.flatMap((b) => b.keys ?? []));
  const batch: BatchSummary = {
    batches: outcome.batches.map(({ id, status, completed, failed, usage: u }) => ({ id, status, completed, failed, usage: u })),
    usage,
    discount: o.discount,
    pricePerMillionTokens: price,
    costUsd: listCost === null ? null : listCost * (1 - o.discount),
    failed: Object.entries(outcome.failures)
      .filter(([key]) => keysOfRun.has(key))
      .map(([key, f]) => ({ key, status: f.status, reason: f.message })),
  };
  return { kind: 'done', report: { ...outcome.result, batch } };
}

/** The `--batch` lines of the CLI summary. */
export function batchSummaryText(b: BatchSummary): string {
  const lines = [
    `Batch API: ${b.batches.length} batch(es) (${b.batches.map((x) => `${x.id} ${x.status}, ${x.completed} replies, ${x.failed} failed`).join('; ') || 'none needed: every reply was cached'}); ` +
      `tokens ${b.usage.promptTokens} in / ${b.usage.completionTokens} out; ` +
      `cost ${b.costUsd === null ? 'unknown (no price for this model; pass --price IN:OUT)' : `$${b.costUsd.toFixed(4)} after the ${Math.round(b.discount * 100)}% batch discount`}`,
  ];
  for (const f of b.failed) lines.push(`  failed in the batch: ${f.key.slice(0, 16)} ${f.status ?? '-'} ${f.reason}`);
  return lines.join('\n');
}
