import { type RequestHandler, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { CompletionRequest, fakeCompletion } from '../../scripts/fake-judge/fake-completion.js';
import type { FakeJudgeOptions } from '../../scripts/fake-judge/fake-judge.js';

/** Base URL the tests point the SDK at; msw answers it, nothing leaves the process. */
export const LLM_BASE_URL = 'http://llm.test/v1';
export const COMPLETIONS_URL = `${LLM_BASE_URL}/chat/completions`;

/**
 * An msw server that works with the SDK's retries on Node 20: msw keeps an unread clone of each mocked
 * response, and the SDK's cancel of the body before a retry never settles until that clone is cancelled
 * too (STACK.md, pitfall 1).
 */
export function mswServer(...handlers: RequestHandler[]) {
  const server = setupServer(...handlers);
  server.events.on('response:mocked', ({ response }) => {
    response.body?.cancel().catch(() => undefined);
  });
  return server;
}

/** Parse a request body the SDK sent, as the provider would. */
export async function completionBody(request: Request): Promise<CompletionRequest & Record<string, unknown>> {
  const json: unknown = await request.json();
  const parsed = CompletionRequest.loose().parse(json);
  return parsed;
}

/** A handler answering every chat completion with the fake judge. */
export function fakeJudgeHandler(options: FakeJudgeOptions = {}, seen?: unknown[]) {
  return http.post(COMPLETIONS_URL, async ({ request }) => {
    const json: unknown = await request.json();
    seen?.push(json);
    return HttpResponse.json(fakeCompletion(CompletionRequest.parse(json), options));
  });
}

/** A chat completion body with the given reply content, for scripted handlers. */
export function completionJson(content: string | null, over: { finish_reason?: string; refusal?: string | null } = {}) {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'judge-model',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, refusal: over.refusal ?? null },
        finish_reason: over.finish_reason ?? 'stop',
        logprobs: null,
      },
    ],
    usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
  };
}
