import { CoachError, ConflictError, DatabaseBusyError, OverloadedError } from '../errors.js';
import { failureOf } from '../grading/grade-failure.js';
import type { Grade } from '../grading/grade-schema.js';
import { retryWhileBusy } from '../store/busy-retry.js';
import { databaseBusy } from '../store/db.js';
import type { GradeFn } from '../grading/grade.js';
import type { GradeRequest } from '../grading/grade-schema.js';
import type { BankIndex } from '../bank/bank-index.js';
import type { Store } from '../store/store.js';
import type { TurnFailure, TurnRecord } from '../store/turns-repo.js';

export interface TurnGraderDeps {
  store: Store;
  bank: BankIndex;
  grade: GradeFn;
  now: () => Date;
  logError: (err: unknown) => void;
}

/**
 * Grades stored turns. The turn must already be committed: grading only ever updates it, so whatever the
 * judge does (throw, time out, return unscored) the answer stays in the database. Every LLM call made for
 * the grade goes to the audit log under the turn's id.
 */
export function createTurnGrader(deps: TurnGraderDeps) {
  const { store, bank, grade, now, logError } = deps;
  // Turns being graded by this process; a second regrade of the same turn meanwhile is refused.
  const inFlight = new Set<string>();

  /**
   * Grade a stored turn. `runCounted`: the caller already marked this grading run in the commit that stored
   * the answer, which saves one durable write per answer.
   */
  async function gradeTurn(turn: TurnRecord, options: { runCounted?: boolean; inputFlags?: string[] } = {}): Promise<TurnRecord> {
    if (inFlight.has(turn.id)) throw new ConflictError(`id: turn ${turn.id} is being graded right now`);
    inFlight.add(turn.id);
    try {
      if (!options.runCounted) store.turns.markGrading(turn.id, now().toISOString());
      let failure: TurnFailure;
      let graded: Grade | null = null;
      try {
        const variant = store.sessions.get(turn.sessionId)?.variant ?? null;
        const g = await grade(
          requestOf(bank, turn),
          {
            context: { source: 'session', sessionId: turn.sessionId, turnId: turn.id, variant },
            ...(options.inputFlags?.length ? { inputFlags: options.inputFlags } : {}),
            onLlmCall: (call) => {
              // Losing an audit row must not lose the grade; it is logged instead.
              try {
                store.llmCalls.insert(turn.id, call);
              } catch (err) {
                logError(err);
              }
            },
          },
        );
        if (g.score !== null && g.unscored === null) graded = g;
        failure = g.unscored ?? { reason: 'judge-error', detail: 'the judge gave no score' };
      } catch (err) {
        if (!(err instanceof CoachError) || (err.status >= 500 && !(err instanceof OverloadedError))) logError(err);
        failure = failureOf(err);
      }
      // The grade is already paid for: a lock held by another process is waited out (without blocking the
      // server) rather than losing it. Still locked, the turn stays pending and the client is told so.
      try {
        return await retryWhileBusy(() =>
          graded ? store.turns.markGraded(turn.id, graded, now().toISOString()) : store.turns.markFailed(turn.id, failure, now().toISOString()),
        );
      } catch (err) {
        if (!databaseBusy(err)) throw err;
        throw new DatabaseBusyError(
          `the answer is stored (turn ${turn.id}) but the database is locked by another process, so its grade could not be saved; grade it again with POST /api/turns/${turn.id}/regrade`,
          1,
          { cause: err, extra: { turnId: turn.id } },
        );
      }
    } finally {
      inFlight.delete(turn.id);
    }
  }

  return { gradeTurn, isGrading: (turnId: string) => inFlight.has(turnId) };
}
export type TurnGrader = ReturnType<typeof createTurnGrader>;

/**
 * What the judge grades for a turn: the bank question by id, or, for an answer to an adaptive follow-up,
 * that follow-up as an ad-hoc question whose rubric is the one key point it probes (with the bank's terms
 * for it), so the same `grade()` grades it against that point alone.
 */
export function requestOf(bank: BankIndex, turn: TurnRecord): GradeRequest {
  const g = turn.adaptiveOf !== null ? bank.gradable(turn.questionId) : undefined;
  const point = g?.rubric.keyPoints.find((k) => k.id === turn.probesKeyPoint);
  if (!g || !point) return { questionId: turn.questionId, answer: turn.answer };
  return {
    question: turn.question,
    referenceAnswer: point.statement.length >= 10 ? point.statement : g.referenceAnswer,
    rubric: { keyPoints: [point], commonMistakes: g.rubric.commonMistakes, source: g.rubric.source },
    answer: turn.answer,
  };
}
