import { Hono } from 'hono';
import type { RouteGuard } from '../security.js';
import { z } from 'zod';
import { RegradeResultSchema, TurnViewSchema } from '../../sessions/view-schemas.js';
import { describeRoute, type RouteSpec } from '../openapi/route-spec.js';
import { commonErrors, ErrorBody } from '../schemas.js';
import type { SessionService } from '../../sessions/session-service.js';
import type { PracticeService } from '../../sessions/practice-service.js';
import { RevealSchema } from '../../sessions/profile-schemas.js';
import { jsonOnly } from '../middleware/json-only.js';

const TurnId = z.object({ id: z.string() });

const turnSpec: RouteSpec = {
  tag: 'sessions',
  summary: 'One answered turn',
  params: TurnId,
  responses: { 200: { description: 'The turn', schema: TurnViewSchema }, 401: commonErrors[401], 404: { description: 'No such turn', schema: ErrorBody }, 429: commonErrors[429] },
};

const regradeSpec: RouteSpec = {
  tag: 'sessions',
  summary: 'Grade a pending or failed turn again',
  description:
    'Like an answer, a failed grading is reported in the 200: `turn.status` is `failed` with the reason (`overloaded` when the grading queue is full).',
  params: TurnId,
  responses: {
    200: { description: 'The turn, graded or failed again', schema: RegradeResultSchema },
    401: commonErrors[401],
    404: { description: 'No such turn', schema: ErrorBody },
    403: commonErrors[403],
    409: { description: 'The turn is already graded, or being graded now', schema: ErrorBody },
    415: commonErrors[415],
    429: commonErrors[429],
  },
};

const revealSpec: RouteSpec = {
  tag: 'sessions',
  summary: 'Show the model answer of a turn',
  description: 'Records that it was viewed (`modelAnswerViewed`), which the summary reports for a question retried after it.',
  params: TurnId,
  responses: {
    200: { description: 'The model answer', schema: RevealSchema },
    401: commonErrors[401],
    403: commonErrors[403],
    404: { description: 'No such turn', schema: ErrorBody },
    409: { description: 'A mock interview that is not finished', schema: ErrorBody },
    415: commonErrors[415],
    429: commonErrors[429],
  },
};

/** `/api/turns`: read one answered turn, or grade a pending or failed one again. */
export function turnRoutes(sessions: SessionService, practice: PracticeService, guard: RouteGuard) {
  const read = guard({ rate: 'read', page: true });
  return new Hono()
    .get('/:id', describeRoute(turnSpec), read, async (c) => c.json(await sessions.turn(c.req.param('id'))))
    // No body is read; one that is sent must still be JSON, like every POST of the API.
    .post('/:id/regrade', describeRoute(regradeSpec), guard({ rate: 'grading', page: true }), jsonOnly({ allowEmpty: true }), async (c) => c.json(await sessions.regrade(c.req.param('id'))))
    .post('/:id/reveal', describeRoute(revealSpec), read, jsonOnly({ allowEmpty: true }), async (c) => c.json(await practice.reveal(c.req.param('id'))))
    // Any other path under /api/turns: a read the page may make (then a 404).
    .use('*', read);
}
