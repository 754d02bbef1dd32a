import { z } from 'zod';
import { SessionMode } from '../store/sessions-repo.js';

/** The practice API's responses, schema first (see view-schemas.ts for the session API's). */
export const CandidateProfileSchema = z
  .object({
    candidateId: z.string(),
    sessions: z.array(
      z.object({
        id: z.string(),
        startedAt: z.string(),
        finishedAt: z.string().nullable(),
        mode: SessionMode,
        topic: z.string().nullable().meta({ description: 'The topic filter the session was started with, or null for any' }),
        meanScore: z.number().nullable().meta({ description: 'Mean of the newest graded attempt of each answered question; null with none graded' }),
        answers: z.number().int().meta({ description: 'Answers given, retries and adaptive follow-ups included' }),
      }),
    ),
    topics: z.array(
      z.object({
        area: z.string(),
        label: z.string(),
        attempts: z.number().int().meta({ description: 'Graded answers in this topic, retries included' }),
        meanLatest: z.number().nullable().meta({ description: 'Mean over the questions of this topic of each one\'s latest graded score' }),
        points: z.array(z.object({ at: z.string(), score: z.number(), sessionId: z.string() })).meta({ description: 'Every graded answer, oldest first: the scores over time' }),
      }),
    ),
    keyPoints: z
      .array(
        z.object({
          questionId: z.string(),
          keyPointId: z.string(),
          statement: z.string(),
          missed: z.number().int().meta({ description: 'Graded answers that missed or only partly made it' }),
          lastSeen: z.string().meta({ description: 'When it was last missed or partly made' }),
        }),
      )
      .meta({ description: 'Key points missed at least once, most missed first' }),
    review: z.object({
      due: z.number().int().meta({ description: 'Questions due for review now' }),
      nextDueAt: z.string().nullable().meta({ description: 'When the next question not yet due falls due, or null' }),
    }),
  })
  .meta({ description: 'A candidate\'s practice history: sessions, progress per topic and per key point, and the review schedule' });
export type CandidateProfile = z.infer<typeof CandidateProfileSchema>;

export const HintSchema = z.object({
  hint: z.object({
    keyPointId: z.string(),
    topic: z.string().meta({ description: 'What one key point is about, without saying it' }),
  }),
});
export const RevealSchema = z.object({ reference: z.object({ answer: z.string(), explanation: z.string().nullable() }) });
export const FacetsSchema = z
  .object({
    areas: z.array(z.object({ area: z.string(), label: z.string() })),
    types: z.array(z.string()),
    difficulties: z.array(z.string()),
  })
  .meta({ description: 'The filter values that exist in the bank: only these match a question' });
