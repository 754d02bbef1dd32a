import { buildCoach } from '../../src/compose.js';
import { loadConfig } from '../../src/config.js';
import type { GradeFn } from '../../src/grading/grade.js';
import { seededRandom } from '../../src/sessions/plan.js';
import type { Store } from '../../src/store/store.js';
import { bank } from './app.js';

/**
 * The app with the security `main.ts` derives from the environment (`securityFromConfig(loadConfig(env))`),
 * the embedded judge, metrics and an in-memory store. `grade` counts its calls, so a test can tell whether
 * a request reached the judge, and awaits `beforeGrade` first, so a test can hold a grade in flight.
 */
export function securedApp(env: Record<string, string> = {}, options: { store?: Store; beforeGrade?: () => Promise<void> } = {}) {
  const calls = { grades: 0 };
  const errors: unknown[] = [];
  const counted = (inner: GradeFn): GradeFn => async (request, opts) => {
    calls.grades += 1;
    await options.beforeGrade?.();
    return inner(request, opts);
  };
  // The configuration's own rate limits: only DB_PATH and JUDGE come from the test defaults.
  const coach = buildCoach(loadConfig({ DB_PATH: ':memory:', JUDGE: 'embedded', ...env }), {
    bank,
    calibration: null,
    processMetrics: false,
    warn: () => undefined,
    logError: (e) => errors.push(e),
    random: seededRandom(3),
    wrapGrade: counted,
    ...(options.store ? { store: options.store } : {}),
  });
  return { app: coach.app, store: coach.store, security: coach.security, calls, errors, config: coach.config };
}

export const validAnswer = { questionId: 'data-drift', answer: 'Inputs in production move away from the training data.' };

/** A JSON POST with extra headers. */
export function post(app: { request: (p: string, i?: RequestInit) => Response | Promise<Response> }, path: string, body: unknown, headers: Record<string, string> = {}) {
  return app.request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
}
