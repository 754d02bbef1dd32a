import type { GradeContext } from '../grading/grade.js';
import type { Grade, GradeRequest } from '../grading/grade-schema.js';
import type { GradeRole, NewGradeEvent, Variant } from '../store/grade-events-repo.js';
import type { TurnFailure } from '../store/turns-repo.js';
import { tokenize } from '../text/tokens.js';

/** The judge of one variant as the grade log names it. */
export interface ArmIdentity {
  variant: Variant;
  judgeKind: string;
  model: string;
  promptVersion: string;
  promptName: string | null;
}

export interface EventInput {
  at: string;
  role: GradeRole;
  arm: ArmIdentity;
  request: GradeRequest;
  context: GradeContext;
  pairId: string | null;
  /** The grade, or why grading threw. */
  result: { grade: Grade } | { failure: TurnFailure };
  /** Keep the whole grade (both sides of a served/shadow pair are kept, to be compared). */
  keepGrade: boolean;
}

/** The grade log row of one grade (or failed grading attempt). */
export function gradeEvent(input: EventInput): NewGradeEvent {
  const { arm, request, context, result } = input;
  const grade = 'grade' in result ? result.grade : null;
  const failure = 'failure' in result ? result.failure : null;
  const outcome = failure ? 'failed' : grade?.unscored || grade?.rawScore === null ? 'unscored' : 'scored';
  return {
    at: input.at,
    source: context.source,
    role: input.role,
    variant: arm.variant,
    judgeKind: arm.judgeKind,
    model: arm.model,
    promptName: arm.promptName,
    promptVersion: arm.promptVersion,
    sessionId: context.sessionId ?? null,
    turnId: context.turnId ?? null,
    questionId: 'questionId' in request ? request.questionId : null,
    pairId: input.pairId,
    answerChars: request.answer.length,
    answerWords: tokenize(request.answer).length,
    outcome,
    reason: failure?.reason ?? grade?.unscored?.reason ?? null,
    score: grade?.score ?? null,
    rawScore: outcome === 'scored' ? (grade?.rawScore ?? null) : null,
    inconsistent: grade?.consistency ? grade.consistency.inconsistent : null,
    promptTokens: grade?.usage?.promptTokens ?? null,
    completionTokens: grade?.usage?.completionTokens ?? null,
    latencyMs: grade ? Math.round(grade.latencyMs) : null,
    grade: input.keepGrade ? grade : null,
  };
}

/** The grade as served: tagged with its variant and, for an LLM judge, its prompt version's name. */
export function tagGrade(grade: Grade, arm: ArmIdentity): Grade {
  return {
    ...grade,
    judge: { ...grade.judge, ...(arm.promptName ? { promptName: arm.promptName } : {}) },
    variant: arm.variant,
  };
}
