import { ChatFailure } from '../../src/judge/chat-failure.js';
import type { ChatRequest, ChatResponse } from '../../src/judge/chat.js';
import type { Usage } from '../../src/grading/grade-schema.js';
import { chatResponseOf } from '../../src/judge/llm/openai-completer.js';
import { writeCacheEntry } from '../llm-cache.js';
import { type BatchApi, type BatchStatus, FINAL_STATUSES } from './batch-api.js';
import { batchInputFile, type BatchOutputLine, parseBatchOutput } from './batch-lines.js';
import { type BatchFailure, type BatchRecord, type BatchState, readBatchState, writeBatchState } from './batch-state.js';

/** One grading pass over the data with the replies the cache has; what it could not get is `pending`. */
export interface Collected<R> {
  result: R;
  pending: Map<string, ChatRequest>;
}

export interface BatchRunOptions<R> {
  api: BatchApi;
  cacheDir: string;
  statePath: string;
  /** Grade everything once with the cache and the failures recorded so far. */
  collect: (failures: Readonly<Record<string, BatchFailure>>) => Promise<Collected<R>>;
  /** Also wait for this batch (one submitted elsewhere, or whose state was lost). */
  resume?: string | null;
  /** Wait for each batch to finish; false submits one and returns. Default true. */
  wait?: boolean;
  /** Most batches this run submits (the first, then repair and re-tries). Default 5. */
  maxBatches?: number;
  /** First wait between status polls; it grows by half each poll up to `maxPollMs`. Default 5 s, 60 s. */
  pollMs?: number;
  maxPollMs?: number;
  sleep?: (ms: number) => Promise<void>;
  log?: (line: string) => void;
  now?: () => Date;
  metadata?: Record<string, string>;
  /** The body of a request's line; as a live call with nothing learned, by default. */
  bodyOf?: (request: ChatRequest) => Record<string, unknown>;
  /**
   * A line answered with an error the next body avoids (a refused parameter, now learned): true resubmits
   * the request instead of recording a final failure.
   */
  relearn?: (request: ChatRequest, status: number, body: unknown) => boolean;
}

export type BatchRunOutcome<R> =
  | { kind: 'done'; result: R; batches: BatchRecord[]; failures: Record<string, BatchFailure> }
  | { kind: 'submitted'; batchId: string; requests: number };

/**
 * Grade through the Batch API in rounds. Each round grades everything with the replies the cache holds;
 * the requests still missing are sent as one batch, and its replies go into the cache under the keys the
 * judge looks up. A judge that needs more calls once it has seen a reply (a repair, a format step-down)
 * asks for them in the next round, so those become a second, smaller batch. The round that finds
 * nothing missing is the result: graded by the same parsing and cache as a live run.
 */
export async function runBatchRounds<R>(o: BatchRunOptions<R>): Promise<BatchRunOutcome<R>> {
  const log = o.log ?? (() => undefined);
  const now = o.now ?? (() => new Date());
  const maxBatches = o.maxBatches ?? 5;
  const state = readBatchState(o.statePath);
  const save = () => writeBatchState(o.statePath, state);
  if (o.resume && !state.batches.some((b) => b.id === o.resume)) {
    state.batches.push(emptyRecord(o.resume, null, now()));
    save();
  }
  const touched = new Set<string>();
  let submitted = 0;
  for (;;) {
    const { result, pending } = await o.collect(state.failures);
    if (pending.size === 0) {
      return { kind: 'done', result, batches: state.batches.filter((b) => touched.has(b.id)), failures: state.failures };
    }
    let waiting = state.batches.filter((b) => !b.applied && (b.keys === null || b.keys.some((k) => pending.has(k))));
    if (waiting.length === 0) {
      if (submitted >= maxBatches) {
        for (const key of pending.keys()) {
          state.failures[key] = { status: null, body: null, message: `no reply after ${submitted} batches` };
        }
        save();
        continue;
      }
      const batch = await o.api.submit(batchInputFile(pending, o.bodyOf), o.metadata ?? {});
      submitted++;
      const record = emptyRecord(batch.id, [...pending.keys()], now());
      record.status = batch.status;
      state.batches.push(record);
      save();
      log(`batch ${batch.id} submitted: ${pending.size} requests`);
      if (o.wait === false) return { kind: 'submitted', batchId: batch.id, requests: pending.size };
      waiting = [record];
    }
    for (const record of waiting) {
      touched.add(record.id);
      const final = await poll(o, record, log);
      await apply(o, record, final, pending, state.failures, log);
      save();
    }
  }
}

function emptyRecord(id: string, keys: string[] | null, at: Date): BatchRecord {
  return { id, keys, submittedAt: at.toISOString(), status: 'submitted', applied: false, completed: 0, failed: 0, usage: { promptTokens: 0, completionTokens: 0 } };
}

async function poll<R>(o: BatchRunOptions<R>, record: BatchRecord, log: (l: string) => void): Promise<BatchStatus> {
  const sleep = o.sleep ?? ((ms) => new Promise<void>((r) => setTimeout(r, ms)));
  let wait = o.pollMs ?? 5000;
  let last = '';
  for (;;) {
    const s = await o.api.status(record.id);
    record.status = s.status;
    const line = `batch ${s.id}: ${s.status} (${s.counts.completed + s.counts.failed}/${s.counts.total})`;
    if (line !== last) log((last = line));
    if (FINAL_STATUSES.has(s.status)) return s;
    await sleep(wait);
    wait = Math.min(o.maxPollMs ?? 60_000, Math.round(wait * 1.5));
  }
}

/** The reply in a 200 line's body, read as a live reply is; null when it holds none (a 200 whose body is `{ error }`). */
function replyOf(body: unknown, request: ChatRequest): ChatResponse | null {
  try {
    return chatResponseOf(body, request);
  } catch (err) {
    if (err instanceof ChatFailure) return null;
    throw err;
  }
}

/**
 * Write each reply into the cache; record failures a new batch would not change. Expired, cancelled,
 * rate-limited and 5xx lines, and lines the files lack, are left pending: the next round submits them.
 */
async function apply<R>(
  o: BatchRunOptions<R>,
  record: BatchRecord,
  final: BatchStatus,
  pending: ReadonlyMap<string, ChatRequest>,
  failures: Record<string, BatchFailure>,
  log: (l: string) => void,
): Promise<void> {
  record.applied = true;
  if (final.status === 'failed') {
    log(`batch ${final.id} failed as a whole: ${final.errors.join('; ') || 'no reason given'}`);
    return;
  }
  const lines: BatchOutputLine[] = [];
  for (const fileId of [final.outputFileId, final.errorFileId]) {
    if (!fileId) continue;
    const parsed = parseBatchOutput(await o.api.download(fileId));
    for (const bad of parsed.invalid) log(`batch ${final.id}: file ${fileId} line ${bad.line} skipped: ${bad.reason}`);
    lines.push(...parsed.lines);
  }
  let completed = 0;
  let failed = 0;
  const usage: Usage = { promptTokens: 0, completionTokens: 0 };
  for (const line of lines) {
    const request = pending.get(line.custom_id);
    if (!request) continue; // not a request of this run (a batch named by --resume may hold others)
    const status = line.response?.status_code ?? null;
    const body = line.response?.body;
    const response = status === 200 ? replyOf(body, request) : null;
    if (response) {
      writeCacheEntry(o.cacheDir, line.custom_id, request, response);
      usage.promptTokens += response.usage?.promptTokens ?? 0;
      usage.completionTokens += response.usage?.completionTokens ?? 0;
      completed++;
      continue;
    }
    failed++;
    const transient =
      status === null
        ? ['batch_expired', 'batch_cancelled'].includes(line.error?.code ?? '')
        : status === 200 || status === 429 || status >= 500 || (o.relearn?.(request, status, body) ?? false);
    if (!transient) failures[line.custom_id] = { status, body: body ?? null, message: line.error?.message ?? messageOf(body) };
  }
  record.completed += completed;
  record.failed += failed;
  record.usage.promptTokens += usage.promptTokens;
  record.usage.completionTokens += usage.completionTokens;
  log(`batch ${final.id}: ${completed} replies cached, ${failed} failed`);
}

function messageOf(body: unknown): string {
  const e = body && typeof body === 'object' && 'error' in body ? (body as { error: unknown }).error : null;
  const m = e && typeof e === 'object' && 'message' in e ? (e as { message: unknown }).message : null;
  return typeof m === 'string' ? m : 'the Batch API answered with an error';
}
