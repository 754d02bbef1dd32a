import { loadConfig } from '../../src/config.js';
import { createGrader, type GradeFn } from '../../src/grading/grade.js';
import { createApp } from '../../src/http/app.js';
import { securityFromConfig } from '../../src/http/security.js';
import { createEmbeddedJudge } from '../../src/judge/embedded/embedded-judge.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { seededRandom } from '../../src/sessions/plan.js';
import { createStore, type Store } from '../../src/store/store.js';
import { bank } from './app.js';

/**
 * The app with the security `main.ts` derives from the environment (`securityFromConfig(loadConfig(env))`),
 * the embedded judge, metrics and an in-memory store. `grade` counts its calls, so a test can tell whether
 * a request reached the judge, and awaits `beforeGrade` first, so a test can hold a grade in flight.
 */
export function securedApp(env: Record<string, string> = {}, options: { store?: Store; beforeGrade?: () => Promise<void> } = {}) {
  const config = loadConfig(env);
  const judge = createEmbeddedJudge();
  const inner = createGrader({ bank, judge });
  const calls = { grades: 0 };
  const grade: GradeFn = async (request, opts) => {
    calls.grades += 1;
    await options.beforeGrade?.();
    return inner(request, opts);
  };
  const store = options.store ?? createStore({ path: ':memory:' });
  const errors: unknown[] = [];
  const security = securityFromConfig(config);
  const metrics = createMetrics({ processMetrics: false });
  const app = createApp({ bank, grade, judge, store, security, metrics, random: seededRandom(3), logError: (e) => errors.push(e) });
  return { app, store, security, calls, errors, config };
}

export const validAnswer = { questionId: 'data-drift', answer: 'Inputs in production move away from the training data.' };

/** A JSON POST with extra headers. */
export function post(app: { request: (p: string, i?: RequestInit) => Response | Promise<Response> }, path: string, body: unknown, headers: Record<string, string> = {}) {
  return app.request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
}
