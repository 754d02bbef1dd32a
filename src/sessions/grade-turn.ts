import { CoachError, ConflictError, DatabaseBusyError, DatabaseUnavailableError, OverloadedError } from '../errors.js';
import { failureOf } from '../grading/grade-failure.js';
import type { Grade } from '../grading/grade-schema.js';
import { BUSY_RETRY_DELAYS_MS, busyOrUnreachable, retryWhileBusy } from '../store/busy-retry.js';
import { databaseBusy, databaseUnreachable } from '../store/db-errors.js';
import type { GradeFn } from '../grading/grade.js';
import type { GradeRequest } from '../grading/grade-schema.js';
import type { BankIndex } from '../bank/bank-index.js';
import type { Store } from '../store/store.js';
import type { Claim, TurnFailure, TurnRecord } from '../store/turns-repo.js';

/** Default lease of a turn being graded: renewed every third of it while the grade runs. */
export const DEFAULT_TURN_LEASE_MS = 30_000;

export interface TurnGraderDeps {
  store: Store;
  bank: BankIndex;
  grade: GradeFn;
  now: () => Date;
  logError: (err: unknown) => void;
  /** This instance's name on the leases it takes (random per process). */
  instanceId: string;
  /** How long a lease holds without renewal; another instance may take the turn after it. */
  leaseMs: number;
}

/**
 * Grades stored turns. The turn must already be committed: grading only ever updates it, so whatever the
 * judge does (throw, time out, return unscored) the answer stays in the database. Every LLM call made for
 * the grade goes to the audit log under the turn's id.
 *
 * A turn is graded under a lease (`claimed_by`, `claim_expires_at`), renewed while the grade runs: two live
 * instances never grade the same turn, and a turn whose instance died is taken by another once its lease
 * has ended (see `recoverPendingTurns`). Only the lease holder's result is written.
 */
export function createTurnGrader(deps: TurnGraderDeps) {
  const { store, bank, grade, now, logError, instanceId, leaseMs } = deps;
  // Turns being graded by this process; a second regrade of the same turn meanwhile is refused.
  const inFlight = new Set<string>();
  const claimFrom = (at: Date): Claim => ({ by: instanceId, until: new Date(at.getTime() + leaseMs).toISOString() });

  /** Take the lease on a stored turn for a regrade; a graded turn, or one another instance grades now, is a 409. */
  async function claim(turnId: string): Promise<TurnRecord> {
    const at = now();
    const claimed = await store.turns.claim(turnId, claimFrom(at), at.toISOString());
    if (claimed) return claimed;
    const current = await store.turns.get(turnId);
    if (current?.status === 'graded') throw new ConflictError(`id: turn ${turnId} is already graded`);
    throw new ConflictError(`id: turn ${turnId} is being graded right now`);
  }

  /**
   * Grade a stored turn. `claimed`: the caller already holds the lease (taken in the commit that stored the
   * answer, or by the recovery sweep), which saves one durable write per answer.
   */
  async function gradeTurn(turn: TurnRecord, options: { claimed?: boolean; inputFlags?: string[] } = {}): Promise<TurnRecord> {
    if (inFlight.has(turn.id)) throw new ConflictError(`id: turn ${turn.id} is being graded right now`);
    inFlight.add(turn.id);
    try {
      const current = options.claimed ? turn : await claim(turn.id);
      // Renewed while the grade runs, so a long grade keeps its turn; a dead process stops renewing.
      const renewal = setInterval(() => {
        store.turns.renew(current.id, claimFrom(now())).catch((err: unknown) => logError(err));
      }, Math.max(100, Math.floor(leaseMs / 3)));
      renewal.unref?.();
      let failure: TurnFailure;
      let graded: Grade | null = null;
      const audit: Promise<unknown>[] = [];
      try {
        const variant = (await store.sessions.get(current.sessionId))?.variant ?? null;
        const g = await grade(
          requestOf(bank, current),
          {
            context: { source: 'session', sessionId: current.sessionId, turnId: current.id, variant },
            ...(options.inputFlags?.length ? { inputFlags: options.inputFlags } : {}),
            onLlmCall: (call) => {
              // Losing an audit row must not lose the grade; it is logged instead.
              audit.push(store.llmCalls.insert(current.id, call).catch((err: unknown) => logError(err)));
            },
          },
        );
        if (g.score !== null && g.unscored === null) graded = g;
        failure = g.unscored ?? { reason: 'judge-error', detail: 'the judge gave no score' };
      } catch (err) {
        if (!(err instanceof CoachError) || (err.status >= 500 && !(err instanceof OverloadedError))) logError(err);
        failure = failureOf(err);
      } finally {
        clearInterval(renewal);
        // The audit rows are written before the grade, so whoever reads the graded turn finds its calls.
        await Promise.all(audit);
      }
      // The grade is already paid for: a lock held by another process is waited out (without blocking the
      // server) rather than losing it. Still locked, or the database unreachable, the turn stays pending
      // under a lease that runs out, and the client is told so: a 503 with the turn's id, never a grade that
      // was shown and then lost.
      try {
        return await retryWhileBusy(
          () =>
            graded
              ? store.turns.markGraded(current.id, graded, now().toISOString(), instanceId)
              : store.turns.markFailed(current.id, failure, now().toISOString(), instanceId),
          BUSY_RETRY_DELAYS_MS,
          busyOrUnreachable,
        );
      } catch (err) {
        const extra = { cause: err, extra: { turnId: current.id } };
        if (databaseUnreachable(err)) {
          throw new DatabaseUnavailableError(
            `the answer is stored (turn ${current.id}) but the database stopped answering before its grade was saved; it is graded again once the database is back, or grade it with POST /api/turns/${current.id}/regrade`,
            extra,
          );
        }
        if (!databaseBusy(err)) throw err;
        throw new DatabaseBusyError(
          `the answer is stored (turn ${current.id}) but the database is locked by another process, so its grade could not be saved; grade it again with POST /api/turns/${current.id}/regrade`,
          1,
          extra,
        );
      }
    } finally {
      inFlight.delete(turn.id);
    }
  }

  return { gradeTurn, claimFrom, isGrading: (turnId: string) => inFlight.has(turnId) };
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
