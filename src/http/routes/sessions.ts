import { Hono } from 'hono';
import type { RouteGuard } from '../security.js';
import { z } from 'zod';
import { AnswerRequest, StartSessionRequest } from '../../sessions/schemas.js';
import type { SessionService } from '../../sessions/session-service.js';
import type { PracticeService } from '../../sessions/practice-service.js';
import { HintSchema } from '../../sessions/profile-schemas.js';
import { AnswerResultSchema, StartedSessionSchema, TranscriptSchema } from '../../sessions/view-schemas.js';
import { describeRoute, type RouteSpec } from '../openapi/route-spec.js';
import { commonErrors, ErrorBody } from '../schemas.js';
import { jsonOnly } from '../middleware/json-only.js';
import { parseWith, untrustedJsonBody } from '../validate.js';
import { assertAnswerLength, inputFlagsOf } from './grade.js';

const SessionId = z.object({ id: z.string() });
const notFound = { description: 'No such session', schema: ErrorBody };

const startSpec: RouteSpec = {
  tag: 'sessions',
  summary: 'Start an interview session',
  description: 'Every field is optional; `topic` matches a question\'s topic or area. An empty body starts a default session.',
  body: StartSessionRequest,
  responses: {
    201: { description: 'The session and its first question', schema: StartedSessionSchema },
    ...commonErrors,
    409: { description: '`nothing_due`: a review with no question due; `details.nextDueAt` says when the next one is (or null)', schema: ErrorBody.extend({ details: z.object({ nextDueAt: z.string().nullable() }).optional() }) },
  },
};

const transcriptSpec: RouteSpec = {
  tag: 'sessions',
  summary: 'Transcript and summary of a session',
  params: SessionId,
  responses: { 200: { description: 'The session, every turn with its grade, and the summary', schema: TranscriptSchema }, 401: commonErrors[401], 404: notFound, 429: commonErrors[429] },
};

const answerSpec: RouteSpec = {
  tag: 'sessions',
  summary: 'Answer the current question (or retry the last one)',
  description:
    'The answer is stored before it is graded. A judge failure is not an HTTP error: the 200 carries the turn with `status: "failed"` and the reason, and `POST /api/turns/{id}/regrade` grades it later. When the grading queue is full the answer is stored and not graded: `failure.reason` is `overloaded`.',
  params: SessionId,
  body: AnswerRequest,
  responses: {
    200: { description: 'The graded (or failed) turn and what comes next', schema: AnswerResultSchema },
    ...commonErrors,
    404: notFound,
    409: { description: 'The session is finished, there is nothing to retry (a mock interview: not before the end), or no adaptive follow-up to answer (`adaptive`)', schema: ErrorBody },
    503: {
      description: 'The database is locked by another process (`database_busy`); when the answer was already stored, `turnId` says which turn to regrade',
      schema: ErrorBody.extend({ turnId: z.string().optional() }),
      headers: ['Retry-After'],
    },
  },
};

const hintSpec: RouteSpec = {
  tag: 'sessions',
  summary: 'A hint for the current question',
  description: 'One key point\'s topic, without its answer. The same hint on every call for a question; the next answer is marked `hintUsed`.',
  params: SessionId,
  responses: { 200: { description: 'The hint', schema: HintSchema }, 401: commonErrors[401], 403: commonErrors[403], 404: notFound, 409: { description: 'The session is finished', schema: ErrorBody }, 415: commonErrors[415], 429: commonErrors[429] },
};

const exportSpec: RouteSpec = {
  tag: 'sessions',
  summary: 'The transcript as Markdown',
  description: 'Questions, answers, grades with their evidence, advice and model answers (a mock interview: once finished), then the summary.',
  params: SessionId,
  responses: { 200: { description: 'A Markdown file', schema: z.string(), contentType: 'text/markdown' }, 401: commonErrors[401], 404: notFound, 429: commonErrors[429] },
};

/**
 * `/api/sessions`: start a session, answer its questions, read its transcript and summary.
 * A judge failure is not an HTTP error here: the answer is stored, and the 200 carries the turn with
 * `status: "failed"` and the reason, so the client can offer `POST /api/turns/:id/regrade`.
 */
export function sessionRoutes(sessions: SessionService, practice: PracticeService, guard: RouteGuard) {
  // The session API is what the chat page calls: its token is enough here.
  const read = guard({ rate: 'read', page: true });
  return new Hono()
    // An empty body means "no filters": a plain `curl -X POST` starts a default session.
    .post('/', describeRoute(startSpec), read, jsonOnly({ allowEmpty: true }), async (c) => {
      const { value } = await untrustedJsonBody(c, {});
      const request = parseWith(StartSessionRequest, value);
      return c.json(await sessions.start(request), 201);
    })
    .get('/:id', describeRoute(transcriptSpec), read, async (c) => c.json(await sessions.get(c.req.param('id'))))
    .post('/:id/answers', describeRoute(answerSpec), guard({ rate: 'grading', page: true }), jsonOnly(), async (c) => {
      const { value: body, cleaned } = await untrustedJsonBody(c);
      assertAnswerLength(body);
      // The request's abort signal is deliberately not passed on: the answer is already stored, and a
      // grade finished after the client left is still there when it comes back.
      return c.json(await sessions.answer(c.req.param('id'), parseWith(AnswerRequest, body), { inputFlags: inputFlagsOf(cleaned) }));
    })
    // Counted on the session, so it is not a plain read; no body is read.
    .post('/:id/hint', describeRoute(hintSpec), read, jsonOnly({ allowEmpty: true }), async (c) => c.json(await practice.hint(c.req.param('id'))))
    .get('/:id/export', describeRoute(exportSpec), read, async (c) => {
      const id = c.req.param('id');
      const markdown = await practice.exportMarkdown(id);
      return c.body(markdown, 200, {
        'content-type': 'text/markdown; charset=utf-8',
        // The id is a UUID of ours, but anything else is kept out of the header.
        'content-disposition': `attachment; filename="session-${id.replace(/[^A-Za-z0-9-]/g, '')}.md"`,
      });
    })
    // Any other path under /api/sessions: a read the page may make (then a 404).
    .use('*', read);
}
