import type { BankIndex } from '../bank/bank-index.js';
import { areaLabel } from '../bank/area-label.js';
import type { SessionRecord } from '../store/sessions-repo.js';
import type { TurnRecord } from '../store/turns-repo.js';
import { stepsOf } from './plan.js';

/** The question a candidate is asked at one step of a session. */
export interface QuestionView {
  step: number;
  /** 1-based number of the main question this step belongs to, out of `total`. */
  number: number;
  total: number;
  kind: 'main' | 'follow-up';
  /** Gradable id: `data-drift` or `data-drift.follow-up`. */
  questionId: string;
  text: string;
  /** For a follow-up, the main question it follows; null for a main question. */
  followUpTo: string | null;
  type: string;
  difficulty: string;
  area: string;
  areaLabel: string;
}

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

export interface SessionView {
  id: string;
  status: SessionRecord['status'];
  createdAt: string;
  finishedAt: string | null;
  filters: SessionRecord['filters'];
  /** Steps answered (each main question and each follow-up is one step) out of `totalSteps`. */
  answeredSteps: number;
  totalSteps: number;
  /** The question to answer now; null once the session is finished. */
  current: QuestionView | null;
  /** Whether `{ retry: true }` is accepted now: something was answered and the session is still active. */
  canRetry: boolean;
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

/**
 * A turn as clients see it: the stored record, how the question was presented (`asked`), the model answer
 * (which an answered question may reveal), and whether it is being graded now (a `pending` turn that is not
 * was interrupted and can be regraded).
 */
export type TurnView = TurnRecord & {
  asked: QuestionView | null;
  reference: { answer: string; explanation: string | null } | null;
  grading: boolean;
};

export function turnView(bank: BankIndex, session: SessionRecord, t: TurnRecord, grading = false): TurnView {
  const g = bank.gradable(t.questionId);
  const q = g && bank.question(g.questionId);
  const reference = g
    ? { answer: g.referenceAnswer, explanation: g.kind === 'main' && q ? q.explanation : null }
    : null;
  return { ...t, asked: questionView(bank, session, t.step), reference, grading };
}
