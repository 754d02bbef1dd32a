import { Gauge, type Registry } from 'prom-client';
import type { GradeEventsRepo, Variant } from '../store/grade-events-repo.js';
import { DEFAULT_DRIFT_SIZES, type DriftSizes, scopeDrift } from './drift.js';
import type { DriftAlert, DriftReport, ScopeDrift, VariantDrift } from './drift-schemas.js';

/** A judge whose grades are watched for drift: each configured prompt variant. */
export interface DriftTarget {
  variant: Variant;
  judgeKind: string;
  model: string;
  promptName: string | null;
  promptVersion: string;
}

export interface DriftMonitorOptions {
  events: GradeEventsRepo;
  targets: readonly DriftTarget[];
  sizes?: Partial<DriftSizes>;
  /** Registry to publish `coach_drift_psi` on (the app's metrics registry). */
  registry?: Registry;
  /** Where threshold crossings go. Default: `console.warn` when drift rises, `console.log` when it falls. */
  log?: { warn: (line: string) => void; info: (line: string) => void };
  /** Recompute after this many logged grades... Default 20. */
  checkEvery?: number;
  /** ...and at most once in this many milliseconds, so a burst of grades does not recompute it each time. Default 10000. */
  minIntervalMs?: number;
  /** Called before each reading, e.g. to write grades still queued for the log. */
  beforeRead?: () => Promise<void> | void;
  now?: () => Date;
}

export interface DriftMonitor {
  /** Compute drift from the grade log now: updates the gauges and logs any threshold crossed since the last check. */
  report(): Promise<DriftReport>;
  /**
   * A grade was logged; every `checkEvery` of them trigger a check, unless one ran less than `minIntervalMs`
   * ago. The check runs in the background (a grade's response never waits for it); the promise settles
   * when it is done, for tests.
   */
  noteGrade(): Promise<void>;
}

const METHOD =
  'PSI = sum over bins of (window% - baseline%) x ln(window% / baseline%), an empty bin counting as 0.01%. ' +
  "Baseline: the first N scored grades of each variant's judge (model and prompt version), from the grade log in " +
  'the database, so it survives restarts and a new prompt version starts a new baseline. Window: the latest N ' +
  'scored grades after the baseline. Score: the raw score binned by level. Answer length: words, binned by the ' +
  "baseline's quintiles. Reading: below 0.1 stable, 0.1 to 0.25 moderate, above 0.25 significant. noiseP95: the PSI " +
  'two samples of these sizes from one unchanged distribution stay under 95% of the time (chi-square with bins - 1 ' +
  'degrees of freedom, times 1/n + 1/m); a reading raises an alert only when its PSI is above it.';

const RANK = { stable: 0, moderate: 1, significant: 2 } as const;

/**
 * Score-drift monitoring over the grade log. Readings are recomputed every `checkEvery` grades (at most
 * once per `minIntervalMs`), on every `/metrics` scrape and on every `GET /api/monitoring/drift`. A reading
 * that moves across 0.1 or 0.25 is logged once, as a warning when drift rises and as information when it
 * falls back; a PSI within sampling noise (`noiseP95`) counts as stable, so small windows do not cry wolf.
 *
 * @example
 * const drift = createDriftMonitor({ events: store.gradeEvents, targets: [{ variant: 'A', ... }], registry: metrics.registry });
 * drift.report().alerts; // readings that are not stable
 */
export function createDriftMonitor(options: DriftMonitorOptions): DriftMonitor {
  const sizes: DriftSizes = { ...DEFAULT_DRIFT_SIZES, ...options.sizes };
  const log = options.log ?? { warn: (l: string) => console.warn(l), info: (l: string) => console.log(l) };
  const checkEvery = options.checkEvery ?? 20;
  const minIntervalMs = options.minIntervalMs ?? 10_000;
  let lastCheck = -Infinity;
  const now = options.now ?? (() => new Date());
  // Readings as of the last check; a reading never seen counts as stable, so drift present at start is reported.
  const last = new Map<string, DriftAlert['reading']>();
  let sinceCheck = 0;
  let computing = false;

  const labelNames = ['variant', 'prompt_version', 'feature', 'question'] as const;
  const registers = options.registry ? [options.registry] : [];
  const psiGauge = options.registry
    ? new Gauge({
        name: 'coach_drift_psi',
        help: 'PSI of the latest window of scored grades against the baseline (below 0.1 stable, 0.1-0.25 moderate, above 0.25 significant)',
        labelNames,
        registers,
        async collect() {
          // A scrape reads fresh values; a scrape during a check waits for nothing and reads the last values.
          if (!computing) await report();
        },
      })
    : null;
  const noiseGauge = options.registry
    ? new Gauge({
        name: 'coach_drift_psi_noise_p95',
        help: 'PSI that sampling noise alone stays under 95% of the time at the baseline and window sizes; drift above it is real',
        labelNames,
        registers,
      })
    : null;

  function crossed(target: DriftTarget, scope: string, feature: DriftAlert['feature'], drift: ScopeDrift): DriftAlert | null {
    const f = feature === 'score' ? drift.score : drift.answerLength;
    if (!f) return null;
    const labels = { variant: target.variant, prompt_version: target.promptVersion, feature, question: scope === 'overall' ? 'all' : scope };
    psiGauge?.set(labels, f.psi);
    noiseGauge?.set(labels, f.noiseP95);
    // Within sampling noise, a moderate or significant PSI is not evidence of drift: it counts as stable.
    const level = f.beyondNoise ? f.reading : 'stable';
    const key = `${target.variant}|${target.promptVersion}|${scope}|${feature}`;
    const before = last.get(key) ?? 'stable';
    last.set(key, level);
    if (level !== before) {
      const where = scope === 'overall' ? '' : ` on question ${scope}`;
      const line =
        `drift: ${feature} PSI ${f.psi} is ${level} (was ${before})${where} for variant ${target.variant} ` +
        `(${target.promptName ?? target.judgeKind} ${target.promptVersion}): the latest ${drift.window.n} scored grades against the first ${drift.baseline.n}; ` +
        `sampling noise alone stays under ${f.noiseP95}`;
      if (RANK[level] > RANK[before]) log.warn(`warning: ${line}`);
      else log.info(line);
    }
    return level === 'stable' ? null : { variant: target.variant, promptVersion: target.promptVersion, scope, feature, psi: f.psi, reading: level, noiseP95: f.noiseP95 };
  }

  async function report(): Promise<DriftReport> {
    computing = true;
    lastCheck = now().getTime();
    try {
      await options.beforeRead?.();
      // Every reading first, then the gauges: a scrape meanwhile sees the previous values, never a half-reset set.
      const readings: { t: DriftTarget; overall: ScopeDrift; questions: (ScopeDrift & { questionId: string })[] }[] = [];
      for (const t of options.targets) {
        const key = { variant: t.variant, model: t.model, promptVersion: t.promptVersion };
        const overall = await scopeDrift(options.events, key, sizes);
        const questions: (ScopeDrift & { questionId: string })[] = [];
        for (const questionId of await options.events.questions(key)) {
          questions.push({ questionId, ...(await scopeDrift(options.events, key, { baseline: sizes.question, window: sizes.question }, questionId)) });
        }
        readings.push({ t, overall, questions });
      }
      psiGauge?.reset();
      noiseGauge?.reset();
      const alerts: DriftAlert[] = [];
      const variants: VariantDrift[] = readings.map(({ t, overall, questions }) => {
        for (const [scope, d] of [['overall', overall] as const, ...questions.map((q) => [q.questionId, q] as const)]) {
          for (const feature of ['score', 'answer-length'] as const) {
            const alert = crossed(t, scope, feature, d);
            if (alert) alerts.push(alert);
          }
        }
        return { ...t, overall, questions };
      });
      return {
        generatedAt: now().toISOString(),
        method: METHOD,
        thresholds: { moderate: 0.1, significant: 0.25 },
        sizes,
        variants,
        alerts,
      };
    } finally {
      computing = false;
    }
  }

  return {
    report,
    async noteGrade() {
      if (++sinceCheck < checkEvery || now().getTime() - lastCheck < minIntervalMs) return;
      sinceCheck = 0;
      await report().then(
        () => undefined,
        (err: unknown) => console.error(err),
      );
    },
  };
}
