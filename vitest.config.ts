import { defineConfig } from 'vitest/config';

// Integration tests spawn real shells, "JVMs" and sockets: generous timeouts so a loaded 2-core CI machine
// waits on the events instead of failing on a deadline.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
