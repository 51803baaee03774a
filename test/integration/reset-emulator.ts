/** Points the AWS SDK at the emulator, quiets Powertools output, and resets moto before each test. */
import { beforeEach, inject } from 'vitest';
import { resetEmulator, useEmulatorEnvironment } from '../../dev/moto-server.ts';

const emulator = { endpoint: inject('emulatorEndpoint'), owned: inject('emulatorOwned') };
useEmulatorEnvironment(emulator.endpoint);
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

beforeEach(async () => {
  await resetEmulator(emulator);
});
