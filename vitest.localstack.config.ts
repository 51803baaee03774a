// The LocalStack target (`npm run test:localstack`): the integration suite (what LocalStack lacks skipped, each with its reason) and the tests only LocalStack can run.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'localstack',
    include: ['test/localstack/**/*.test.ts', 'test/integration/**/*.test.ts'],
    globalSetup: ['test/localstack/global-setup.ts'],
    setupFiles: ['test/localstack/environment.ts'],
    // LocalStack has no reset endpoint: each test names its own resources, and files run one at a time.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
