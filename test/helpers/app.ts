import { createBankIndex } from '../../src/bank/bank-index.js';
import { loadBank } from '../../src/bank/load-bank.js';
import { createGrader } from '../../src/grading/grade.js';
import { createApp } from '../../src/http/app.js';
import { createEmbeddedJudge } from '../../src/judge/embedded/embedded-judge.js';
import { seededRandom } from '../../src/sessions/plan.js';
import { createStore } from '../../src/store/store.js';

export const bank = createBankIndex(loadBank());

/** The app as `main.ts` wires it with the embedded judge, plus a log of unexpected errors. */
export function testApp() {
  const judge = createEmbeddedJudge();
  const grade = createGrader({ bank, judge });
  const errors: unknown[] = [];
  const store = createStore({ path: ':memory:' });
  const app = createApp({ bank, grade, judge, store, random: seededRandom(7), logError: (e) => errors.push(e) });
  return { app, grade, judge, store, errors };
}

export function postJson(app: { request: (path: string, init?: RequestInit) => Response | Promise<Response> }, path: string, body: unknown) {
  return app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
