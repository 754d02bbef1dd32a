import { createBankIndex } from '../../src/bank/bank-index.js';
import { loadBank } from '../../src/bank/load-bank.js';
import { createGrader } from '../../src/grading/grade.js';
import { createApp } from '../../src/http/app.js';
import { composeServing } from '../../src/experiments/serving.js';
import { createEmbeddedJudge } from '../../src/judge/embedded/embedded-judge.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { seededRandom } from '../../src/sessions/plan.js';
import { createStore } from '../../src/store/store.js';

export const bank = createBankIndex(loadBank());

/** The app as `main.ts` wires it with the embedded judge, plus a log of unexpected errors. */
export function testApp() {
  const judge = createEmbeddedJudge();
  const grade = createGrader({ bank, judge });
  const errors: unknown[] = [];
  const store = createStore({ path: ':memory:' });
  // Metrics and the monitoring routes as composeServices adds them; `grade` stays the bare one.
  const metrics = createMetrics({ processMetrics: false });
  const { monitoring } = composeServing({
    config: { JUDGE_PROMPT: 'default', DRIFT_BASELINE_SIZE: 200, DRIFT_WINDOW_SIZE: 200, DRIFT_QUESTION_SIZE: 100 },
    experiment: null,
    judge,
    grade,
    candidate: null,
    store,
    metrics,
    llmLimiter: null,
  });
  const app = createApp({ bank, grade, judge, store, random: seededRandom(7), logError: (e) => errors.push(e), metrics, monitoring });
  return { app, grade, judge, store, errors, metrics };
}

export function postJson(app: { request: (path: string, init?: RequestInit) => Response | Promise<Response> }, path: string, body: unknown) {
  return app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
