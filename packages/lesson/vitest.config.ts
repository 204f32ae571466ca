import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Real training on a shared 2-core machine: seconds, not milliseconds.
    testTimeout: 120_000,
  },
});
