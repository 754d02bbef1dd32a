import type { BankIndex } from '../bank/bank-index.js';
import type { Question } from '../bank/schema.js';
import { NothingDueError } from '../errors.js';
import type { TurnRecord } from '../store/turns-repo.js';
import { withoutRepeats } from './plan.js';
import { dueItems, nextDueAt, reviewSchedule } from './review-schedule.js';
import { DEFAULT_SESSION_QUESTIONS, type StartSessionRequest } from './schemas.js';

/** Nothing due: a 409 that says so and when the next question is due. */
function nothingDue(next: string | null): NothingDueError {
  return new NothingDueError(
    next
      ? `candidateId: nothing is due for review yet; the next question is due at ${next}`
      : 'candidateId: nothing is due for review: no graded answer of this candidate has missed a key point',
    { extra: { details: { nextDueAt: next } } },
  );
}

/**
 * The questions of a review session: the main questions of the due schedule items (a due follow-up brings
 * its main question, which is asked with it), most overdue first, filtered like any session and at most
 * `count` (default 3). Nothing due is a `NothingDueError`.
 */
export async function planReview(bank: BankIndex, turns: readonly TurnRecord[], request: StartSessionRequest, now: Date): Promise<Question[]> {
  const schedule = reviewSchedule(turns);
  const allowed = new Set(bank.questions({ topic: request.topic, type: request.type, difficulty: request.difficulty }).map((q) => q.id));
  const ordered: Question[] = [];
  for (const item of dueItems(schedule, now)) {
    const q = bank.question(bank.gradable(item.questionId)?.questionId ?? '');
    if (q && allowed.has(q.id) && !ordered.includes(q)) ordered.push(q);
  }
  if (ordered.length === 0) throw nothingDue(nextDueAt(schedule, now));
  return withoutRepeats(ordered, request.count ?? DEFAULT_SESSION_QUESTIONS);
}
