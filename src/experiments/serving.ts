import type { Config } from '../config.js';
import type { GradeFn } from '../grading/grade.js';
import type { Judge } from '../judge/judge.js';
import type { MonitoringDeps } from '../monitoring/monitoring-deps.js';
import { abSummary } from '../monitoring/ab-summary.js';
import { createDriftMonitor, type DriftTarget } from '../monitoring/drift-monitor.js';
import type { Metrics } from '../observability/metrics.js';
import type { Store } from '../store/store.js';
import type { ExperimentConfig } from './experiment-config.js';
import { createGradeLog } from './grade-log.js';
import { type Arm, createServedGrader, type ServedGrader } from './served-grader.js';

export interface ServingDeps {
  config: Pick<Config, 'JUDGE_PROMPT' | 'DRIFT_BASELINE_SIZE' | 'DRIFT_WINDOW_SIZE' | 'DRIFT_QUESTION_SIZE'>;
  experiment: ExperimentConfig | null;
  /** Variant A: the judge that serves, and the `grade()` over it (with its calibration). */
  judge: Judge;
  grade: GradeFn;
  /** Variant B, when an experiment runs. */
  candidate: { judge: Judge; grade: GradeFn } | null;
  store: Store;
  metrics: Metrics;
  llmLimiter: { readonly pendingCount: number } | null;
  logError?: (err: unknown) => void;
  /** Drift crossings. Default: the console. */
  driftLog?: { warn: (line: string) => void; info: (line: string) => void };
}

export interface Serving {
  served: ServedGrader;
  monitoring: MonitoringDeps;
}

function target(variant: 'A' | 'B', judge: Judge, promptName: string): DriftTarget {
  return { variant, judgeKind: judge.kind, model: judge.model, promptName: judge.kind === 'llm' ? promptName : null, promptVersion: judge.promptVersion };
}

/**
 * The serving side of grading: the served `grade()` (variant routing, metrics, grade log, shadow mode) and
 * the drift and A/B readings over the grade log it writes.
 */
export function composeServing(deps: ServingDeps): Serving {
  const { experiment, store, metrics } = deps;
  const a = target('A', deps.judge, deps.config.JUDGE_PROMPT);
  const b = deps.candidate && experiment ? target('B', deps.candidate.judge, experiment.promptB) : null;
  const log = createGradeLog({ events: store.gradeEvents, ...(deps.logError ? { logError: deps.logError } : {}) });
  const drift = createDriftMonitor({
    events: store.gradeEvents,
    targets: b ? [a, b] : [a],
    sizes: { baseline: deps.config.DRIFT_BASELINE_SIZE, window: deps.config.DRIFT_WINDOW_SIZE, question: deps.config.DRIFT_QUESTION_SIZE },
    registry: metrics.registry,
    beforeRead: () => log.flush(),
    ...(deps.driftLog ? { log: deps.driftLog } : {}),
  });
  const armA: Arm = { ...a, grade: deps.grade };
  const armB: Arm | null = b && deps.candidate ? { ...b, grade: deps.candidate.grade } : null;
  const served = createServedGrader({
    a: armA,
    b: armB,
    share: experiment?.share ?? 0,
    shadow: experiment?.shadow ?? false,
    experiment: experiment?.promptB ?? '',
    metrics,
    log,
    limiter: deps.llmLimiter,
    onLogged: () => drift.noteGrade(),
    ...(deps.logError ? { logError: deps.logError } : {}),
  });
  return {
    served,
    monitoring: {
      drift,
      ab: async (since) => {
        await log.flush();
        return abSummary({ events: store.gradeEvents, a, b, share: experiment?.share ?? 0, shadow: experiment?.shadow ?? false }, since);
      },
    },
  };
}
