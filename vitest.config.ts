import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Files run in parallel processes; each makes its own database (test/support/database.ts).
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Outbound network is not reachable anyway; keep logs quiet unless asked.
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' },
  },
});
