import type { BankIndex } from '../bank/bank-index.js';
import { areaLabel } from '../bank/area-label.js';
import type { SessionRecord } from '../store/sessions-repo.js';
import type { TurnRecord } from '../store/turns-repo.js';
import { adviceFor } from './advice.js';
import { stepsOf } from './plan.js';
import type { QuestionView, SessionView, TurnView } from './view-schemas.js';

/** A question of the session by step, or null past the last step or when the bank no longer has it. */
export function questionView(bank: BankIndex, session: SessionRecord, step: number): QuestionView | null {
  const id = stepsOf(session.plan)[step];
  const g = id === undefined ? undefined : bank.gradable(id);
  const q = g && bank.question(g.questionId);
  if (!g || !q) return null;
  return {
    step,
    number: Math.floor(step / 2) + 1,
    total: session.plan.length,
    kind: g.kind,
    questionId: g.id,
    text: g.question,
    followUpTo: g.kind === 'follow-up' ? q.title : null,
    type: q.type,
    difficulty: q.difficulty,
    area: q.area,
    areaLabel: areaLabel(q.area),
  };
}

/** A session as clients see it: progress, the question to answer now, and whether a retry is possible. */
export function sessionView(bank: BankIndex, s: SessionRecord): SessionView {
  return {
    id: s.id,
    status: s.status,
    createdAt: s.createdAt,
    finishedAt: s.finishedAt,
    filters: s.filters,
    answeredSteps: s.cursor,
    totalSteps: s.plan.length * 2,
    current: s.status === 'active' ? questionView(bank, s, s.cursor) : null,
    canRetry: canRetry(s),
    mode: s.mode,
    candidateId: s.candidateId,
    timeLimitSeconds: s.timeLimitSeconds,
    askedAt: s.askedAt,
    revealReference: revealsReference(s),
  };
}

/** A mock interview keeps model answers and retries for the end, like an interviewer would. */
export const revealsReference = (s: SessionRecord) => s.mode !== 'mock' || s.status === 'finished';
export const canRetry = (s: SessionRecord) => s.cursor > 0 && (s.mode !== 'mock' || s.status === 'finished');

export function turnView(bank: BankIndex, session: SessionRecord, t: TurnRecord, grading = false): TurnView {
  const reference = revealsReference(session) ? referenceOf(bank, t.questionId) : null;
  return { ...t, asked: questionView(bank, session, t.step), reference, advice: adviceFor(t.grade), grading };
}

/** The model answer of a gradable question, with the explanation for a main question. */
export function referenceOf(bank: BankIndex, questionId: string): { answer: string; explanation: string | null } | null {
  const g = bank.gradable(questionId);
  const q = g && bank.question(g.questionId);
  return g ? { answer: g.referenceAnswer, explanation: g.kind === 'main' && q ? q.explanation : null } : null;
}
