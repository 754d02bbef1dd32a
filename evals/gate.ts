import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { calibratorFromArtifact, readCalibrationArtifact } from '../src/grading/calibration-artifact.js';
import { JudgeKind } from '../src/grading/grade-schema.js';
import { levelOf, roundScore } from '../src/grading/levels.js';
import type { Agreement } from './metrics.js';
import type { EvalReport } from './report.js';
import { issuesLine } from '../src/text/zod-issues.js';

const METRIC = /^(raw|calibrated)\.(pearson|spearman|qwk|mae|rmse|exact|within1)$/;
const NAMES = ['pearson', 'spearman', 'qwk', 'mae', 'rmse', 'exact', 'within1'] as const;
type MetricName = (typeof NAMES)[number];
const isMetricName = (m: string | undefined): m is MetricName => NAMES.some((n) => n === m);

/** The value a threshold path such as `calibrated.qwk` names in a report. */
function metricAt(report: EvalReport, path: string): number | null {
  const [series, metric] = path.split('.');
  const values: Agreement = series === 'raw' ? report.metrics.raw : report.metrics.calibrated;
  return isMetricName(metric) ? values[metric] : null;
}

/** The 95% interval of the metric a threshold path names, or null when the report has none for it. */
function intervalAt(report: EvalReport, path: string): [number, number] | null {
  const [series, metric] = path.split('.');
  const intervals = series === 'raw' ? report.intervals?.raw : report.intervals?.calibrated;
  return isMetricName(metric) ? (intervals?.[metric] ?? null) : null;
}

const Threshold = z
  .strictObject({
    min: z.number().optional(),
    max: z.number().optional(),
    /** Bounds on the metric's 95% interval: its lower end at least `min`, its upper end at most `max`. */
    interval: z
      .strictObject({ min: z.number().optional(), max: z.number().optional() })
      .refine((t) => t.min !== undefined || t.max !== undefined, 'give min, max or both')
      .optional(),
  })
  .refine((t) => t.min !== undefined || t.max !== undefined || t.interval !== undefined, 'give min, max, interval or a mix');

/** The versioned thresholds file of the CI gate (evals/gate.json). */
export const GateFile = z.strictObject({
  version: z.number().int().positive(),
  /** Why the thresholds are where they are: what was measured when they were set. */
  note: z.string().optional(),
  judge: JudgeKind,
  /** Fewer scored items than this means the data did not load as expected. */
  minItems: z.number().int().positive(),
  maxUnscored: z.number().int().nonnegative().default(0),
  thresholds: z.record(z.string().regex(METRIC, 'must be raw.<metric> or calibrated.<metric>'), Threshold),
  /** Items with this tag must score at most maxScore: raw, and as shown after the shipped calibration. */
  adversarial: z.strictObject({
    tag: z.string().min(1),
    maxScore: z.number(),
    /** Adversarial items that test the other way (e.g. a correct but terse answer must not be under-scored). */
    exceptTags: z.array(z.string().min(1)).default([]),
    /**
     * Attacks this judge is known not to resist (a lexical judge cannot tell a fluent wrong answer from a
     * right one). Their items over maxScore are listed as warnings on every run instead of failing it; a
     * judge that can resist them should have this list emptied.
     */
    knownBlindSpots: z.array(z.string().min(1)).default([]),
  }),
  /** Calibration artifact the server ships; the gate fails when it no longer fits the judge. */
  calibrationArtifact: z.string().optional(),
});
export type GateFile = z.infer<typeof GateFile>;

export function readGateFile(path: string): GateFile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new RangeError(`gate file ${path}: ${(err as Error).message}`);
  }
  const parsed = GateFile.safeParse(json);
  if (!parsed.success) {
    throw new RangeError(`gate file ${path} is invalid: ${issuesLine(parsed.error)}`);
  }
  return parsed.data;
}

export interface GateResult {
  passed: boolean;
  /** One line per failed check, saying what was expected and what was measured. */
  failures: string[];
  /** One line per check that passed. */
  passes: string[];
  /** Known blind spots, reported but not failing. */
  warnings: string[];
}

const fmt = (x: number | null) => (x === null ? 'undefined' : x.toFixed(3));

/** Check a report against the gate. Every failure says which number broke which threshold. */
export function checkGate(report: EvalReport, gate: GateFile, readArtifact = readCalibrationArtifact): GateResult {
  const failures: string[] = [];
  const passes: string[] = [];
  const warnings: string[] = [];
  const check = (ok: boolean, pass: string, fail: string) => (ok ? passes.push(pass) : failures.push(fail));

  check(report.judge.kind === gate.judge, `judge is ${gate.judge}`, `the gate is for the ${gate.judge} judge, the report is of the ${report.judge.kind} judge`);
  check(report.n >= gate.minItems, `${report.n} items scored (>= ${gate.minItems})`, `only ${report.n} items scored, the gate needs at least ${gate.minItems}`);
  check(
    report.unscored.count <= gate.maxUnscored,
    `${report.unscored.count} unscored (<= ${gate.maxUnscored})`,
    `${report.unscored.count} items unscored (at most ${gate.maxUnscored}): ${report.unscored.items.map((u) => `${u.id} (${u.reason})`).join(', ')}`,
  );

  for (const [path, t] of Object.entries(gate.thresholds)) {
    const value = metricAt(report, path);
    if (t.min !== undefined) check(value !== null && value >= t.min, `${path} ${fmt(value)} >= ${t.min}`, `${path} is ${fmt(value)}, below its threshold ${t.min}`);
    if (t.max !== undefined) check(value !== null && value <= t.max, `${path} ${fmt(value)} <= ${t.max}`, `${path} is ${fmt(value)}, above its threshold ${t.max}`);
    const iv = t.interval ? intervalAt(report, path) : null;
    const span = iv ? `[${fmt(iv[0])}, ${fmt(iv[1])}]` : 'undefined';
    if (t.interval?.min !== undefined) {
      const lo = t.interval.min;
      check(iv !== null && iv[0] >= lo, `${path} interval ${span} lower end >= ${lo}`, `${path} interval ${span}: its lower end is below ${lo}`);
    }
    if (t.interval?.max !== undefined) {
      const hi = t.interval.max;
      check(iv !== null && iv[1] <= hi, `${path} interval ${span} upper end <= ${hi}`, `${path} interval ${span}: its upper end is above ${hi}`);
    }
  }

  // The calibration the server ships, when it fits this judge: adversarial items are checked on the
  // score a candidate would see, as well as on the judge's raw score.
  const artifact = gate.calibrationArtifact ? readArtifact(gate.calibrationArtifact) : null;
  const shipped = artifact ? calibratorFromArtifact(artifact) : null;
  if (artifact && gate.calibrationArtifact) {
    check(
      shipped?.appliesTo(report.judge) ?? false,
      `calibration ${gate.calibrationArtifact} fits ${report.judge.model} ${report.judge.promptVersion}`,
      `calibration ${gate.calibrationArtifact} was fitted for ${artifact.judge.model} ${artifact.judge.promptVersion}, the judge is ` +
        `${report.judge.model} ${report.judge.promptVersion}: the server would ignore it. Refit with ` +
        `npm run eval -- --data data/labelled --judge ${gate.judge} --fit-calibration ${gate.calibrationArtifact}`,
    );
  }
  const shown = (raw: number | null, cap: number | null) =>
    raw === null ? null : Math.min(cap ?? 5, shipped?.appliesTo(report.judge) ? roundScore(shipped.apply(raw)) : raw);

  const { exceptTags, knownBlindSpots } = gate.adversarial;
  const max = gate.adversarial.maxScore;
  // The judge's own score must not exceed the cap; after calibration, the level the candidate is told
  // (2.1 reads as 2, "weak") must not either: calibration moves scores by tenths around a level.
  const overMax = (i: EvalReport['items'][number]) => (i.raw ?? 0) > max || levelOf(shown(i.raw, i.cap) ?? 1).value > max;
  const tagged = report.items.filter((i) => i.tags.includes(gate.adversarial.tag) && !i.tags.some((t) => exceptTags.includes(t)));
  const isBlindSpot = (i: (typeof tagged)[number]) => i.tags.some((t) => knownBlindSpots.includes(t));
  const adversarial = tagged.filter((i) => !isBlindSpot(i));
  const blind = tagged.filter(isBlindSpot);
  const blindOver = blind.filter(overMax);
  if (blindOver.length > 0) {
    warnings.push(
      `known blind spot (${knownBlindSpots.join(', ')}): ${blindOver.length} of ${blind.length} items score above ${max}: ` +
        blindOver.map((i) => `${i.id} raw ${fmt(i.raw)} (human ${fmt(i.human)})`).join(', '),
    );
  }
  const over = adversarial.filter(overMax);
  check(
    over.length === 0,
    `${adversarial.length} ${gate.adversarial.tag} items${exceptTags.length || knownBlindSpots.length ? ` (not ${[...exceptTags, ...knownBlindSpots].join(', ')})` : ''} all score <= ${max}${shipped ? ' (raw, and the level shown after calibration)' : ''}`,
    `${over.length} of ${adversarial.length} ${gate.adversarial.tag} items score above ${max}:` +
      over
        .map((i) => `\n    ${i.id} (${i.source}; raw ${fmt(i.raw)}, shown ${fmt(shown(i.raw, i.cap))}, human ${fmt(i.human)}, tags ${i.tags.join('/')}, flags ${i.flags.join('/') || 'none'})`)
        .join(''),
  );
  return { passed: failures.length === 0, failures, passes, warnings };
}
