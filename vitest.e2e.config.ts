import { defineConfig } from 'vitest/config';

/** Browser tests: `npm run test:e2e`. Kept apart from the unit suite, which stays fast and browser-free. */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
