import type { JudgeKind } from './grade-schema.js';

/** Who produced a raw score; a calibration is only valid for the judge it was fitted on. */
export interface JudgeIdentity {
  kind: JudgeKind;
  model: string;
  promptVersion: string;
}

/** A monotone map from a judge's raw 1..5 score onto the human scale. */
export interface Calibrator {
  /** Artifact id recorded on every grade it touched. */
  readonly id: string;
  appliesTo(judge: JudgeIdentity): boolean;
  apply(rawScore: number): number;
}
