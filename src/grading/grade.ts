import type { BankIndex } from '../bank/bank-index.js';
import { withNotes } from '../bank/bank-index.js';
import { NotFoundError, PayloadTooLargeError } from '../errors.js';
import type { GradeOptions, GradingTask, Judge } from '../judge/judge.js';
import type { Calibrator } from './calibration.js';
import { type Grade, type GradeRequest, MAX_ANSWER_CHARS } from './grade-schema.js';
import { levelOf, roundScore } from './levels.js';
import { codePointLength } from '../text/untrusted-input.js';

export interface GraderDeps {
  bank: BankIndex;
  judge: Judge;
  /** Applied only when it names this judge's kind, model and prompt version. */
  calibration?: Calibrator | null;
  /** Milliseconds clock for `latencyMs`; injectable so tests can pin it. */
  now?: () => number;
}

/** Who asked for a grade: read by the serving layer (prompt A/B assignment, grade log), not by judges. */
export interface GradeContext {
  source: 'session' | 'api';
  sessionId?: string;
  turnId?: string;
  /** The prompt A/B variant already assigned to the session, if any; otherwise the serving layer assigns one. */
  variant?: 'A' | 'B' | null;
}

export interface GradeCallOptions extends GradeOptions {
  context?: GradeContext;
  /** Flags about the input itself set before grading, e.g. invisible characters removed; added to the grade's `flags`. */
  inputFlags?: string[];
}

export type GradeFn = (request: GradeRequest, options?: GradeCallOptions) => Promise<Grade>;

/** Resolve a request to the task a judge sees: from the bank by id, or from the ad-hoc fields. */
export function resolveTask(request: GradeRequest, bank: BankIndex): GradingTask & { followUp: string | null } {
  if ('questionId' in request) {
    const g = bank.gradable(request.questionId);
    if (!g) throw new NotFoundError(`questionId: no question "${request.questionId}" in the bank`);
    return {
      questionId: g.id,
      question: g.question,
      referenceAnswer: g.referenceAnswer,
      rubric: g.rubric,
      levels: g.levels,
      answer: request.answer,
      followUp: g.followUp,
    };
  }
  return {
    questionId: null,
    question: request.question,
    referenceAnswer: request.referenceAnswer,
    rubric: request.rubric ?? null,
    levels: withNotes(bank.bank.levels, request.rubric),
    answer: request.answer,
    followUp: null,
  };
}

/**
 * Build the one `grade()` that the API, the chat and the eval harness all call.
 *
 * @example
 * const grade = createGrader({ bank, judge: createEmbeddedJudge() });
 * const g = await grade({ questionId: 'data-drift', answer: 'Drift is when ...' });
 */
export function createGrader(deps: GraderDeps): GradeFn {
  const now = deps.now ?? (() => performance.now());
  const { judge } = deps;
  const calibration = deps.calibration?.appliesTo(judge) ? deps.calibration : null;

  return async function grade(request, options) {
    // Code points: the characters a candidate sees and the page counts, not UTF-16 units.
    const length = codePointLength(request.answer);
    if (length > MAX_ANSWER_CHARS) throw new PayloadTooLargeError('answer', MAX_ANSWER_CHARS, length);
    const task = resolveTask(request, deps.bank);
    const started = now();
    const v = await judge.evaluate(task, options);
    const latencyMs = Math.max(0, Math.round(now() - started));

    const rawScore = v.rawScore === null ? null : roundScore(v.rawScore);
    const cap = v.scoreCap ?? 5;
    // Calibration maps the judge's scale onto the humans'; it must not lift an answer over its rubric cap.
    const score = rawScore === null ? null : Math.min(cap, calibration ? roundScore(calibration.apply(rawScore)) : rawScore);
    return {
      questionId: task.questionId,
      score,
      rawScore,
      level: score === null ? null : levelOf(score),
      keyPoints: v.keyPoints,
      strengths: v.strengths,
      gaps: v.gaps,
      followUp: task.followUp,
      adaptiveFollowUp: v.adaptiveFollowUp,
      flags: [...v.flags, ...(options?.inputFlags ?? []).filter((f) => !v.flags.includes(f))],
      judge: {
        kind: judge.kind,
        model: judge.model,
        promptVersion: judge.promptVersion,
        calibration: score !== null && calibration ? calibration.id : null,
        verifiesCorrectness: judge.verifiesCorrectness ?? judge.kind === 'llm',
      },
      consistency: v.consistency,
      runs: v.runs,
      usage: v.usage,
      scoreCap: v.scoreCap ?? null,
      latencyMs,
      unscored: rawScore === null ? (v.unscored ?? { reason: 'judge-error', detail: 'the judge gave no score' }) : null,
    };
  };
}
