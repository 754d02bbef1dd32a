import { z } from 'zod';
import { Difficulty, QuestionType } from '../bank/schema.js';

/** Most questions one session asks; the bank is small and a session is meant to take minutes, not hours. */
export const MAX_SESSION_QUESTIONS = 20;
/** Questions asked when the request gives no `count`. */
export const DEFAULT_SESSION_QUESTIONS = 3;

/** `POST /api/sessions`: every field optional; `topic` matches a question's topic or its area. */
export const StartSessionRequest = z.strictObject({
  topic: z.string().trim().min(1, 'must not be empty').optional(),
  type: QuestionType.optional(),
  difficulty: Difficulty.optional(),
  count: z
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(MAX_SESSION_QUESTIONS, `must be at most ${MAX_SESSION_QUESTIONS}`)
    .optional(),
});
export type StartSessionRequest = z.infer<typeof StartSessionRequest>;

/**
 * `POST /api/sessions/:id/answers`. With `retry: true` the answer is a new attempt at the question answered
 * last, and the session does not move on.
 */
export const AnswerRequest = z.strictObject({
  answer: z
    .string({ error: 'must be a string' })
    .refine((s) => s.trim().length > 0, 'must not be empty or whitespace only'),
  retry: z.boolean({ error: 'must be true or false' }).optional(),
});
export type AnswerRequest = z.infer<typeof AnswerRequest>;
