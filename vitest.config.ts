import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['lib/**/*.test.ts', 'provisioner/**/*.test.ts', 'tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
    exclude: ['node_modules', 'tests/e2e/**', '.next'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration tests open real sockets on loopback; two cores: keep parallelism modest.
    maxWorkers: 2,
  },
});
