import { Hono } from 'hono';
import type { RouteGuard } from '../security.js';
import { z } from 'zod';
import { AnswerRequest, StartSessionRequest } from '../../sessions/schemas.js';
import type { SessionService } from '../../sessions/session-service.js';
import { AnswerResultSchema, StartedSessionSchema, TranscriptSchema } from '../../sessions/view-schemas.js';
import type { RouteSpec } from '../openapi/route-spec.js';
import { commonErrors, ErrorBody } from '../schemas.js';
import { ACCEPT_RETRY_DELAYS_MS, retryWhileBusy } from '../../store/busy-retry.js';
import { jsonOnly } from '../middleware/json-only.js';
import { parseWith, untrustedJsonBody } from '../validate.js';
import { assertAnswerLength, inputFlagsOf } from './grade.js';

/**
 * `/api/sessions`: start a session, answer its questions, read its transcript and summary.
 * A judge failure is not an HTTP error here: the answer is stored, and the 200 carries the turn with
 * `status: "failed"` and the reason, so the client can offer `POST /api/turns/:id/regrade`.
 */
export function sessionRoutes(sessions: SessionService, guard: RouteGuard) {
  // The session API is what the chat page calls: its token is enough here.
  const read = guard({ rate: 'read', page: true });
  return new Hono()
    // An empty body means "no filters": a plain `curl -X POST` starts a default session.
    .post('/', read, jsonOnly({ allowEmpty: true }), async (c) => {
      const { value } = await untrustedJsonBody(c, {});
      const request = parseWith(StartSessionRequest, value);
      return c.json(await retryWhileBusy(() => sessions.start(request), ACCEPT_RETRY_DELAYS_MS), 201);
    })
    .get('/:id', read, async (c) => c.json(await sessions.get(c.req.param('id'))))
    .post('/:id/answers', guard({ rate: 'grading', page: true }), jsonOnly(), async (c) => {
      const { value: body, cleaned } = await untrustedJsonBody(c);
      assertAnswerLength(body);
      // The request's abort signal is deliberately not passed on: the answer is already stored, and a
      // grade finished after the client left is still there when it comes back.
      return c.json(await sessions.answer(c.req.param('id'), parseWith(AnswerRequest, body), { inputFlags: inputFlagsOf(cleaned) }));
    })
    // Any other path under /api/sessions: a read the page may make (then a 404).
    .use('*', read);
}


const SessionId = z.object({ id: z.string() });
const notFound = { description: 'No such session', schema: ErrorBody };

export const sessionSpecs: RouteSpec[] = [
  {
    method: 'post',
    path: '/api/sessions',
    tag: 'sessions',
    summary: 'Start an interview session',
    description: 'Every field is optional; `topic` matches a question\'s topic or area. An empty body starts a default session.',
    body: StartSessionRequest,
    secured: true,
    responses: { 201: { description: 'The session and its first question', schema: StartedSessionSchema }, ...commonErrors },
  },
  {
    method: 'get',
    path: '/api/sessions/{id}',
    tag: 'sessions',
    summary: 'Transcript and summary of a session',
    params: SessionId,
    secured: true,
    responses: { 200: { description: 'The session, every turn with its grade, and the summary', schema: TranscriptSchema }, 401: commonErrors[401], 404: notFound, 429: commonErrors[429] },
  },
  {
    method: 'post',
    path: '/api/sessions/{id}/answers',
    tag: 'sessions',
    summary: 'Answer the current question (or retry the last one)',
    description:
      'The answer is stored before it is graded. A judge failure is not an HTTP error: the 200 carries the turn with `status: "failed"` and the reason, and `POST /api/turns/{id}/regrade` grades it later. When the grading queue is full the answer is stored and not graded: `failure.reason` is `overloaded`.',
    params: SessionId,
    body: AnswerRequest,
    secured: true,
    responses: {
      200: { description: 'The graded (or failed) turn and what comes next', schema: AnswerResultSchema },
      ...commonErrors,
      404: notFound,
      409: { description: 'The session is finished, or there is nothing to retry', schema: ErrorBody },
      503: {
        description: 'The database is locked by another process (`database_busy`); when the answer was already stored, `turnId` says which turn to regrade',
        schema: ErrorBody.extend({ turnId: z.string().optional() }),
        headers: ['Retry-After'],
      },
    },
  },
];
