import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import type { Calibrator, JudgeIdentity } from './calibration.js';
import { JudgeKind } from './grade-schema.js';
import { issuesLine } from '../text/zod-issues.js';

/** Marks a JSON file as a calibration artifact of this project. */
export const CALIBRATION_FORMAT = 'interview-coach/calibration';

const Score = z.number().min(1).max(5);

/** One knot of the calibration map: a raw judge score and the human-scale score it stands for. */
export const CalibrationPoint = z.object({ raw: Score, calibrated: Score });
export type CalibrationPoint = z.infer<typeof CalibrationPoint>;

/**
 * The file `npm run eval -- --fit-calibration FILE` writes and the server loads. It names the judge it was
 * fitted on, because a map learnt on one judge's habits says nothing about another's.
 */
export const CalibrationArtifact = z
  .object({
    format: z.literal(CALIBRATION_FORMAT),
    schemaVersion: z.literal(1),
    /** Recorded as `judge.calibration` on every grade the artifact touched. */
    id: z.string().min(1),
    judge: z.object({ kind: JudgeKind, model: z.string().min(1), promptVersion: z.string().min(1) }),
    method: z.literal('isotonic'),
    fittedAt: z.string().min(1),
    fittedOn: z.object({
      dataset: z.string().min(1),
      items: z.number().int().positive(),
      /** sha256 of the labelled lines the map was fitted on. */
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      humanScale: z.object({ min: z.number(), max: z.number() }),
    }),
    /** Knots sorted by raw score; the map interpolates linearly between them and is flat outside them. */
    points: z.array(CalibrationPoint).min(1),
  })
  .superRefine((a, ctx) => {
    for (let i = 1; i < a.points.length; i++) {
      const prev = a.points[i - 1];
      const cur = a.points[i];
      if (!prev || !cur) continue;
      if (cur.raw <= prev.raw) ctx.addIssue({ code: 'custom', path: ['points', i, 'raw'], message: 'raw scores must increase' });
      if (cur.calibrated < prev.calibrated) {
        ctx.addIssue({ code: 'custom', path: ['points', i, 'calibrated'], message: 'the map must be monotone (non-decreasing)' });
      }
    }
  });
export type CalibrationArtifact = z.infer<typeof CalibrationArtifact>;

/**
 * Evaluate a monotone piecewise-linear map at `x`: linear between knots, the end value outside them
 * (the same convention as isotonic regression with clipping). Knots must be sorted by `raw`.
 */
export function interpolate(points: readonly CalibrationPoint[], x: number): number {
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last) return x;
  if (x <= first.raw) return first.calibrated;
  if (x >= last.raw) return last.calibrated;
  for (let i = 1; i < points.length; i++) {
    const hi = points[i];
    const lo = points[i - 1];
    if (!hi || !lo || x > hi.raw) continue;
    const t = (x - lo.raw) / (hi.raw - lo.raw);
    return lo.calibrated + t * (hi.calibrated - lo.calibrated);
  }
  return last.calibrated;
}

/** A stable id for an artifact: judge, method and a hash of its knots. */
export function artifactId(judge: JudgeIdentity, points: readonly CalibrationPoint[]): string {
  const hash = createHash('sha256').update(JSON.stringify(points)).digest('hex').slice(0, 12);
  return `isotonic-${judge.kind}-${judge.promptVersion}-${hash}`;
}

/** The `Calibrator` the grader applies, built from a parsed artifact. */
export function calibratorFromArtifact(artifact: CalibrationArtifact): Calibrator {
  const { judge, points } = artifact;
  return {
    id: artifact.id,
    appliesTo: (j) => j.kind === judge.kind && j.model === judge.model && j.promptVersion === judge.promptVersion,
    apply: (raw) => interpolate(points, raw),
  };
}

/** Read and validate an artifact file, or throw a `ConfigError` that says what is wrong with it. */
export function readCalibrationArtifact(path: string): CalibrationArtifact {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`calibration ${path}: ${(err as Error).message}`, { cause: err });
  }
  const parsed = CalibrationArtifact.safeParse(json);
  if (!parsed.success) {
    const issues = issuesLine(parsed.error, 'file');
    throw new ConfigError(`calibration ${path} is invalid: ${issues}`);
  }
  return parsed.data;
}

export interface LoadCalibrationOptions {
  /** File to load. */
  path: string;
  /** True when the user named the file (CALIBRATION_PATH): then a missing file is an error, not "none". */
  explicit: boolean;
  /** The judge that will serve; the artifact is applied only when it was fitted on exactly this judge. */
  judge: JudgeIdentity;
  /** Where the stale-artifact warning goes. */
  warn: (message: string) => void;
}

/**
 * Load the calibration the server applies, or null when there is none or it does not fit the judge.
 * A stale artifact (fitted on another judge kind, model or prompt version) is never applied: applying a
 * map learnt on other rules would shift scores in a way nobody measured.
 *
 * @example
 * const calibration = loadCalibration({ path: 'data/calibration/embedded.json', explicit: false, judge, warn: console.warn });
 * const grade = createGrader({ bank, judge, calibration });
 */
export function loadCalibration(options: LoadCalibrationOptions): Calibrator | null {
  const { path, explicit, judge, warn } = options;
  if (!existsSync(path)) {
    if (explicit) throw new ConfigError(`CALIBRATION_PATH: no file at ${path}`);
    return null;
  }
  const artifact = readCalibrationArtifact(path);
  const calibrator = calibratorFromArtifact(artifact);
  if (!calibrator.appliesTo(judge)) {
    const a = artifact.judge;
    warn(
      `calibration ${path} (${artifact.id}) was fitted for ${a.kind} ${a.model} ${a.promptVersion}, ` +
        `but the judge is ${judge.kind} ${judge.model} ${judge.promptVersion}: not applied. ` +
        'Refit it with `npm run eval -- --data data/labelled --fit-calibration FILE`.',
    );
    return null;
  }
  return calibrator;
}
