import OpenAI from 'openai';
import { ChatFailure } from '../../src/judge/chat-failure.js';
import type { ChatCompleter, ChatRequest } from '../../src/judge/chat.js';
import { toChatFailure } from '../../src/judge/llm/openai-completer.js';
import { cacheKey } from '../llm-cache.js';
import type { BatchFailure } from './batch-state.js';

/** The message of the failure a request gets while it waits for a batch; such a round is never reported. */
export const DEFERRED_MESSAGE = 'waiting for a Batch API reply';

export interface DeferringChat extends ChatCompleter {
  /** Requests seen with no reply and no recorded failure, by cache key. */
  pending(): Map<string, ChatRequest>;
}

/**
 * The completer behind the reply cache in a batch run. It never calls a provider: a request it sees is
 * one the cache had no reply for, so it is noted for the next batch and fails for now as a provider
 * outage would (`unavailable`, which the judge neither repairs nor steps the format down for). A request
 * the Batch API already failed for good fails exactly as the live call would have, through the same
 * error mapping, so the judge takes the same path (a format step-down, say) as in a live run.
 */
export function createDeferringChat(failures: Readonly<Record<string, BatchFailure>>): DeferringChat {
  const pending = new Map<string, ChatRequest>();
  return {
    async complete(request) {
      const key = cacheKey(request);
      const failure = failures[key];
      if (failure) throw failureOf(failure);
      pending.set(key, request);
      throw new ChatFailure('unavailable', DEFERRED_MESSAGE);
    },
    pending: () => new Map(pending),
  };
}

function failureOf(f: BatchFailure): ChatFailure {
  if (f.status === null) return new ChatFailure('provider-error', `the Batch API did not run the request: ${f.message}`);
  // The same class the SDK builds from a live error response, so the message and kind match a live run.
  const body = f.body && typeof f.body === 'object' ? f.body : undefined;
  return toChatFailure(OpenAI.APIError.generate(f.status, body, undefined, new Headers()));
}
