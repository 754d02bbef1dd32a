import { Hono } from 'hono';
import { CompletionRequest, fakeCompletion } from './fake-completion.js';
import type { FakeJudgeOptions } from './fake-judge.js';

type BatchStatus = 'validating' | 'failed' | 'in_progress' | 'finalizing' | 'completed' | 'expired' | 'cancelling' | 'cancelled';

/** What one request line of a batch comes out as: an HTTP answer, or a request that never ran. */
export type FakeLineResult = { status: number; body: unknown } | { error: { code: string; message: string } };

export interface FakeBatchApiOptions extends FakeJudgeOptions {
  /** Statuses a batch passes through, one per status poll. Default validating, in_progress, finalizing, completed. */
  statuses?: BatchStatus[];
  /** Replace the answer to a line (by its `custom_id` and body); null keeps the fake judge's reply. */
  override?: (line: { custom_id: string; body: unknown }, index: number) => FakeLineResult | null;
  /** With a final status `expired`: how many lines ran before the window closed. Default: none. */
  ranBeforeExpiry?: number;
  /** A provider with chat completions but no Batch API: `/files` and `/batches` answer 404. */
  noBatchApi?: boolean;
  /** Judges that behave differently by model id, e.g. one with a position bias. */
  byModel?: Record<string, FakeJudgeOptions>;
}

export interface FakeBatchCounts {
  chatCompletions: number;
  uploads: number;
  batches: number;
  /** Request lines of every batch created. */
  batchLines: number;
  statusPolls: number;
}

const openAiError = (message: string, type = 'invalid_request_error', param: string | null = null) => ({ error: { message, type, param, code: null } });

/**
 * An OpenAI-compatible provider with the Batch API as documented: `POST /v1/files` (multipart, purpose
 * `batch`), `POST /v1/batches`, `GET /v1/batches/:id` (the status moves on one step per poll),
 * `GET /v1/files/:id/content` (output and error files as JSONL), and live `POST /v1/chat/completions`.
 * Replies come from the fake judge, the same as the stub server's, so a batch and a live run get the same.
 */
export function createFakeBatchApi(options: FakeBatchApiOptions = {}) {
  const statuses = options.statuses ?? ['validating', 'in_progress', 'finalizing', 'completed'];
  const counts: FakeBatchCounts = { chatCompletions: 0, uploads: 0, batches: 0, batchLines: 0, statusPolls: 0 };
  const files = new Map<string, { text: string; purpose: string; filename: string }>();
  interface FakeBatch {
    body: Record<string, unknown>;
    step: number;
    lines: { custom_id: string; body: unknown }[];
    /** Set when the batch has run: the ids of its output and error files (null when a file would be empty). */
    ran?: { outputId: string | null; errorId: string | null; failed: number };
  }
  const batches = new Map<string, FakeBatch>();
  let next = 1;
  const id = (prefix: string) => `${prefix}-${(next++).toString().padStart(4, '0')}`;
  const app = new Hono();

  app.post('/v1/chat/completions', async (c) => {
    const parsed = CompletionRequest.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) return c.json(openAiError('invalid body'), 400);
    counts.chatCompletions++;
    return c.json(fakeCompletion(parsed.data, { ...options, ...options.byModel?.[parsed.data.model] }));
  });

  app.use('/v1/files/*', async (c, next) => (options.noBatchApi ? c.json(openAiError('Not found', 'not_found'), 404) : next()));
  app.use('/v1/files', async (c, next) => (options.noBatchApi ? c.json(openAiError('Not found', 'not_found'), 404) : next()));
  app.use('/v1/batches*', async (c, next) => (options.noBatchApi ? c.json(openAiError('Not found', 'not_found'), 404) : next()));

  app.post('/v1/files', async (c) => {
    const form = await c.req.parseBody();
    const file = form.file;
    if (form.purpose !== 'batch') return c.json(openAiError("purpose must be 'batch'", 'invalid_request_error', 'purpose'), 400);
    if (!(file instanceof File)) return c.json(openAiError('file is required', 'invalid_request_error', 'file'), 400);
    const fileId = id('file');
    files.set(fileId, { text: await file.text(), purpose: 'batch', filename: file.name });
    counts.uploads++;
    return c.json({ id: fileId, object: 'file', bytes: file.size, created_at: 1_700_000_000, filename: file.name, purpose: 'batch', status: 'processed' });
  });

  app.get('/v1/files/:id/content', (c) => {
    const f = files.get(c.req.param('id'));
    return f ? c.text(f.text) : c.json(openAiError('No such File object'), 404);
  });

  app.post('/v1/batches', async (c) => {
    const body = (await c.req.json().catch(() => null)) as Record<string, unknown> | null;
    const input = files.get(String(body?.input_file_id));
    if (!body || !input) return c.json(openAiError('input_file_id: no such file', 'invalid_request_error', 'input_file_id'), 400);
    if (body.endpoint !== '/v1/chat/completions') return c.json(openAiError('endpoint not supported', 'invalid_request_error', 'endpoint'), 400);
    if (body.completion_window !== '24h') return c.json(openAiError('completion_window must be 24h', 'invalid_request_error', 'completion_window'), 400);
    const lines = input.text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as { custom_id: string; body: unknown });
    const batchId = id('batch');
    batches.set(batchId, { body, step: 0, lines });
    counts.batches++;
    counts.batchLines += lines.length;
    return c.json(batchObject(batchId));
  });

  app.get('/v1/batches/:id', (c) => {
    const b = batches.get(c.req.param('id'));
    if (!b) return c.json(openAiError('No batch found'), 404);
    counts.statusPolls++;
    b.step = Math.min(b.step + 1, statuses.length - 1);
    return c.json(batchObject(c.req.param('id')));
  });

  function batchObject(batchId: string) {
    const b = batches.get(batchId);
    if (!b) throw new RangeError(batchId);
    const status = statuses[b.step] ?? 'completed';
    if ((status === 'completed' || status === 'expired') && !b.ran) b.ran = run(b, status);
    const ran = status === 'completed' || status === 'expired' ? b.ran : undefined;
    return {
      id: batchId,
      object: 'batch',
      endpoint: b.body.endpoint,
      input_file_id: b.body.input_file_id,
      completion_window: '24h',
      status,
      created_at: 1_700_000_000,
      metadata: b.body.metadata ?? null,
      output_file_id: ran?.outputId ?? null,
      error_file_id: ran?.errorId ?? null,
      request_counts: { total: b.lines.length, completed: ran ? b.lines.length - ran.failed : 0, failed: ran?.failed ?? 0 },
    };
  }

  function run(b: FakeBatch, status: BatchStatus): NonNullable<FakeBatch['ran']> {
    const out: string[] = [];
    const errs: string[] = [];
    b.lines.forEach((line, i) => {
      const base = { id: `batch_req_${i}`, custom_id: line.custom_id };
      if (status === 'expired' && i >= (options.ranBeforeExpiry ?? 0)) {
        errs.push(JSON.stringify({ ...base, response: null, error: { code: 'batch_expired', message: 'This request could not be executed before the completion window expired.' } }));
        return;
      }
      const forced = options.override?.(line, i) ?? null;
      if (forced && 'error' in forced) return void errs.push(JSON.stringify({ ...base, response: null, error: forced.error }));
      const answer = forced ?? answerOf(line.body);
      const entry = JSON.stringify({ ...base, response: { status_code: answer.status, request_id: `req_${i}`, body: answer.body }, error: null });
      (answer.status === 200 ? out : errs).push(entry);
    });
    const save = (lines: string[], filename: string) => {
      if (!lines.length) return null;
      const fileId = id('file');
      files.set(fileId, { text: `${lines.join('\n')}\n`, purpose: 'batch_output', filename });
      return fileId;
    };
    return { outputId: save(out, 'output.jsonl'), errorId: save(errs, 'errors.jsonl'), failed: errs.length };
  }

  function answerOf(body: unknown): { status: number; body: unknown } {
    const parsed = CompletionRequest.safeParse(body);
    return parsed.success
      ? { status: 200, body: fakeCompletion(parsed.data, { ...options, ...options.byModel?.[parsed.data.model] }) }
      : { status: 400, body: openAiError('invalid request body') };
  }

  return { app, counts };
}
