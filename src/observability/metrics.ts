import type { MiddlewareHandler } from 'hono';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Grade } from '../grading/grade-schema.js';
import type { LlmCallRecord } from '../judge/chat.js';

/** What the metrics can read of the shared LLM limiter. */
export interface LimiterGauges {
  readonly activeCount: number;
  readonly pendingCount: number;
}

export interface MetricsOptions {
  /** A registry of its own by default, so tests and several apps never share series. */
  registry?: Registry;
  limiter?: LimiterGauges | undefined;
  /** Also export Node's process metrics (memory, event loop lag). Default true. */
  processMetrics?: boolean;
}

/** The judge's health as Prometheus series; served at `GET /metrics`. */
export interface Metrics {
  readonly registry: Registry;
  http: MiddlewareHandler;
  observeGrade(grade: Grade, variant?: string): void;
  observeGradeFailure(judgeKind: string, reason: string, variant?: string): void;
  llmCall(record: LlmCallRecord): void;
  /** Extra LLM HTTP attempts made by the client's own retries. */
  llmRetry(model: string): void;
  /** A shadow grade was not made because the LLM limiter had calls waiting. */
  shadowSkipped(variant: string): void;
}

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = options.registry ?? new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'coach_' });
  const registers = [registry];

  const httpDuration = new Histogram({
    name: 'coach_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const grades = new Counter({
    name: 'coach_grades_total',
    help: 'Grades by judge kind and outcome (scored, unscored with its reason, failed)',
    labelNames: ['judge', 'outcome', 'reason', 'variant'] as const,
    registers,
  });
  const swapped = new Counter({
    name: 'coach_grades_position_swapped_total',
    help: 'Grades scored in both orders',
    labelNames: ['variant'] as const,
    registers,
  });
  const inconsistent = new Counter({
    name: 'coach_grades_inconsistent_total',
    help: 'Grades whose two orders were 2 or more levels apart',
    labelNames: ['variant'] as const,
    registers,
  });
  // Per variant, so a candidate prompt's inconsistency is not averaged into the served prompt's.
  const shares = new Map<string, { swapped: number; inconsistent: number }>();
  new Gauge({
    name: 'coach_grades_inconsistent_share',
    help: 'Share of position-swapped grades whose orders were 2 or more levels apart, since start, by variant',
    labelNames: ['variant'] as const,
    registers,
    collect() {
      for (const [variant, c] of shares) this.set({ variant }, c.swapped === 0 ? 0 : c.inconsistent / c.swapped);
    },
  });
  const llmDuration = new Histogram({
    name: 'coach_llm_call_duration_seconds',
    help: 'LLM call latency by model, call kind and outcome',
    labelNames: ['model', 'call', 'outcome'] as const,
    buckets: [0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64],
    registers,
  });
  const llmTokens = new Counter({
    name: 'coach_llm_tokens_total',
    help: 'LLM tokens by model and kind (prompt, completion)',
    labelNames: ['model', 'kind'] as const,
    registers,
  });
  const llmErrors = new Counter({
    name: 'coach_llm_errors_total',
    help: 'Failed LLM calls by error kind',
    labelNames: ['model', 'kind'] as const,
    registers,
  });
  const llmRetries = new Counter({
    name: 'coach_llm_retries_total',
    help: 'LLM HTTP attempts beyond the first, made by the client retrying',
    labelNames: ['model'] as const,
    registers,
  });
  const shadowSkipped = new Counter({
    name: 'coach_shadow_grades_skipped_total',
    help: 'Shadow grades not made because LLM calls were queued (served grades come first)',
    labelNames: ['variant'] as const,
    registers,
  });
  const limiter = options.limiter;
  new Gauge({
    name: 'coach_llm_queue_depth',
    help: 'LLM calls waiting for the shared limiter',
    registers,
    collect() {
      this.set(limiter?.pendingCount ?? 0);
    },
  });
  new Gauge({
    name: 'coach_llm_in_flight',
    help: 'LLM calls running now',
    registers,
    collect() {
      this.set(limiter?.activeCount ?? 0);
    },
  });

  return {
    registry,
    http: async (c, next) => {
      const end = httpDuration.startTimer();
      try {
        await next();
      } finally {
        // The matched route pattern, not the raw path, keeps label cardinality bounded.
        end({ method: c.req.method, route: c.req.routePath || 'unmatched', status: String(c.res.status) });
      }
    },
    observeGrade(grade, variant = 'default') {
      const outcome = grade.unscored ? 'unscored' : 'scored';
      grades.inc({ judge: grade.judge.kind, outcome, reason: grade.unscored?.reason ?? '', variant });
      if (grade.consistency) {
        const c = shares.get(variant) ?? { swapped: 0, inconsistent: 0 };
        shares.set(variant, c);
        swapped.inc({ variant });
        c.swapped++;
        if (grade.consistency.inconsistent) {
          inconsistent.inc({ variant });
          c.inconsistent++;
        }
      }
    },
    observeGradeFailure(judgeKind, reason, variant = 'default') {
      grades.inc({ judge: judgeKind, outcome: 'failed', reason, variant });
    },
    llmCall(r) {
      const kind = r.error ? (r.error.split(':')[0] ?? 'error') : '';
      llmDuration.observe({ model: r.model, call: r.order, outcome: r.error ? 'error' : 'ok' }, r.latencyMs / 1000);
      if (r.usage) {
        llmTokens.inc({ model: r.model, kind: 'prompt' }, r.usage.promptTokens);
        llmTokens.inc({ model: r.model, kind: 'completion' }, r.usage.completionTokens);
      }
      if (r.error) llmErrors.inc({ model: r.model, kind });
    },
    llmRetry(model) {
      llmRetries.inc({ model });
    },
    shadowSkipped(variant) {
      shadowSkipped.inc({ variant });
    },
  };
}
