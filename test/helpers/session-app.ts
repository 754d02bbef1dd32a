import { createGrader } from '../../src/grading/grade.js';
import type { Grade } from '../../src/grading/grade-schema.js';
import { createApp } from '../../src/http/app.js';
import { createEmbeddedJudge } from '../../src/judge/embedded/embedded-judge.js';
import type { Judge } from '../../src/judge/judge.js';
import { seededRandom } from '../../src/sessions/plan.js';
import { createStore, type Store } from '../../src/store/store.js';
import { bank, postJson } from './app.js';

/** The app with a store (in memory unless a store is given) and a judge of the test's choice. */
export function sessionApp(options: { judge?: Judge; store?: Store; seed?: number } = {}) {
  const judge = options.judge ?? createEmbeddedJudge();
  const store = options.store ?? createStore({ path: ':memory:' });
  const grade = createGrader({ bank, judge });
  const errors: unknown[] = [];
  const app = createApp({ bank, grade, judge, store, random: seededRandom(options.seed ?? 1), logError: (e) => errors.push(e) });
  return { app, store, judge, errors };
}
type AppLike = ReturnType<typeof sessionApp>['app'];

export interface QuestionJson {
  step: number;
  number: number;
  total: number;
  kind: 'main' | 'follow-up';
  questionId: string;
  text: string;
  followUpTo: string | null;
  type: string;
  difficulty: string;
  area: string;
}
export interface SessionJson {
  id: string;
  status: 'active' | 'finished';
  answeredSteps: number;
  totalSteps: number;
  current: QuestionJson | null;
  canRetry: boolean;
  filters: { topic: string | null; type: string | null; difficulty: string | null; count: number };
}
export interface TurnJson {
  id: string;
  sessionId: string;
  seq: number;
  step: number;
  questionId: string;
  kind: 'main' | 'follow-up';
  question: string;
  answer: string;
  attempt: number;
  retryOf: string | null;
  status: 'pending' | 'graded' | 'failed';
  grade: Grade | null;
  failure: { reason: string; detail: string } | null;
  grading: boolean;
  reference: { answer: string; explanation: string | null } | null;
  asked: QuestionJson | null;
}
export interface SummaryJson {
  graded: number;
  ungraded: { turnId: string; questionId: string; status: string }[];
  retries: number;
  meanScore: number | null;
  level: string | null;
  byArea: { area: string; label: string; graded: number; meanScore: number; level: string }[];
  strongAreas: string[];
  weakAreas: string[];
  missedKeyPoints: { questionId: string; keyPointId: string; statement: string; missed: number; partial: number }[];
}
export interface AnswerJson {
  turn: TurnJson;
  next: QuestionJson | null;
  session: SessionJson;
  summary: SummaryJson | null;
}

export async function startSession(app: AppLike, body: unknown = {}) {
  const res = await postJson(app, '/api/sessions', body);
  if (res.status !== 201) throw new Error(`start session: ${res.status} ${await res.text()}`);
  return (await res.json()) as { session: SessionJson; question: QuestionJson };
}

export async function answer(app: AppLike, sessionId: string, body: unknown) {
  const res = await postJson(app, `/api/sessions/${sessionId}/answers`, body);
  if (res.status !== 200) throw new Error(`answer: ${res.status} ${await res.text()}`);
  return (await res.json()) as AnswerJson;
}

/** A strong answer to a step: the bank's own reference answer for it. */
export function goodAnswer(questionId: string): string {
  const g = bank.gradable(questionId);
  if (!g) throw new Error(`no question ${questionId}`);
  return g.referenceAnswer;
}
