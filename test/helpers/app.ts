import { createBankIndex } from '../../src/bank/bank-index.js';
import { loadBank } from '../../src/bank/load-bank.js';
import { buildCoach, type CoachOverrides } from '../../src/compose.js';
import { loadConfig } from '../../src/config.js';
import { seededRandom } from '../../src/sessions/plan.js';

export const bank = createBankIndex(loadBank());

/**
 * The environment every test coach starts from: an in-memory database and rate limits no test reaches
 * unless it sets its own (the security tests do).
 */
export const TEST_ENV: Record<string, string> = { DB_PATH: ':memory:', JUDGE: 'embedded', RATE_LIMIT_PER_MIN: '1000000', RATE_LIMIT_READS_PER_MIN: '1000000' };

/**
 * The coach as `main.ts` builds it (`buildCoach`), from `TEST_ENV` plus `env`, with the test's overrides.
 * Defaults for tests: the shared bank, no calibration (scores are the judge's own), no process metrics,
 * warnings dropped and unexpected errors collected in `errors`.
 */
export function testCoach(env: Record<string, string> = {}, overrides: CoachOverrides = {}) {
  const errors: unknown[] = [];
  const coach = buildCoach(loadConfig({ ...TEST_ENV, ...env }), {
    bank,
    calibration: null,
    processMetrics: false,
    warn: () => undefined,
    logError: (e) => errors.push(e),
    ...overrides,
  });
  return { ...coach, errors };
}

/** The coach with the embedded judge and questions in a fixed order, plus a log of unexpected errors. */
export function testApp() {
  return testCoach({}, { random: seededRandom(7) });
}

export function postJson(app: { request: (path: string, init?: RequestInit) => Response | Promise<Response> }, path: string, body: unknown) {
  return app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** The SQLite connection under a test's store, for tests that read or lock the file directly. */
export function sqliteOf(store: { sqlite?: import('../../src/store/db.js').Db }): import('../../src/store/db.js').Db {
  if (!store.sqlite) throw new Error('this test needs a SQLite store');
  return store.sqlite;
}
