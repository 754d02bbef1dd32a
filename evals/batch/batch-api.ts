import OpenAI, { toFile } from 'openai';
import { UsageError } from '../usage-error.js';
import { BATCH_ENDPOINT } from './batch-lines.js';

/** What the runner needs to know of a batch at any moment. */
export interface BatchStatus {
  id: string;
  status: OpenAI.Batch['status'];
  outputFileId: string | null;
  errorFileId: string | null;
  counts: { total: number; completed: number; failed: number };
  /** Why a batch as a whole failed (`status: failed`), e.g. a malformed input file. */
  errors: string[];
}

/** The Batch API as the eval harness uses it: one upload and create, status polls, file downloads. */
export interface BatchApi {
  /** Upload `jsonl` (purpose `batch`) and create a batch on the chat completions endpoint. */
  submit(jsonl: string, metadata: Record<string, string>): Promise<BatchStatus>;
  status(batchId: string): Promise<BatchStatus>;
  download(fileId: string): Promise<string>;
}

/** Statuses after which a batch changes no more. */
export const FINAL_STATUSES: ReadonlySet<BatchStatus['status']> = new Set(['completed', 'failed', 'expired', 'cancelled']);

/**
 * The Batch API over the same SDK client the judge's live calls use (same key, base URL, timeout and
 * retries). A provider that has no `/files` or `/batches` route answers 404 (or 405): that becomes one
 * clear usage error naming `--batch`, not a stack trace.
 */
export function createOpenAiBatchApi(client: OpenAI): BatchApi {
  const unsupported = (err: unknown, what: string): never => {
    if (err instanceof OpenAI.APIError && (err.status === 404 || err.status === 405 || err.status === 501)) {
      throw new UsageError(
        `--batch: the provider at ${client.baseURL} has no Batch API (${what} answered ${err.status}); run without --batch`,
      );
    }
    throw err;
  };
  return {
    async submit(jsonl, metadata) {
      const file = await client.files
        .create({ file: await toFile(Buffer.from(jsonl, 'utf8'), 'judge-requests.jsonl', { type: 'application/jsonl' }), purpose: 'batch' })
        .catch((err: unknown) => unsupported(err, 'POST /files'));
      const batch = await client.batches
        .create({ input_file_id: file.id, endpoint: BATCH_ENDPOINT, completion_window: '24h', metadata })
        .catch((err: unknown) => unsupported(err, 'POST /batches'));
      return statusOf(batch);
    },
    async status(batchId) {
      return statusOf(await client.batches.retrieve(batchId));
    },
    async download(fileId) {
      const response = await client.files.content(fileId);
      return response.text();
    },
  };
}

function statusOf(batch: OpenAI.Batch): BatchStatus {
  return {
    id: batch.id,
    status: batch.status,
    outputFileId: batch.output_file_id ?? null,
    errorFileId: batch.error_file_id ?? null,
    counts: {
      total: batch.request_counts?.total ?? 0,
      completed: batch.request_counts?.completed ?? 0,
      failed: batch.request_counts?.failed ?? 0,
    },
    errors: (batch.errors?.data ?? []).map((e) => [e.code, e.message].filter(Boolean).join(': ')),
  };
}
