import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Files run in parallel processes; each copies the run's migrated template database.
    pool: 'forks',
    globalSetup: ['test/support/global-setup.ts'],
    // TEST_NOW=<ISO instant> moves "now" for the whole run (README, "Tests on any day").
    setupFiles: ['test/support/fake-now.mjs'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Outbound network is not reachable anyway; keep logs quiet unless asked.
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' },
  },
});
