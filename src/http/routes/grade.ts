import { Hono } from 'hono';
import { PayloadTooLargeError } from '../../errors.js';
import type { GradeFn } from '../../grading/grade.js';
import { AdHocGradeRequest, BankGradeRequest, MAX_ANSWER_CHARS } from '../../grading/grade-schema.js';
import { unscoredGradeError } from '../unscored-grade.js';
import { jsonBody, parseWith } from '../validate.js';

/** Refuse an over-long answer with 413 before spending any judge time on it. */
export function assertAnswerLength(body: unknown): void {
  if (typeof body === 'object' && body !== null && 'answer' in body) {
    const { answer } = body;
    if (typeof answer === 'string' && answer.length > MAX_ANSWER_CHARS) {
      throw new PayloadTooLargeError('answer', MAX_ANSWER_CHARS, answer.length);
    }
  }
}

export function gradeRoutes(grade: GradeFn) {
  return new Hono().post('/', async (c) => {
    const body = await jsonBody(c);
    assertAnswerLength(body);
    // Pick the request shape first, so errors name the fields of the shape the client meant.
    const isBank = typeof body === 'object' && body !== null && 'questionId' in body;
    const request = isBank ? parseWith(BankGradeRequest, body) : parseWith(AdHocGradeRequest, body);
    const g = await grade(request, { signal: c.req.raw.signal });
    if (g.unscored) throw unscoredGradeError(g);
    return c.json(g);
  });
}
