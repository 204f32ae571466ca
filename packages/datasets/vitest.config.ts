import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: {
    // Tests run the TypeScript sources, so `#platform` points at the Node source rather than dist.
    alias: {
      '#platform': fileURLToPath(new URL('./src/_platform.node.ts', import.meta.url)),
      '#text-platform': fileURLToPath(new URL('./src/_text_platform.node.ts', import.meta.url)),
    },
  },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
