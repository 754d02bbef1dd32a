import { randomUUID } from 'node:crypto';
import type { BankIndex } from '../bank/bank-index.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { acceptAdaptive } from './adaptive-answer.js';
import { planReview } from './review-plan.js';
import type { GradeFn } from '../grading/grade.js';
import type { SessionRecord } from '../store/sessions-repo.js';
import { ACCEPT_RETRY_DELAYS_MS, retryWhileBusy } from '../store/busy-retry.js';
import type { Repos, Store } from '../store/store.js';
import type { TurnRecord } from '../store/turns-repo.js';
import { createTurnGrader, DEFAULT_TURN_LEASE_MS } from './grade-turn.js';
import { pickQuestions, type RandomSource, stepsOf } from './plan.js';
import type { AnswerRequest, StartSessionRequest } from './schemas.js';
import { summarize } from './summary.js';
import type { AnswerResult, QuestionView, SessionSummary, SessionView, TurnView } from './view-schemas.js';
import { canRetry, sessionView, turnView } from './views.js';

/** A turn after a (re)grade, with its session and, once finished, the session's summary. */
export interface Regraded {
  turn: TurnView;
  session: SessionView;
  summary: SessionSummary | null;
}

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
  /** This instance's name on the turns it grades. Default: a random UUID per service. */
  instanceId?: string;
  /** Lease of a turn being graded (`TURN_LEASE_MS`). Default 30 s. */
  leaseMs?: number;
  /** Counts an answer's whole path (commit, grade, save) as in flight, so a shutdown waits for it (the gate's `track`). */
  track?: <T>(work: () => Promise<T>) => Promise<T>;
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
  const instanceId = deps.instanceId ?? randomUUID();
  const track = deps.track ?? (<T>(work: () => Promise<T>) => work());
  const grader = createTurnGrader({ store, bank, grade: deps.grade, now, logError, instanceId, leaseMs: deps.leaseMs ?? DEFAULT_TURN_LEASE_MS });
  const mockSeconds = deps.mockSecondsPerQuestion ?? DEFAULT_MOCK_SECONDS;

  const mustSession = async (id: string, repos: Repos = store): Promise<SessionRecord> => {
    const s = await (repos === store ? repos.sessions.get(id) : repos.sessions.getForUpdate(id));
    if (!s) throw new NotFoundError(`id: no session "${id}"`);
    return s;
  };
  const summaryIfFinished = async (s: SessionRecord) =>
    s.status === 'finished' ? summarize(bank, await store.turns.bySession(s.id)) : null;

  async function afterGrade(graded: TurnRecord): Promise<Regraded> {
    const session = await mustSession(graded.sessionId);
    return { turn: turnView(bank, session, graded), session: sessionView(bank, session), summary: await summaryIfFinished(session) };
  }

  async function answer(sessionId: string, request: AnswerRequest, options: { inputFlags?: string[] }): Promise<AnswerResult> {
    const arrived = now();
    const s0 = await mustSession(sessionId);
    const hintUsed = request.adaptive ? false : (await store.practice.hintFor(sessionId, request.retry ? s0.cursor - 1 : s0.cursor)) !== null;
    // Committed before grading starts: from here on the answer survives a judge failure or a crash. The
    // session is read and locked inside the write transaction, so two instances on one database cannot take
    // the same step.
    const accept = () => store.transaction(async (tx) => {
      const before = await mustSession(sessionId, tx);
      if (request.adaptive && request.retry) throw new ConflictError('adaptive: answer the adaptive follow-up or retry the question, not both');
      // Grading starts in the same commit (run counted, lease taken): under load every durable commit counts.
      const claim = grader.claimFrom(arrived);
      if (request.adaptive) return acceptAdaptive({ repos: tx, newId }, before, request.answer, arrived, claim);
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
      const previous = request.retry ? await tx.turns.latestForStep(sessionId, step) : undefined;
      // A retry is asked when the previous attempt's grade came back; a new step when the session presented it.
      const askedAt = previous ? (previous.gradedAt ?? previous.updatedAt) : before.askedAt;
      const timeSpentMs = Math.max(0, arrived.getTime() - Date.parse(askedAt));
      const inserted = await tx.turns.insertPending({
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
      }, claim);
      if (!request.retry) {
        const cursor = step + 1;
        await tx.sessions.advance(sessionId, cursor, at, cursor >= steps.length ? at : null);
      }
      return inserted;
    });
    // A lock another process holds briefly is waited out, awaited; a longer one is a 503 and nothing is stored.
    const turn = await retryWhileBusy(accept, ACCEPT_RETRY_DELAYS_MS);

    const graded = await grader.gradeTurn(turn, { claimed: true, ...(options.inputFlags ? { inputFlags: options.inputFlags } : {}) });
    // The next question is presented now that the grade is back: a mock interview's clock starts here.
    if (!request.retry && !request.adaptive) await store.practice.markAsked(sessionId, now().toISOString());
    const after = await mustSession(sessionId);
    const view = sessionView(bank, after);
    return { turn: turnView(bank, after, graded), next: view.current, session: view, summary: await summaryIfFinished(after) };
  }

  async function regrade(turnId: string): Promise<Regraded> {
    const turn = await store.turns.get(turnId);
    if (!turn) throw new NotFoundError(`id: no turn "${turnId}"`);
    if (turn.status === 'graded') throw new ConflictError(`id: turn ${turnId} is already graded`);
    if (!bank.gradable(turn.questionId)) throw new ConflictError(`id: question ${turn.questionId} of this turn is no longer in the bank`);
    return afterGrade(await grader.gradeTurn(turn));
  }

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
    answer(sessionId: string, request: AnswerRequest, options: { inputFlags?: string[] } = {}): Promise<AnswerResult> {
      return track(() => answer(sessionId, request, options));
    },

    /** Grade a pending or failed turn again. A graded turn, or one being graded now, is a 409. */
    regrade: (turnId: string): Promise<Regraded> => track(() => regrade(turnId)),
    async get(sessionId: string): Promise<{ session: SessionView; turns: TurnView[]; summary: SessionSummary }> {
      const session = await mustSession(sessionId);
      const turns = await store.turns.bySession(sessionId);
      return { session: sessionView(bank, session), turns: turns.map((t) => turnView(bank, session, t, grader.isGrading(t.id))), summary: summarize(bank, turns) };
    },

    async turn(turnId: string): Promise<{ turn: TurnView }> {
      const turn = await store.turns.get(turnId);
      if (!turn) throw new NotFoundError(`id: no turn "${turnId}"`);
      return { turn: turnView(bank, await mustSession(turn.sessionId), turn, grader.isGrading(turn.id)) };
    },

    /** Grade a turn whose lease this instance already took (the recovery sweep's `claimAbandoned`). */
    gradeClaimed: (turn: TurnRecord): Promise<Regraded> =>
      track(async () => {
        if (!bank.gradable(turn.questionId)) throw new ConflictError(`id: question ${turn.questionId} of this turn is no longer in the bank`);
        return afterGrade(await grader.gradeTurn(turn, { claimed: true }));
      }),

    /** The lease this instance takes now, for `turns.claimAbandoned`. */
    claimFrom: grader.claimFrom,

    /** Whether this process is grading the turn right now (a pending turn that is not was interrupted). */
    isGrading: grader.isGrading,
  };
}
export type SessionService = ReturnType<typeof createSessionService>;
