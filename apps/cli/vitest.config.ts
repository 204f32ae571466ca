import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    include: ['test/**/*.test.ts'],
    // End-to-end tests start real processes, train on real data and install with npm.
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
