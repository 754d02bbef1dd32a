import type { z } from 'zod';
import type { Judge } from '../../src/judge/judge.js';
import { seededRandom } from '../../src/sessions/plan.js';
import {
  AnswerResultSchema,
  type QuestionViewSchema,
  type SessionSummarySchema,
  type SessionViewSchema,
  StartedSessionSchema,
  type TurnViewSchema,
} from '../../src/sessions/view-schemas.js';
import type { Store } from '../../src/store/store.js';
import { bank, postJson, testCoach } from './app.js';

/** The app with a store (in memory unless a store is given) and a judge of the test's choice. */
export function sessionApp(options: { judge?: Judge; store?: Store; seed?: number } = {}) {
  const coach = testCoach({}, {
    random: seededRandom(options.seed ?? 1),
    ...(options.judge ? { judge: options.judge } : {}),
    ...(options.store ? { store: options.store } : {}),
  });
  return { app: coach.app, store: coach.store, judge: coach.judge, errors: coach.errors };
}
type AppLike = ReturnType<typeof sessionApp>['app'];

// The API's own response schemas: every session test checks the responses it reads against them.
export type QuestionJson = z.infer<typeof QuestionViewSchema>;
export type SessionJson = z.infer<typeof SessionViewSchema>;
export type TurnJson = z.infer<typeof TurnViewSchema>;
export type SummaryJson = z.infer<typeof SessionSummarySchema>;
export type AnswerJson = z.infer<typeof AnswerResultSchema>;

export async function startSession(app: AppLike, body: unknown = {}) {
  const res = await postJson(app, '/api/sessions', body);
  if (res.status !== 201) throw new Error(`start session: ${res.status} ${await res.text()}`);
  return StartedSessionSchema.parse(await res.json());
}

export async function answer(app: AppLike, sessionId: string, body: unknown) {
  const res = await postJson(app, `/api/sessions/${sessionId}/answers`, body);
  if (res.status !== 200) throw new Error(`answer: ${res.status} ${await res.text()}`);
  return AnswerResultSchema.parse(await res.json());
}

/** A strong answer to a step: the bank's own reference answer for it. */
export function goodAnswer(questionId: string): string {
  const g = bank.gradable(questionId);
  if (!g) throw new Error(`no question ${questionId}`);
  return g.referenceAnswer;
}
