import { z } from 'zod';
import type { ResponseSpec } from './openapi/route-spec.js';
import { Difficulty, FollowUp, QuestionType, Rubric } from '../bank/schema.js';

/** Every error response of the API. */
export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.array(z.object({ field: z.string(), reason: z.string() })).optional(),
  }),
});

export const QuestionSummary = z.object({
  id: z.string(),
  title: z.string(),
  difficulty: Difficulty,
  type: QuestionType,
  topic: z.string(),
  area: z.string(),
  frequency: z.string(),
  tags: z.array(z.string()),
});

export const QuestionList = z.object({
  questions: z.array(QuestionSummary),
  areas: z.array(z.object({ id: z.string(), count: z.number().int() })),
});

const FollowUpRef = z.object({ id: z.string(), question: z.string() });

export const QuestionDetail = QuestionSummary.extend({
  followUp: FollowUpRef,
  seedAnswer: z.string().optional(),
  referenceAnswer: z.string().optional(),
  referenceSource: z.string().optional(),
  explanation: z.string().optional(),
  rubric: Rubric.optional(),
  followUpReference: FollowUp.pick({ referenceAnswer: true, referenceSource: true, rubric: true }).optional(),
});

export const Health = z.object({
  status: z.enum(['ok', 'degraded']).meta({ description: '`ok`, or `degraded` (with status 503) while the database cannot be reached' }),
  judge: z.object({ kind: z.string(), model: z.string(), promptVersion: z.string() }),
  questions: z.number().int(),
  database: z
    .object({
      kind: z.enum(['sqlite', 'postgres']),
      reachable: z.boolean().meta({ description: 'whether the database answered a trivial query within 2 s' }),
    })
    .meta({ description: 'Which database this instance uses (never its address or credentials), and whether it answers now' }),
});

/** Error responses most routes can give, for the OpenAPI document. */
export const commonErrors = {
  400: { description: 'Invalid request: each issue names the field and the reason', schema: ErrorBody },
  401: { description: 'API keys are configured and none (or a wrong one) was sent', schema: ErrorBody, headers: ['WWW-Authenticate'] },
  413: { description: 'Body over the size limit, or an answer over 8,000 characters', schema: ErrorBody },
  403: { description: 'Sent by a page of another site (`Origin` or `Sec-Fetch-Site`) that is not in CORS_ORIGINS', schema: ErrorBody },
  415: { description: 'The body is not sent as `application/json`', schema: ErrorBody },
  421: { description: 'The `Host` is not one this server is configured to serve (ALLOWED_HOSTS)', schema: ErrorBody },
  429: { description: 'Rate limit reached for this client, or too many failed authentications from its address', schema: ErrorBody, headers: ['Retry-After'] },
} satisfies Record<number, ResponseSpec>;
