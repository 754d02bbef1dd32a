import type { BankIndex } from '../bank/bank-index.js';
import { areaLabel } from '../bank/area-label.js';
import type { SessionRecord } from '../store/sessions-repo.js';
import type { TurnRecord } from '../store/turns-repo.js';
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
    canRetry: s.status === 'active' && s.cursor > 0,
  };
}

export function turnView(bank: BankIndex, session: SessionRecord, t: TurnRecord, grading = false): TurnView {
  const g = bank.gradable(t.questionId);
  const q = g && bank.question(g.questionId);
  const reference = g
    ? { answer: g.referenceAnswer, explanation: g.kind === 'main' && q ? q.explanation : null }
    : null;
  return { ...t, asked: questionView(bank, session, t.step), reference, grading };
}
