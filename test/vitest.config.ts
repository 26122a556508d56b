import { defineConfig } from 'vitest/config';

// Integration suites start their own nats-server processes; on a 2-core machine running
// more than two files at once only adds contention and flaky timeouts.
export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'test/fixtures/**'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // `crossdock run` defaults to one worker per core under a supervisor; the suites that start
    // runners test one runner process each (test/integration/workers.test.ts passes --workers).
    env: { CROSSDOCK_WORKERS: '1' },
  },
});
