import { defineConfig } from 'vitest/config';

// Integration tests spawn real shells, "JVMs" and sockets: generous timeouts so a loaded 2-core CI machine
// waits on the events instead of failing on a deadline.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/helpers/setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most of a test's time is spent waiting on simulated start-ups, backoffs and timeouts, not on the CPU:
    // four files at once on two cores; each file draws its own ports, so they never meet.
    maxWorkers: 4,
  },
});
