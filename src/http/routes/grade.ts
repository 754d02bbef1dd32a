import { Hono } from 'hono';
import { PayloadTooLargeError } from '../../errors.js';
import type { GradeFn } from '../../grading/grade.js';
import { AdHocGradeRequest, BankGradeRequest, MAX_ANSWER_CHARS } from '../../grading/grade-schema.js';
import { unscoredGradeError } from '../../grading/grade-failure.js';
import { z } from 'zod';
import { Grade } from '../../grading/grade-schema.js';
import { describeRoute, type RouteSpec } from '../openapi/route-spec.js';
import { commonErrors, ErrorBody } from '../schemas.js';
import { INVISIBLE_REMOVED_FLAG, codePointLength } from '../../text/untrusted-input.js';
import { jsonOnly } from '../middleware/json-only.js';
import type { RouteGuard } from '../security.js';
import { parseWith, untrustedJsonBody } from '../validate.js';

/** Refuse an over-long answer with 413 before spending any judge time on it; the limit is in code points. */
export function assertAnswerLength(body: unknown): void {
  if (typeof body === 'object' && body !== null && 'answer' in body) {
    const { answer } = body;
    const length = typeof answer === 'string' ? codePointLength(answer) : 0;
    if (length > MAX_ANSWER_CHARS) throw new PayloadTooLargeError('answer', MAX_ANSWER_CHARS, length);
  }
}

/** The grade's input flags for a cleaned body: one flag when any of its text lost invisible characters. */
export function inputFlagsOf(cleaned: readonly string[]): string[] {
  return cleaned.length > 0 ? [INVISIBLE_REMOVED_FLAG] : [];
}

/** An error that still carries the unscored grade, with the judge's raw replies, so nothing is lost. */
const UnscoredBody = ErrorBody.extend({ grade: Grade });

const gradeSpec: RouteSpec = {
  tag: 'grading',
  summary: 'Grade an answer',
  description:
    'Grade an answer to a bank question (`questionId`, a follow-up is `<id>.follow-up`) or to an ad-hoc question with its reference answer and optional rubric.',
  body: z.union([BankGradeRequest, AdHocGradeRequest]),
  responses: {
    200: { description: 'The grade', schema: Grade },
    ...commonErrors,
    404: { description: 'No such question in the bank', schema: ErrorBody },
    422: { description: 'The LLM judge refused to grade this answer; the unscored grade is in the body', schema: UnscoredBody },
    502: { description: 'The LLM judge gave no usable verdict (after one repair) or rejected the request', schema: UnscoredBody },
    503: {
      description:
        'The LLM provider is unavailable or timed out (`judge_unavailable`, the unscored grade is in the body), or the grade was refused before any LLM call because the grading queue is full or the server is shutting down (`overloaded`, no grade)',
      schema: ErrorBody.extend({ grade: Grade.optional() }),
      headers: ['Retry-After'],
    },
  },
};

export function gradeRoutes(grade: GradeFn, guard: RouteGuard) {
  // Direct grading spends judge time and stays for key holders, not the chat page.
  return new Hono().post('/', describeRoute(gradeSpec), guard({ rate: 'grading', page: false }), jsonOnly(), async (c) => {
    const { value: body, cleaned } = await untrustedJsonBody(c);
    assertAnswerLength(body);
    // Pick the request shape first, so errors name the fields of the shape the client meant.
    const isBank = typeof body === 'object' && body !== null && 'questionId' in body;
    const request = isBank ? parseWith(BankGradeRequest, body) : parseWith(AdHocGradeRequest, body);
    const g = await grade(request, { signal: c.req.raw.signal, inputFlags: inputFlagsOf(cleaned) });
    if (g.unscored) throw unscoredGradeError(g);
    return c.json(g);
  });
}
