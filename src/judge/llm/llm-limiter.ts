import pLimit, { type LimitFunction } from 'p-limit';

/**
 * The one bound on concurrent LLM calls. Every caller (both orders of every grade, repairs, follow-ups,
 * eval runs) goes through the same instance, so a burst of grades queues here instead of flooding the
 * provider into 429s. `activeCount` and `pendingCount` are what metrics and a queue-full check read.
 */
export type LlmLimiter = LimitFunction;

/**
 * @param concurrency Most LLM calls in flight at once (`LLM_CONCURRENCY`, default 4).
 * @example
 * const limiter = createLlmLimiter(4);
 * const reply = await limiter(() => completer.complete(request));
 * limiter.pendingCount; // calls waiting for a slot
 */
export function createLlmLimiter(concurrency: number): LlmLimiter {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`LLM concurrency must be an integer of at least 1, got ${concurrency}`);
  }
  return pLimit(concurrency);
}
