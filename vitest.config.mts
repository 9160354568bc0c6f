import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Real models on real images: loading and inference take seconds on a 2-core CPU.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
