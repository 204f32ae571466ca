import { defineProject } from 'vitest/config';

// Unit tests of the app's logic and the browser end-to-end test (which needs `vite build` output: turbo builds first).
export default defineProject({
  test: {
    include: ['src/**/*.test.ts', 'server/**/*.test.ts', 'e2e/**/*.test.ts'],
    testTimeout: 150_000,
    hookTimeout: 60_000,
    // The browser tests share two cores with everything else: one chromium at a time.
    fileParallelism: false,
  },
});
