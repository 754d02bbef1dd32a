/**
 * The shapes the chat client (src/web/static/*.js, checked with `// @ts-check`) reads from the API, taken
 * from the response schemas by `z.infer`: a change to a schema is a type error in the client.
 * Type-only: nothing here is loaded by the browser.
 */
import type { z } from 'zod';
import type { Grade, KeyPointResult } from '../grading/grade-schema.js';
import type { ErrorBody } from '../http/schemas.js';
import type { FacetsSchema, HintSchema, RevealSchema } from '../sessions/profile-schemas.js';
import type {
  Advice,
  AnswerResult,
  QuestionRow,
  QuestionView,
  RegradeResultSchema,
  SessionSummary,
  SessionView,
  StartedSessionSchema,
  TranscriptSchema,
  TurnView,
} from '../sessions/view-schemas.js';
import type { TurnFailureReason } from '../store/turns-repo.js';

export type { Advice, AnswerResult, Grade, KeyPointResult, QuestionRow, QuestionView, SessionSummary, SessionView, TurnFailureReason, TurnView };
export type ErrorBodyT = z.infer<typeof ErrorBody>;
export type Mode = SessionView['mode'];
export type Reference = NonNullable<TurnView['reference']>;
export type StartedSession = z.infer<typeof StartedSessionSchema>;
export type Transcript = z.infer<typeof TranscriptSchema>;
export type RegradeResult = z.infer<typeof RegradeResultSchema>;

export type Facets = z.infer<typeof FacetsSchema>;
export type Hint = z.infer<typeof HintSchema>;
export type Revealed = z.infer<typeof RevealSchema>;
