import { z } from 'zod';
import { Difficulty, QuestionType } from '../bank/schema.js';
import { SessionMode } from '../store/sessions-repo.js';

/** Shortest and longest time limit per question a mock interview may set. */
export const MOCK_LIMIT_SECONDS = { min: 30, max: 3600 } as const;

/** The random id a browser keeps for its practice profile: the only key to that candidate's history. */
export const CandidateId = z.uuid({ error: 'must be a UUID, as crypto.randomUUID() makes' }).meta({ description: 'The practice profile\'s id: a random UUID the browser keeps; the only key to its history' });

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
  candidateId: CandidateId.optional(),
  mode: SessionMode.optional().meta({ description: '`practice` (default), `review` (due questions of the spaced-review schedule; needs `candidateId`) or `mock` (timed, no model answer or retry until the end)' }),
  timeLimitSeconds: z
    .number({ error: 'must be a whole number of seconds' })
    .int('must be a whole number of seconds')
    .min(MOCK_LIMIT_SECONDS.min, `must be at least ${MOCK_LIMIT_SECONDS.min}`)
    .max(MOCK_LIMIT_SECONDS.max, `must be at most ${MOCK_LIMIT_SECONDS.max}`)
    .optional()
    .meta({ description: 'Mock interviews only: seconds per question (default `MOCK_SECONDS_PER_QUESTION`)' }),
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
  adaptive: z
    .boolean({ error: 'must be true or false' })
    .optional()
    .meta({ description: "Answer the adaptive follow-up of the newest graded answer, graded against the key point it probes; the session does not move on" }),
});
export type AnswerRequest = z.infer<typeof AnswerRequest>;
