import { describe, it } from 'vitest';

/**
 * The PostgreSQL server the tests may use: `TEST_DATABASE_URL` (`.ci/postgres.sh` starts one and prints it).
 * Without it the PostgreSQL tests are skipped, with a line saying so; with `REQUIRE_POSTGRES=1` (CI) a
 * missing URL fails them instead, so CI can never pass by skipping.
 */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;
const REQUIRED = process.env.REQUIRE_POSTGRES === '1';

export const SKIP_REASON = 'PostgreSQL tests skipped: TEST_DATABASE_URL is not set (export TEST_DATABASE_URL=$(.ci/postgres.sh) to run them)';

/** `describe` for tests that need a PostgreSQL server: skipped with a clear message without one, failing in CI. */
export function describePostgres(name: string, fn: (url: string) => void): void {
  if (TEST_DATABASE_URL) {
    describe(name, () => fn(TEST_DATABASE_URL));
    return;
  }
  if (REQUIRED) {
    describe(name, () => {
      it('has a PostgreSQL server to run against', () => {
        throw new Error('REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set: CI must run the PostgreSQL tests');
      });
    });
    return;
  }
  describe.skip(`${name} (${SKIP_REASON})`, () => fn(''));
}

export { freshDatabase } from '../../scripts/load/fresh-database.js';
