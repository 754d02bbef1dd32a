import { z } from 'zod';
import { Grade, LevelLabel } from '../grading/grade-schema.js';
import { SessionFilters, SessionStatus } from '../store/sessions-repo.js';
import { TurnFailureReason, TurnStatus } from '../store/turns-repo.js';
import type { SessionSummary } from './summary.js';
import type { AnswerResult } from './session-service.js';
import type { QuestionView, SessionView, TurnView } from './views.js';

/**
 * The session API's responses as zod schemas, for the OpenAPI document. The view functions build plain
 * objects; the type checks at the bottom keep these schemas and those objects the same shape.
 */
export const QuestionViewSchema = z.object({
  step: z.number().int(),
  number: z.number().int(),
  total: z.number().int(),
  kind: z.enum(['main', 'follow-up']),
  questionId: z.string(),
  text: z.string(),
  followUpTo: z.string().nullable(),
  type: z.string(),
  difficulty: z.string(),
  area: z.string(),
  areaLabel: z.string(),
});

export const SessionViewSchema = z.object({
  id: z.string(),
  status: SessionStatus,
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  filters: SessionFilters,
  answeredSteps: z.number().int(),
  totalSteps: z.number().int(),
  current: QuestionViewSchema.nullable(),
  canRetry: z.boolean(),
});

export const TurnViewSchema = z.object({
  id: z.string(),
  sessionId: z.string(),
  seq: z.number().int(),
  step: z.number().int(),
  questionId: z.string(),
  kind: z.enum(['main', 'follow-up']),
  question: z.string(),
  answer: z.string(),
  attempt: z.number().int(),
  retryOf: z.string().nullable(),
  status: TurnStatus,
  grade: Grade.nullable(),
  failure: z.object({ reason: TurnFailureReason, detail: z.string() }).nullable(),
  gradingRuns: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  gradedAt: z.string().nullable(),
  asked: QuestionViewSchema.nullable(),
  reference: z.object({ answer: z.string(), explanation: z.string().nullable() }).nullable(),
  grading: z.boolean(),
});

export const SessionSummarySchema = z.object({
  graded: z.number().int(),
  ungraded: z.array(z.object({ turnId: z.string(), questionId: z.string(), status: TurnStatus })),
  retries: z.number().int(),
  meanScore: z.number().nullable(),
  level: LevelLabel.nullable(),
  byArea: z.array(z.object({ area: z.string(), label: z.string(), graded: z.number().int(), meanScore: z.number(), level: LevelLabel })),
  strongAreas: z.array(z.string()),
  weakAreas: z.array(z.string()),
  missedKeyPoints: z.array(
    z.object({
      questionId: z.string(),
      question: z.string(),
      keyPointId: z.string(),
      statement: z.string(),
      missed: z.number().int(),
      partial: z.number().int(),
    }),
  ),
});

export const StartedSessionSchema = z.object({ session: SessionViewSchema, question: QuestionViewSchema });
export const AnswerResultSchema = z.object({
  turn: TurnViewSchema,
  next: QuestionViewSchema.nullable(),
  session: SessionViewSchema,
  summary: SessionSummarySchema.nullable(),
});
export const TranscriptSchema = z.object({ session: SessionViewSchema, turns: z.array(TurnViewSchema), summary: SessionSummarySchema });
export const RegradeResultSchema = z.object({ turn: TurnViewSchema, session: SessionViewSchema, summary: SessionSummarySchema.nullable() });

// Compile-time: each schema's type and the object the service builds must be assignable both ways.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const same = <T extends true>(_: T) => undefined;
same<Same<z.infer<typeof QuestionViewSchema>, QuestionView>>(true);
same<Same<z.infer<typeof SessionViewSchema>, SessionView>>(true);
same<Same<z.infer<typeof TurnViewSchema>, TurnView>>(true);
same<Same<z.infer<typeof SessionSummarySchema>, SessionSummary>>(true);
same<Same<z.infer<typeof AnswerResultSchema>, AnswerResult>>(true);
