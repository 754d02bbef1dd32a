import { Hono } from 'hono';
import type { RouteGuard } from '../security.js';
import { z } from 'zod';
import { RegradeResultSchema, TurnViewSchema } from '../../sessions/view-schemas.js';
import type { RouteSpec } from '../openapi/route-spec.js';
import { commonErrors, ErrorBody } from '../schemas.js';
import type { SessionService } from '../../sessions/session-service.js';
import { jsonOnly } from '../middleware/json-only.js';

/** `/api/turns`: read one answered turn, or grade a pending or failed one again. */
export function turnRoutes(sessions: SessionService, guard: RouteGuard) {
  const read = guard({ rate: 'read', page: true });
  return new Hono()
    .get('/:id', read, async (c) => c.json(await sessions.turn(c.req.param('id'))))
    // No body is read; one that is sent must still be JSON, like every POST of the API.
    .post('/:id/regrade', guard({ rate: 'grading', page: true }), jsonOnly({ allowEmpty: true }), async (c) => c.json(await sessions.regrade(c.req.param('id'))))
    // Any other path under /api/turns: a read the page may make (then a 404).
    .use('*', read);
}

const TurnId = z.object({ id: z.string() });

export const turnSpecs: RouteSpec[] = [
  {
    method: 'get',
    path: '/api/turns/{id}',
    tag: 'sessions',
    summary: 'One answered turn',
    params: TurnId,
    secured: true,
    responses: { 200: { description: 'The turn', schema: TurnViewSchema }, 401: commonErrors[401], 404: { description: 'No such turn', schema: ErrorBody }, 429: commonErrors[429] },
  },
  {
    method: 'post',
    path: '/api/turns/{id}/regrade',
    tag: 'sessions',
    summary: 'Grade a pending or failed turn again',
    description:
      'Like an answer, a failed grading is reported in the 200: `turn.status` is `failed` with the reason (`overloaded` when the grading queue is full).',
    params: TurnId,
    secured: true,
    responses: {
      200: { description: 'The turn, graded or failed again', schema: RegradeResultSchema },
      401: commonErrors[401],
      404: { description: 'No such turn', schema: ErrorBody },
      403: commonErrors[403],
      409: { description: 'The turn is already graded, or being graded now', schema: ErrorBody },
      415: commonErrors[415],
      429: commonErrors[429],
    },
  },
];
