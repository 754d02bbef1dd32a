import { z } from 'zod';
import { LevelLabel } from '../grading/grade-schema.js';
import { SessionFilters, SessionMode, SessionStatus } from '../store/sessions-repo.js';
import { TurnRecordSchema, TurnStatus } from '../store/turns-repo.js';

/**
 * The session API's responses, schema first: the view functions and the service build values of these
 * types (`z.infer`), and the OpenAPI document shows the descriptions.
 */
export const QuestionViewSchema = z
  .object({
    step: z.number().int().meta({ description: '0-based step of the session: each main question and each follow-up is one step' }),
    number: z.number().int().meta({ description: '1-based number of the main question this step belongs to, out of `total`' }),
    total: z.number().int().meta({ description: 'Main questions in the session' }),
    kind: z.enum(['main', 'follow-up']),
    questionId: z.string().meta({ description: 'Gradable id: `data-drift` or `data-drift.follow-up`' }),
    text: z.string(),
    followUpTo: z.string().nullable().meta({ description: 'For a follow-up, the main question it follows; null for a main question' }),
    type: z.string(),
    difficulty: z.string(),
    area: z.string(),
    areaLabel: z.string(),
  })
  .meta({ description: 'The question a candidate is asked at one step of a session' });
export type QuestionView = z.infer<typeof QuestionViewSchema>;

export const SessionViewSchema = z
  .object({
    id: z.string(),
    status: SessionStatus,
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
    filters: SessionFilters,
    answeredSteps: z.number().int().meta({ description: 'Steps answered (each main question and each follow-up is one step) out of `totalSteps`' }),
    totalSteps: z.number().int(),
    current: QuestionViewSchema.nullable().meta({ description: 'The question to answer now; null once the session is finished' }),
    canRetry: z.boolean().meta({
      description: 'Whether `{ retry: true }` is accepted now: practice and review once something was answered (after the last question too); a mock interview only once finished',
    }),
    mode: SessionMode,
    candidateId: z.string().nullable().meta({ description: 'The practice profile the session belongs to, or null' }),
    timeLimitSeconds: z.number().int().nullable().meta({ description: 'Mock interviews: seconds per question; null otherwise' }),
    askedAt: z.string().meta({ description: 'ISO time the current question was presented (the session start, then the return of each grade); a countdown runs from it' }),
    revealReference: z.boolean().meta({ description: 'Whether model answers may be shown now: false in a mock interview until it is finished' }),
  })
  .meta({ description: 'A session as clients see it: progress, the question to answer now, and whether a retry is possible' });
export type SessionView = z.infer<typeof SessionViewSchema>;

export const AdviceSchema = z
  .object({
    keyPointId: z.string(),
    status: z.enum(['missed', 'partial']),
    nextLevel: z.number().int().min(2).max(5).meta({ description: 'The level the answer reaches next by adding this point' }),
    text: z.string().meta({ description: '"To reach <level label>: <what to add>", in plain words' }),
  })
  .meta({ description: 'What to add to the answer: one line per missed or partly made key point' });
export type Advice = z.infer<typeof AdviceSchema>;

export const TurnViewSchema = TurnRecordSchema.extend({
  asked: QuestionViewSchema.nullable().meta({ description: 'How the question was presented' }),
  reference: z
    .object({ answer: z.string(), explanation: z.string().nullable() })
    .nullable()
    .meta({ description: 'The model answer: null in a mock interview until it is finished; `POST /api/turns/{id}/reveal` records that it was viewed' }),
  advice: z.array(AdviceSchema).meta({ description: 'What to add to reach the next level, per missed or partial key point; empty when ungraded or all covered' }),
  grading: z.boolean().meta({ description: 'Being graded now; a `pending` turn that is not was interrupted and can be regraded' }),
}).meta({ description: 'A turn as clients see it: the stored record, how the question was asked, and the model answer' });
export type TurnView = z.infer<typeof TurnViewSchema>;

export const AreaSummarySchema = z.object({ area: z.string(), label: z.string(), graded: z.number().int(), meanScore: z.number(), level: LevelLabel });
export type AreaSummary = z.infer<typeof AreaSummarySchema>;

export const MissedKeyPointSchema = z.object({
  questionId: z.string(),
  question: z.string(),
  keyPointId: z.string(),
  statement: z.string(),
  missed: z.number().int().meta({ description: 'Questions whose newest graded attempt missed the point' }),
  partial: z.number().int().meta({ description: 'Questions whose newest graded attempt made the point only partly' }),
});
export type MissedKeyPoint = z.infer<typeof MissedKeyPointSchema>;

export const QuestionRowSchema = z
  .object({
    questionId: z.string(),
    question: z.string(),
    kind: z.enum(['main', 'follow-up', 'adaptive']).meta({ description: '`adaptive`: an answer to the judge\'s own follow-up, listed but left out of the mean' }),
    score: z.number().nullable().meta({ description: 'Score of the newest graded attempt; null when none is graded' }),
    attempts: z.number().int(),
    hintUsed: z.boolean(),
    modelAnswerViewedBeforeRetry: z.boolean().meta({ description: 'The model answer was revealed on an attempt that was then retried' }),
    timeSpentMs: z.number().int().nullable().meta({ description: 'Time spent on the newest attempt' }),
    overTime: z.boolean().meta({ description: 'Mock interviews: an attempt arrived after the time limit' }),
  })
  .meta({ description: 'One row per question asked in the session' });
export type QuestionRow = z.infer<typeof QuestionRowSchema>;

export const SessionSummarySchema = z
  .object({
    questions: z.array(QuestionRowSchema),
    graded: z.number().int().meta({ description: 'Steps that count: the newest graded attempt of each answered step' }),
    ungraded: z
      .array(z.object({ turnId: z.string(), questionId: z.string(), status: TurnStatus }))
      .meta({ description: 'Steps whose newest attempt is not graded (failed or pending): left out of every score' }),
    retries: z.number().int(),
    meanScore: z.number().nullable(),
    level: LevelLabel.nullable(),
    byArea: z.array(AreaSummarySchema),
    strongAreas: z.array(z.string()).meta({ description: 'Topics with a mean of at least 3.5 and no answer at 2 or below' }),
    weakAreas: z.array(z.string()).meta({ description: 'Topics with an answer at 2 or below, or a mean under 3' }),
    missedKeyPoints: z.array(MissedKeyPointSchema).meta({ description: 'Key points missed or partly made, counted over the newest graded attempt of each question only' }),
  })
  .meta({ description: 'The session so far: each step counts once, by its newest graded attempt' });
export type SessionSummary = z.infer<typeof SessionSummarySchema>;

export const StartedSessionSchema = z.object({ session: SessionViewSchema, question: QuestionViewSchema });
export const AnswerResultSchema = z.object({
  turn: TurnViewSchema,
  next: QuestionViewSchema.nullable().meta({ description: 'The question to answer next (the same one after a retry), or null when the session is finished' }),
  session: SessionViewSchema,
  summary: SessionSummarySchema.nullable().meta({ description: 'Present once the session is finished' }),
});
export type AnswerResult = z.infer<typeof AnswerResultSchema>;
export const TranscriptSchema = z.object({ session: SessionViewSchema, turns: z.array(TurnViewSchema), summary: SessionSummarySchema });
export const RegradeResultSchema = z.object({ turn: TurnViewSchema, session: SessionViewSchema, summary: SessionSummarySchema.nullable() });
