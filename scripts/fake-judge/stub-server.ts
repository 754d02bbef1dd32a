import { createServer, type IncomingMessage, type Server } from 'node:http';
import { CompletionRequest, fakeCompletion } from './fake-completion.js';
import type { FakeJudgeOptions } from './fake-judge.js';
import { issuesLine } from '../../src/text/zod-issues.js';

const MAX_BODY_BYTES = 1_000_000;

export interface StubLlmOptions extends FakeJudgeOptions {
  /** Told about every completion served: model and token counts. */
  onCompletion?: (info: { model: string; promptTokens: number; completionTokens: number }) => void;
  /** Wait this long before answering a completion, like a real model's latency. Default 0. */
  delayMs?: number;
  /** Told the number of completions being answered whenever it changes (for load tests: the concurrency the provider sees). */
  onInFlight?: (inFlight: number) => void;
}

/**
 * A tiny OpenAI-compatible server (`POST /v1/chat/completions`, `GET /v1/models`) answered by the fake
 * judge. The caller listens on a loopback address; nothing here reaches any network.
 */
export function createStubLlmServer(options: StubLlmOptions = {}): Server {
  let inFlight = 0;
  return createServer(async (req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const fail = (status: number, message: string) => send(status, { error: { message, type: 'invalid_request_error' } });
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === '/v1/models') {
      send(200, { object: 'list', data: [{ id: 'stub-judge', object: 'model', created: 1_700_000_000, owned_by: 'stub' }] });
      return;
    }
    if (req.method !== 'POST' || path !== '/v1/chat/completions') {
      fail(404, `no route ${req.method} ${path}`);
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(await readBody(req));
    } catch (err) {
      fail(400, `body: ${(err as Error).message}`);
      return;
    }
    const parsed = CompletionRequest.safeParse(json);
    if (!parsed.success) {
      fail(400, issuesLine(parsed.error, 'body'));
      return;
    }
    inFlight += 1;
    options.onInFlight?.(inFlight);
    try {
      if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      const completion = fakeCompletion(parsed.data, options);
      options.onCompletion?.({
        model: completion.model,
        promptTokens: completion.usage.prompt_tokens,
        completionTokens: completion.usage.completion_tokens,
      });
      send(200, completion);
    } finally {
      inFlight -= 1;
      options.onInFlight?.(inFlight);
    }
  });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new Error(`is over ${MAX_BODY_BYTES} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}
