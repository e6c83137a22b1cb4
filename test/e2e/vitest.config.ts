import path from 'node:path';
import { defineConfig } from 'vitest/config';

// Browser tests: a production build of the dashboard on a seeded SQLite database (see setup.ts).
export default defineConfig({
  root: path.resolve(import.meta.dirname, '..', '..'),
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    globalSetup: ['test/e2e/setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
