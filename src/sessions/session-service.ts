import { randomUUID } from 'node:crypto';
import type { BankIndex } from '../bank/bank-index.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { acceptAdaptive } from './adaptive-answer.js';
import { planReview } from './review-plan.js';
import type { GradeFn } from '../grading/grade.js';
import type { SessionRecord } from '../store/sessions-repo.js';
import { ACCEPT_RETRY_DELAYS_MS, retryWhileBusy } from '../store/busy-retry.js';
import type { Store } from '../store/store.js';
import { createTurnGrader } from './grade-turn.js';
import { pickQuestions, type RandomSource, stepsOf } from './plan.js';
import type { AnswerRequest, StartSessionRequest } from './schemas.js';
import { summarize } from './summary.js';
import type { AnswerResult, QuestionView, SessionSummary, SessionView, TurnView } from './view-schemas.js';
import { canRetry, sessionView, turnView } from './views.js';

export interface SessionServiceDeps {
  store: Store;
  bank: BankIndex;
  grade: GradeFn;
  /** Question order. Default `Math.random`; tests pass `seededRandom(n)`. */
  random?: RandomSource;
  /** Timestamps of rows. Default: the wall clock. */
  now?: () => Date;
  /** Ids of sessions and turns. Default: random UUIDs, so one session's id does not lead to another's. */
  newId?: () => string;
  logError?: (err: unknown) => void;
  /** Prompt A/B variant of a new session, stored with it so all its answers meet the same prompt. */
  assignVariant?: (sessionId: string) => 'A' | 'B';
  /** Seconds per question of a mock interview that sets none. Default 240. */
  mockSecondsPerQuestion?: number;
}

/** Seconds per question of a mock interview when neither the request nor the configuration sets it. */
export const DEFAULT_MOCK_SECONDS = 240;


/**
 * Interview sessions: a plan of questions, each followed by its follow-up, answered one step at a time.
 * Every answer is committed before it is graded; see `createTurnGrader`.
 *
 * @example
 * const sessions = createSessionService({ store, bank, grade });
 * const { session, question } = await sessions.start({ topic: 'drift-and-monitoring', count: 2 });
 * const result = await sessions.answer(session.id, { answer: 'Data drift is ...' });
 */
export function createSessionService(deps: SessionServiceDeps) {
  const { store, bank } = deps;
  const random = deps.random ?? Math.random;
  const now = deps.now ?? (() => new Date());
  const newId = deps.newId ?? randomUUID;
  const logError = deps.logError ?? ((err: unknown) => console.error(err));
  const grader = createTurnGrader({ store, bank, grade: deps.grade, now, logError });
  const mockSeconds = deps.mockSecondsPerQuestion ?? DEFAULT_MOCK_SECONDS;

  const mustSession = (id: string): SessionRecord => {
    const s = store.sessions.get(id);
    if (!s) throw new NotFoundError(`id: no session "${id}"`);
    return s;
  };
  const summaryIfFinished = (s: SessionRecord) =>
    s.status === 'finished' ? summarize(bank, store.turns.bySession(s.id)) : null;

  return {
    async start(request: StartSessionRequest): Promise<{ session: SessionView; question: QuestionView }> {
      const mode = request.mode ?? 'practice';
      if (mode === 'review' && !request.candidateId) {
        throw new ValidationError([{ field: 'candidateId', reason: 'a review session needs the candidate whose missed questions it reviews' }]);
      }
      if (request.timeLimitSeconds !== undefined && mode !== 'mock') {
        throw new ValidationError([{ field: 'timeLimitSeconds', reason: 'applies to mock interviews only (mode "mock")' }]);
      }
      const questions =
        mode === 'review' && request.candidateId
          ? await planReview(bank, await store.practice.turnsOf(request.candidateId), request, now())
          : pickQuestions(bank, request, random);
      const id = newId();
      const session = await retryWhileBusy(() => store.sessions.insert({
        id,
        variant: deps.assignVariant?.(id) ?? null,
        candidateId: request.candidateId ?? null,
        mode,
        timeLimitSeconds: mode === 'mock' ? (request.timeLimitSeconds ?? mockSeconds) : null,
        createdAt: now().toISOString(),
        filters: {
          topic: request.topic ?? null,
          type: request.type ?? null,
          difficulty: request.difficulty ?? null,
          count: questions.length,
        },
        plan: questions.map((q) => q.id),
      }), ACCEPT_RETRY_DELAYS_MS);
      const view = sessionView(bank, session);
      if (!view.current) throw new Error(`session ${session.id} has no first question`);
      return { session: view, question: view.current };
    },

    /** `inputFlags`: what was done to the answer's text before it came here; recorded on the grade. */
    async answer(sessionId: string, request: AnswerRequest, options: { inputFlags?: string[] } = {}): Promise<AnswerResult> {
      // Time spent runs to the answer's arrival, not to the end of the checks below.
      const arrived = now();
      const current = mustSession(sessionId);
      // A hint shown for the step this answers (an adaptive answer has its own question, and no hint).
      const hintUsed = !request.adaptive && (await store.practice.hintFor(sessionId, request.retry ? current.cursor - 1 : current.cursor)) !== null;
      // Committed before grading starts: from here on the answer survives a judge failure or a crash. The
      // session is read inside the write transaction, so two servers on one database cannot take the same step.
      const accept = () => store.transaction(() => {
        const before = mustSession(sessionId);
        if (request.adaptive && request.retry) throw new ConflictError('adaptive: answer the adaptive follow-up or retry the question, not both');
        if (request.adaptive) return acceptAdaptive({ store, newId }, before, request.answer, arrived);
        if (request.retry) {
          if (before.cursor === 0) throw new ConflictError('retry: nothing has been answered yet');
          if (!canRetry(before)) throw new ConflictError('retry: a mock interview allows retries once it is finished');
        } else if (before.status === 'finished') {
          throw new ConflictError(`id: session ${sessionId} is finished; start a new one${canRetry(before) ? ', or retry the last question with { retry: true }' : ''}`);
        }
        const steps = stepsOf(before.plan);
        const step = request.retry ? before.cursor - 1 : before.cursor;
        const questionId = steps[step];
        const gradable = questionId === undefined ? undefined : bank.gradable(questionId);
        if (!gradable) throw new ConflictError(`id: question ${questionId ?? `#${step}`} of this session is no longer in the bank`);
        const at = arrived.toISOString();
        const previous = request.retry ? store.turns.latestForStep(sessionId, step) : undefined;
        // A retry is asked when the previous attempt's grade came back; a new step when the session presented it.
        const askedAt = previous ? (previous.gradedAt ?? previous.updatedAt) : before.askedAt;
        const timeSpentMs = Math.max(0, arrived.getTime() - Date.parse(askedAt));
        const inserted = store.turns.insertPending({
          id: newId(),
          sessionId,
          step,
          questionId: gradable.id,
          kind: gradable.kind,
          question: gradable.question,
          answer: request.answer,
          retryOf: previous?.id ?? null,
          createdAt: at,
          timeSpentMs,
          // Only the interview itself is timed: a retry after the end is not "over time".
          overTime: before.status === 'active' && before.timeLimitSeconds !== null && timeSpentMs > before.timeLimitSeconds * 1000,
          hintUsed,
        });
        if (!request.retry) {
          const cursor = step + 1;
          store.sessions.advance(sessionId, cursor, at, cursor >= steps.length ? at : null);
        }
        // Counted as a grading run in the same commit: under load every durable commit (an fsync) counts.
        store.turns.markGrading(inserted.id, at);
        return inserted;
      });
      // A lock another process holds briefly is waited out, awaited; a longer one is a 503 and nothing is stored.
      const turn = await retryWhileBusy(accept, ACCEPT_RETRY_DELAYS_MS);

      const graded = await grader.gradeTurn(turn, { runCounted: true, ...(options.inputFlags ? { inputFlags: options.inputFlags } : {}) });
      // The next question is presented now that the grade is back: a mock interview's clock starts here.
      if (!request.retry && !request.adaptive) await store.practice.markAsked(sessionId, now().toISOString());
      const after = mustSession(sessionId);
      const view = sessionView(bank, after);
      return { turn: turnView(bank, after, graded), next: view.current, session: view, summary: summaryIfFinished(after) };
    },

    /** Grade a pending or failed turn again. A graded turn, or one being graded now, is a 409. */
    async regrade(turnId: string): Promise<{ turn: TurnView; session: SessionView; summary: SessionSummary | null }> {
      const turn = store.turns.get(turnId);
      if (!turn) throw new NotFoundError(`id: no turn "${turnId}"`);
      if (turn.status === 'graded') throw new ConflictError(`id: turn ${turnId} is already graded`);
      if (!bank.gradable(turn.questionId)) throw new ConflictError(`id: question ${turn.questionId} of this turn is no longer in the bank`);
      const graded = await grader.gradeTurn(turn);
      const session = mustSession(graded.sessionId);
      return { turn: turnView(bank, session, graded), session: sessionView(bank, session), summary: summaryIfFinished(session) };
    },

    get(sessionId: string): { session: SessionView; turns: TurnView[]; summary: SessionSummary } {
      const session = mustSession(sessionId);
      const turns = store.turns.bySession(sessionId);
      return { session: sessionView(bank, session), turns: turns.map((t) => turnView(bank, session, t, grader.isGrading(t.id))), summary: summarize(bank, turns) };
    },

    turn(turnId: string): { turn: TurnView } {
      const turn = store.turns.get(turnId);
      if (!turn) throw new NotFoundError(`id: no turn "${turnId}"`);
      return { turn: turnView(bank, mustSession(turn.sessionId), turn, grader.isGrading(turn.id)) };
    },

    /** Whether this process is grading the turn right now (a pending turn that is not was interrupted). */
    isGrading: grader.isGrading,
  };
}
export type SessionService = ReturnType<typeof createSessionService>;
