import { defineConfig } from 'vitest/config';

// Watch mode across the tree; CI runs each package's own `vitest run` through turbo.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'tests/*', 'bench'],
  },
});
