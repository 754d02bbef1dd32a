import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encode, encodeChat } from 'gpt-tokenizer/model/gpt-4o-mini';
import { fakeFollowUp, fakeVerdict } from '../../scripts/fake-judge/fake-judge.js';

/**
 * A fake LLM provider: a real HTTP server on 127.0.0.1, so the coach's client goes through Node's own fetch,
 * timeouts and body streams exactly as with a real provider. Each fake is a handler that answers as the
 * provider's documentation (or its public issue threads) describes; the server records every request.
 */
export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown> & { messages: { role: string; content: string }[] };
}

export type FakeReply =
  | { status?: number; headers?: Record<string, string>; json: unknown; afterMs?: number }
  | { status?: number; headers?: Record<string, string>; text: string; afterMs?: number }
  /** Headers at once, then `chunk` every `everyMs` until the client goes away. */
  | { trickle: { chunk: string; everyMs: number } };

export type FakeHandler = (request: SeenRequest, index: number) => FakeReply | Promise<FakeReply>;

export interface FakeProvider {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  requests: SeenRequest[];
  /** Tokens the fake billed (usage it reported), summed over every reply it gave. */
  billed: { promptTokens: number; completionTokens: number };
  close(): Promise<void>;
}

export async function startFakeProvider(handler: FakeHandler): Promise<FakeProvider> {
  const requests: SeenRequest[] = [];
  const billed = { promptTokens: 0, completionTokens: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      let body: SeenRequest['body'];
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      } catch {
        body = { messages: [] };
      }
      const seen: SeenRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body };
      requests.push(seen);
      void Promise.resolve(handler(seen, requests.length - 1)).then(
        async (reply) => {
          if ('trickle' in reply) {
            res.writeHead(200, { 'content-type': 'application/json' });
            const timer = setInterval(() => res.write(reply.trickle.chunk), reply.trickle.everyMs);
            res.on('close', () => clearInterval(timer));
            return;
          }
          if (reply.afterMs) await new Promise((r) => setTimeout(r, reply.afterMs));
          if (res.destroyed) return;
          const usage = 'json' in reply ? usageOf(reply.json) : null;
          if (usage) {
            billed.promptTokens += usage.prompt;
            billed.completionTokens += usage.completion;
          }
          const text = 'json' in reply ? JSON.stringify(reply.json) : reply.text;
          res.writeHead(reply.status ?? 200, { 'content-type': 'json' in reply ? 'application/json' : 'text/plain', ...reply.headers });
          res.end(text);
        },
        (err: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`fake provider bug: ${String(err)}`);
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    billed,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function usageOf(json: unknown): { prompt: number; completion: number } | null {
  const u = (json as { usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } } | null)?.usage;
  return u && typeof u.prompt_tokens === 'number' && typeof u.completion_tokens === 'number'
    ? { prompt: u.prompt_tokens, completion: u.completion_tokens }
    : null;
}

/** Tokens of a request's messages, counted with a real tokenizer (o200k_base), as a provider bills them. */
export function promptTokensOf(body: SeenRequest['body']): number {
  const chat = body.messages.map((m) => ({ role: (m.role === 'developer' ? 'system' : m.role) as 'system' | 'user' | 'assistant', content: m.content }));
  return encodeChat(chat).length;
}

export const tokensOf = (text: string) => encode(text).length;

/** What a model following the judge's prompt would answer: the verdict JSON (or the follow-up), as text. */
export function verdictText(body: SeenRequest['body'], over: { score?: number } = {}): string {
  const verdict = fakeVerdict(body.messages);
  if (verdict) return JSON.stringify(over.score === undefined ? verdict : { ...verdict, score: over.score });
  const followUp = fakeFollowUp(body.messages);
  return followUp ? JSON.stringify(followUp) : 'I can only grade interview answers.';
}

/** An OpenAI chat completion with the given message fields, billed with real token counts. */
export function completion(
  body: SeenRequest['body'],
  message: Record<string, unknown>,
  over: { finish_reason?: string; completionTokens?: number; extraUsage?: Record<string, unknown>; model?: string } = {},
) {
  const content = typeof message.content === 'string' ? message.content : JSON.stringify(message.content ?? '');
  const prompt = promptTokensOf(body);
  const completionTokens = over.completionTokens ?? tokensOf(content);
  return {
    id: `chatcmpl-fake-${prompt}`,
    object: 'chat.completion',
    created: 1_700_000_000,
    model: over.model ?? String(body.model),
    choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: over.finish_reason ?? 'stop', logprobs: null }],
    usage: { prompt_tokens: prompt, completion_tokens: completionTokens, total_tokens: prompt + completionTokens, ...over.extraUsage },
  };
}

/** The response format a request asked for: `json_schema`, `json_object`, or `text` when none. */
export function formatOf(body: SeenRequest['body']): string {
  const rf = body.response_format as { type?: string } | undefined;
  return rf?.type ?? 'text';
}

/** True for the judge's main calls (both orders and repairs), false for the small follow-up call. */
export function isJudgeCall(body: SeenRequest['body']): boolean {
  return fakeVerdict(body.messages) !== null;
}
