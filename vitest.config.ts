import { defineConfig } from 'vitest/config';

export const config = defineConfig({
  test: {
    include: [
      'packages/*/test/**/*.test.ts',
      'functions/*/test/**/*.test.ts',
      'infra/test/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});

export { config as default };
