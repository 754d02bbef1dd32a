import { randomUUID } from 'node:crypto';
import { CoachError } from '../errors.js';
import type { GradeCallOptions, GradeContext, GradeFn } from '../grading/grade.js';
import type { Grade, GradeRequest } from '../grading/grade-schema.js';
import type { LlmCallSink } from '../judge/chat.js';
import type { Metrics } from '../observability/metrics.js';
import { failureOf } from '../grading/grade-failure.js';
import type { GradeRole, Variant } from '../store/grade-events-repo.js';
import { assignVariant, requestKey } from './assignment.js';
import { type ArmIdentity, gradeEvent, tagGrade } from './grade-event.js';
import type { GradeLog } from './grade-log.js';

/** One prompt variant: its judge's identity and the `grade()` built on it. */
export interface Arm extends ArmIdentity {
  grade: GradeFn;
}

export interface ServedGraderDeps {
  a: Arm;
  /** The candidate; null when no experiment runs. */
  b: Arm | null;
  /** Share of sessions and API requests B serves. */
  share: number;
  /** B also grades every answer A serves, in the background. */
  shadow: boolean;
  /** Salts the assignment hash, so each experiment draws its own B group: the candidate prompt's name. */
  experiment: string;
  metrics?: Metrics | undefined;
  /** Where each grade is logged, for drift and the A/B summary. */
  log?: GradeLog | undefined;
  /** The shared LLM limiter: a shadow grade is skipped while served calls wait for it. */
  limiter?: { readonly pendingCount: number } | null | undefined;
  /** Called after each grade is logged (drift checks count these). */
  onLogged?: () => void;
  logError?: (err: unknown) => void;
  now?: () => Date;
  newId?: () => string;
}

/** The serving layer of grading: what the app and the chat call as `grade()`. */
export interface ServedGrader {
  grade: GradeFn;
  /** The variant a new session gets; stored on the session so every answer of it meets the same prompt. */
  assign(sessionId: string): Variant;
  /** Settles when every shadow grade started so far has finished and the grade log is written (tests, shutdown). */
  drain(): Promise<void>;
  /** Write the grade log's queued rows now; resolves once written. */
  flush(): Promise<void>;
}

/**
 * The one place every served grade passes. It picks the prompt variant (the session's stored one, or a
 * hash of the request for `POST /api/grade`), grades, tags the grade with its variant, counts it in the
 * metrics, writes it to the grade log, and in shadow mode starts the candidate's grade of the same answer
 * in the background. Nothing the shadow does (throw, time out, return unscored) reaches the served grade:
 * it starts only after the served grade is made and its failures are only logged and counted.
 *
 * @example
 * const served = createServedGrader({ a, b: null, share: 0, shadow: false, experiment: '', metrics, log });
 * const g = await served.grade({ questionId: 'data-drift', answer: '...' }); // g.variant === 'A'
 */
export function createServedGrader(deps: ServedGraderDeps): ServedGrader {
  const { a, b, metrics } = deps;
  const logError = deps.logError ?? ((err: unknown) => console.error(err));
  const now = deps.now ?? (() => new Date());
  const newId = deps.newId ?? randomUUID;
  const shadows = new Set<Promise<void>>();

  const assign = (key: string): Variant => (b ? assignVariant(key, deps.share, deps.experiment) : 'A');
  const armOf = (variant: Variant): Arm => (variant === 'B' && b ? b : a);
  const metricsSink = (inner?: LlmCallSink): LlmCallSink => (record) => {
    metrics?.llmCall(record);
    inner?.(record);
  };

  function log(role: GradeRole, arm: Arm, request: GradeRequest, context: GradeContext, pairId: string | null, result: { grade: Grade } | { failure: ReturnType<typeof failureOf> }): void {
    try {
      deps.log?.push(gradeEvent({ at: now().toISOString(), role, arm, request, context, pairId, result, keepGrade: pairId !== null }));
      deps.onLogged?.();
    } catch (err) {
      // Losing a log row must never cost the candidate the grade.
      logError(err);
    }
  }

  /** Grade with one arm; a failure is counted and logged, then rethrown. Client errors are not grades. */
  async function gradeWith(arm: Arm, role: GradeRole, request: GradeRequest, options: GradeCallOptions, context: GradeContext, pairId: string | null): Promise<Grade> {
    const label = role === 'shadow' ? `${arm.variant}-shadow` : arm.variant;
    let grade: Grade;
    try {
      grade = tagGrade(await arm.grade(request, { ...options, onLlmCall: metricsSink(options.onLlmCall) }), arm);
    } catch (err) {
      if (err instanceof CoachError && err.status < 500) throw err;
      const failure = failureOf(err);
      metrics?.observeGradeFailure(arm.judgeKind, failure.reason, label);
      log(role, arm, request, context, pairId, { failure });
      throw err;
    }
    metrics?.observeGrade(grade, label);
    log(role, arm, request, context, pairId, { grade });
    return grade;
  }

  function startShadow(request: GradeRequest, context: GradeContext, pairId: string, candidate: Arm): void {
    // Served grades come first: a shadow grade would queue behind them and delay the next ones.
    if ((deps.limiter?.pendingCount ?? 0) > 0) {
      metrics?.shadowSkipped(candidate.variant);
      return;
    }
    // No abort signal: the shadow outlives the request that caused it.
    const task = gradeWith(candidate, 'shadow', request, {}, context, pairId).then(
      () => undefined,
      (err: unknown) => {
        if (!(err instanceof CoachError)) logError(err);
      },
    );
    shadows.add(task);
    void task.finally(() => shadows.delete(task));
  }

  return {
    assign,
    async grade(request, options = {}) {
      const context: GradeContext = options.context ?? { source: 'api' };
      const variant = context.variant ?? (context.sessionId ? assign(context.sessionId) : assign(requestKey(request)));
      const arm = armOf(variant);
      const shadowArm = deps.shadow && b && arm === a ? b : null;
      const pairId = shadowArm ? newId() : null;
      const grade = await gradeWith(arm, 'served', request, options, context, pairId);
      if (shadowArm && pairId) startShadow(request, context, pairId, shadowArm);
      return grade;
    },
    async drain() {
      while (shadows.size > 0) await Promise.allSettled([...shadows]);
      await deps.log?.flush();
    },
    flush: async () => deps.log?.flush(),
  };
}
