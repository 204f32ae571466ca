import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    include: ['src/**/*.test.ts'],
    globalSetup: ['src/_setup.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
