// The LocalStack target (`npm run test:localstack`): tests that only an emulator which evaluates alarms can run.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'localstack',
    include: ['test/localstack/**/*.test.ts'],
    globalSetup: ['test/localstack/global-setup.ts'],
    setupFiles: ['test/localstack/environment.ts'],
    // LocalStack has no reset endpoint: each test names its own resources, and files run one at a time.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
