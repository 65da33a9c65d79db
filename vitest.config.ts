import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Vitest's default on 2 cores is one worker, and most of this suite waits on child processes,
    // ptys and simulated latency: two workers run it in about 9 minutes instead of 15.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    reporters: ['default', './test/support/plainSummaryReporter.ts'],
  },
});
