import { OverloadedError } from '../errors.js';
import type { GradeOptions } from '../judge/judge.js';
import type { LlmAdmission } from '../judge/llm/llm-admission.js';
import type { GradeFn } from './grade.js';

/** Retry-After given while the server shuts down: about what a restart takes. */
const SHUTDOWN_RETRY_SECONDS = 5;

/**
 * The door every grade of the server goes through. It refuses a grade (503 `overloaded`) when the LLM
 * queue has no room for it or the server is shutting down, and counts the grades in flight so a shutdown
 * can wait for them.
 */
export interface GradeGate {
  /** `grade` behind the gate. Admission is decided in the same tick as the call, before any LLM call is queued. */
  wrap(grade: GradeFn): GradeFn;
  /**
   * Count `work` (an answer from its commit to its saved grade) as in flight until it settles, without
   * admission: a shutdown waits for it too, so the database is not closed between a grade and its save.
   */
  track<T>(work: () => Promise<T>): Promise<T>;
  /** Grades admitted and not finished. */
  readonly inFlight: number;
  readonly closed: boolean;
  /** Refuse every grade from now on (shutdown). Grades already admitted go on. */
  close(): void;
  /** Resolves when no grade is in flight and no tracked work is running (at once if none is). */
  idle(): Promise<void>;
}

export interface GradeGateOptions {
  /** Queue admission of the LLM judge; null or absent with the embedded judge, which is never refused. */
  admission?: LlmAdmission | null;
}

/**
 * @example
 * const gate = createGradeGate({ admission: createLlmAdmission({ limiter, queueMax: 32 }) });
 * const grade = gate.wrap(createGrader({ bank, judge }));
 */
export function createGradeGate(options: GradeGateOptions = {}): GradeGate {
  const admission = options.admission ?? null;
  let inFlight = 0;
  let tracked = 0;
  let closed = false;
  let waiters: (() => void)[] = [];

  const settled = () => {
    if (inFlight === 0 && tracked === 0) {
      const ready = waiters;
      waiters = [];
      for (const w of ready) w();
    }
  };
  const finished = () => {
    inFlight -= 1;
    settled();
  };

  // Times successful calls for the Retry-After estimate, and passes every record on.
  const timed = (options: GradeOptions | undefined): GradeOptions | undefined => {
    if (!admission) return options;
    const sink = options?.onLlmCall;
    return {
      ...options,
      onLlmCall: (call) => {
        if (call.error === null) admission.observeCall(call.latencyMs);
        sink?.(call);
      },
    };
  };

  return {
    wrap(grade) {
      return async (request, gradeOptions) => {
        if (closed) throw new OverloadedError('the server is shutting down; send the request again in a moment', SHUTDOWN_RETRY_SECONDS);
        const decision = admission?.check();
        if (decision && !decision.admitted) {
          throw new OverloadedError(
            `the grading queue is full (${decision.waiting} LLM calls waiting, limit ${decision.limit}); retry in ${decision.retryAfterSeconds} s`,
            decision.retryAfterSeconds,
          );
        }
        inFlight += 1;
        try {
          // Called in this same tick: the judge queues both orders before anything else can be admitted.
          return await grade(request, timed(gradeOptions));
        } finally {
          finished();
        }
      };
    },
    async track(work) {
      tracked += 1;
      try {
        return await work();
      } finally {
        tracked -= 1;
        settled();
      }
    },
    get inFlight() {
      return inFlight;
    },
    get closed() {
      return closed;
    },
    close() {
      closed = true;
    },
    idle() {
      if (inFlight === 0 && tracked === 0) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push(resolve));
    },
  };
}
