import pg from 'pg';
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

let counter = 0;

/**
 * A database of its own on the test server, so test files running in parallel never share tables; dropped
 * by `drop()`. Its URL is `TEST_DATABASE_URL` with another database name.
 */
export async function freshDatabase(baseUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `coach_t_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(baseUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
