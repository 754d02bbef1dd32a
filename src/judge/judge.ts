import type { LevelDescriptions, Rubric } from '../bank/schema.js';
import type { LlmCallSink } from './chat.js';
import type { Grade, JudgeKind, JudgeRun, KeyPointResult, UnscoredReason, Usage } from '../grading/grade-schema.js';

/** Everything a judge needs to grade one answer, already resolved from the bank or the ad-hoc request. */
export interface GradingTask {
  /** Bank id (`data-drift`, `data-drift.follow-up`), or null for an ad-hoc question. */
  questionId: string | null;
  question: string;
  referenceAnswer: string;
  /** Null for an ad-hoc question graded from its reference answer alone. */
  rubric: Rubric | null;
  levels: LevelDescriptions;
  answer: string;
}

/** A judge's verdict before `grade()` adds calibration, follow-up and timing. */
export interface JudgeVerdict {
  /** The judge's score on 1..5, or null when it could not give one (then `unscored` says why). */
  rawScore: number | null;
  keyPoints: KeyPointResult[];
  strengths: string[];
  gaps: string[];
  adaptiveFollowUp: string | null;
  flags: string[];
  consistency: Grade['consistency'];
  runs: JudgeRun[];
  usage: Usage | null;
  unscored: { reason: UnscoredReason; detail: string; retryAfterSeconds?: number } | null;
  /**
   * The most this answer may score under the rubric's own rules (an attempt to manipulate the grader
   * scores 1; a bag of keywords at most 2), whatever calibration later does to the raw score.
   */
  scoreCap?: number | null;
}

export interface GradeOptions {
  signal?: AbortSignal;
  /** Told about every LLM call made for this grade (the embedded judge makes none). */
  onLlmCall?: LlmCallSink;
}

/**
 * The judge port. A judge never turns its own failure into a low score: a provider error, refusal or
 * unusable reply comes back as a verdict with `rawScore: null` and `unscored` set.
 */
export interface Judge {
  readonly kind: JudgeKind;
  /**
   * Whether the judge can tell a true statement from a false one that uses the same words. The embedded
   * judge cannot (false); a judge that does not say is taken to be an LLM judge, which reads meaning.
   */
  readonly verifiesCorrectness?: boolean;
  /** Model id, e.g. `gpt-4o-mini`, or the embedded judge's algorithm id. */
  readonly model: string;
  /** Content hash of the prompt (LLM) or version of the scoring rules (embedded). */
  readonly promptVersion: string;
  evaluate(task: GradingTask, options?: GradeOptions): Promise<JudgeVerdict>;
}
