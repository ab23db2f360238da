import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Files run in parallel processes; each copies the run's migrated template database.
    pool: 'forks',
    // A worker process keeps its loaded modules from one test file to the next, so grammY,
    // pdfmake, echarts and the app are imported once per worker, not once per file (about two
    // thirds of the suite's time). Safe because nothing in src/ keeps module-level state: every
    // file builds its own app, database and emulator.
    isolate: false,
    globalSetup: ['test/support/global-setup.ts'],
    // TEST_NOW=<ISO instant> moves "now" for the whole run (README, "Tests on any day").
    setupFiles: ['test/support/fake-now.mjs'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Outbound network is not reachable anyway; keep logs quiet unless asked.
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' },
  },
});
