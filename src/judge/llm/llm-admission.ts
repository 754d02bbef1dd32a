/** What admission reads of the shared limiter (`LlmLimiter` has all three). */
export interface LimiterState {
  readonly activeCount: number;
  readonly pendingCount: number;
  readonly concurrency: number;
}

export interface LlmAdmissionOptions {
  limiter: LimiterState;
  /** Most LLM calls allowed to wait for the limiter (`LLM_QUEUE_MAX`). */
  queueMax: number;
  /** Calls a grade puts in the queue at once: one per order of the position swap. Default 2. */
  callsPerGrade?: number;
  /** Duration of one LLM call assumed until calls have been timed, for `Retry-After`. Default 3000 ms. */
  initialCallMs?: number;
}

export type AdmissionDecision =
  | { admitted: true }
  | { admitted: false; waiting: number; limit: number; retryAfterSeconds: number };

export interface LlmAdmission {
  /** Whether a new grade's calls fit in the queue now. Reads the limiter; changes nothing. */
  check(): AdmissionDecision;
  /** Duration of a finished LLM call, timed from when the limiter let it start. */
  observeCall(latencyMs: number): void;
}

/**
 * Admission of grades to the shared LLM limiter. A grade needs both orders, so it is admitted or refused
 * as a whole, before any of its calls is queued: it is admitted when its calls, added to those already
 * running or waiting, leave at most `queueMax` calls waiting. An admitted grade's later calls (a repair,
 * the adaptive follow-up) are never refused, so no grade runs half; they may take the queue briefly over
 * the limit.
 *
 * The Retry-After estimate is the time the current queue takes to drain: waiting calls / concurrency,
 * times the mean duration of recent calls.
 *
 * @example
 * const admission = createLlmAdmission({ limiter, queueMax: 32 });
 * const d = admission.check();
 * if (!d.admitted) throw new OverloadedError('queue full', d.retryAfterSeconds);
 */
export function createLlmAdmission(options: LlmAdmissionOptions): LlmAdmission {
  const { limiter, queueMax } = options;
  const calls = options.callsPerGrade ?? 2;
  let callMs = options.initialCallMs ?? 3000;
  return {
    check() {
      const { activeCount, pendingCount, concurrency } = limiter;
      const waitingAfter = Math.max(0, activeCount + pendingCount + calls - concurrency);
      // An idle limiter always takes a grade, even one whose calls exceed concurrency plus queue (1 and 0).
      if (waitingAfter <= queueMax || activeCount + pendingCount === 0) return { admitted: true };
      const rounds = Math.ceil(Math.max(1, pendingCount) / concurrency);
      const retryAfterSeconds = Math.min(3600, Math.max(1, Math.ceil((rounds * callMs) / 1000)));
      return { admitted: false, waiting: pendingCount, limit: queueMax, retryAfterSeconds };
    },
    observeCall(latencyMs) {
      // A moving mean, so the estimate follows the provider's current speed.
      if (Number.isFinite(latencyMs) && latencyMs >= 0) callMs = 0.8 * callMs + 0.2 * latencyMs;
    },
  };
}
