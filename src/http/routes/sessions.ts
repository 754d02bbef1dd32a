import { Hono } from 'hono';
import { AnswerRequest, StartSessionRequest } from '../../sessions/schemas.js';
import type { SessionService } from '../../sessions/session-service.js';
import { jsonBody, parseWith } from '../validate.js';
import { assertAnswerLength } from './grade.js';

/**
 * `/api/sessions`: start a session, answer its questions, read its transcript and summary.
 * A judge failure is not an HTTP error here: the answer is stored, and the 200 carries the turn with
 * `status: "failed"` and the reason, so the client can offer `POST /api/turns/:id/regrade`.
 */
export function sessionRoutes(sessions: SessionService) {
  return new Hono()
    .post('/', async (c) => {
      // An empty body means "no filters": a plain `curl -X POST` starts a default session. Hono caches the
      // body text, so `jsonBody` can read it again.
      const body = (await c.req.text()).trim() ? await jsonBody(c) : {};
      return c.json(sessions.start(parseWith(StartSessionRequest, body)), 201);
    })
    .get('/:id', (c) => c.json(sessions.get(c.req.param('id'))))
    .post('/:id/answers', async (c) => {
      const body = await jsonBody(c);
      assertAnswerLength(body);
      // The request's abort signal is deliberately not passed on: the answer is already stored, and a
      // grade finished after the client left is still there when it comes back.
      return c.json(await sessions.answer(c.req.param('id'), parseWith(AnswerRequest, body)));
    });
}

