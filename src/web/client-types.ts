/**
 * The shapes the chat client (src/web/static/*.js, checked with `// @ts-check`) reads from the API, taken
 * from the response schemas by `z.infer`: a change to a schema is a type error in the client.
 * Type-only: nothing here is loaded by the browser.
 */
import type { z } from 'zod';
import type { Grade, KeyPointResult } from '../grading/grade-schema.js';
import type { ErrorBody } from '../http/schemas.js';
import type {
  AnswerResult as BaseAnswerResult,
  QuestionView,
  SessionSummary as BaseSummary,
  SessionView as BaseSessionView,
  TurnView as BaseTurnView,
} from '../sessions/view-schemas.js';
import type { TurnFailureReason } from '../store/turns-repo.js';

export type { Grade, KeyPointResult, QuestionView, TurnFailureReason };
export type ErrorBodyT = z.infer<typeof ErrorBody>;

// PROVISIONAL: the practice API's additions as its contract describes them, until its schemas land.
export type Mode = 'practice' | 'review' | 'mock';
export interface Advice {
  keyPointId: string;
  status: 'missed' | 'partial';
  nextLevel: number;
  text: string;
}
export type Reference = NonNullable<BaseTurnView['reference']>;
export type TurnView = BaseTurnView & {
  advice: Advice[];
  timeSpentMs: number | null;
  overTime: boolean;
  hintUsed: boolean;
  adaptiveOf: string | null;
  modelAnswerViewed: boolean;
};
export type SessionView = BaseSessionView & {
  mode: Mode;
  candidateId: string | null;
  timeLimitSeconds: number | null;
  askedAt: string | null;
  revealReference: boolean;
};
export interface SummaryQuestion {
  questionId: string;
  question: string;
  kind: 'main' | 'follow-up';
  score: number | null;
  attempts: number;
  hintUsed: boolean;
  modelAnswerViewedBeforeRetry: boolean;
  timeSpentMs: number | null;
  overTime: boolean;
}
export type SessionSummary = BaseSummary & { questions: SummaryQuestion[] };
export type AnswerResult = Omit<BaseAnswerResult, 'turn' | 'session' | 'summary'> & { turn: TurnView; session: SessionView; summary: SessionSummary | null };
export interface StartedSession {
  session: SessionView;
  question: QuestionView;
}
export interface Transcript {
  session: SessionView;
  turns: TurnView[];
  summary: SessionSummary;
}
export interface RegradeResult {
  turn: TurnView;
  session: SessionView;
  summary: SessionSummary | null;
}
export interface Facets {
  areas: { area: string; label: string }[];
  types: string[];
  difficulties: string[];
}
export interface Hint {
  hint: { keyPointId: string; topic: string };
}
