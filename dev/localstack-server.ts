/**
 * Starts LocalStack community on the host, without Docker, from the project's .venv-localstack
 * (made by scripts/ensure-localstack.sh): the settings host mode needs, on 127.0.0.1 only, with
 * the services that work offline. DynamoDB and Lambda are not among them: LocalStack downloads
 * them at first use, so DynamoDB goes to moto (AWS_ENDPOINT_URL_DYNAMODB).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Emulator, EmulatorError, freePort, spawnEmulator, stopProcess, waitUntilReady } from './emulator-process.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const LOCALSTACK_PYTHON = join(ROOT, '.venv-localstack', 'bin', 'python');

/** What fleetward and its tests use that LocalStack community serves offline. */
export const LOCALSTACK_SERVICES = ['ec2', 'cloudwatch', 'logs', 'events', 'scheduler', 'sns', 'sqs', 'kms', 'ssm', 'iam', 'sts', 's3', 'cloudformation', 'elbv2'];

/** The environment host mode needs on these machines; each line says why. */
function hostModeEnvironment(port: number, filesystemRoot: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    OVERRIDE_IN_DOCKER: '0', // a /.dockerenv file exists here and would switch it to container paths
    FILESYSTEM_ROOT: filesystemRoot,
    GATEWAY_LISTEN: `127.0.0.1:${port}`,
    GATEWAY_SERVER: 'hypercorn', // the default server binds 0.0.0.0 whatever host is given
    DNS_ADDRESS: '0', // else it starts a DNS server on port 53
    DISABLE_EVENTS: '1', // no analytics calls home
    SKIP_SSL_CERT_DOWNLOAD: '1',
    LOCALSTACK_HOST: `localhost:${port}`, // the default host name needs public DNS
    SERVICES: LOCALSTACK_SERVICES.join(','),
    EAGER_SERVICE_LOADING: '0',
  };
}

export async function startLocalStack(timeoutMs = 60_000): Promise<Emulator> {
  if (!existsSync(LOCALSTACK_PYTHON)) {
    throw new EmulatorError(`${LOCALSTACK_PYTHON} is missing: run \`bash scripts/ensure-localstack.sh\` (npm run test:localstack does it)`);
  }
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const filesystemRoot = mkdtempSync(join(tmpdir(), 'fleetward-localstack-'));
  const localstack = spawnEmulator(LOCALSTACK_PYTHON, ['-m', 'localstack.runtime.main'], hostModeEnvironment(port, filesystemRoot));
  const removeRoot = () => rmSync(filesystemRoot, { recursive: true, force: true });
  try {
    await waitUntilReady('LocalStack', `${endpoint}/_localstack/health`, localstack, timeoutMs);
  } catch (error) {
    removeRoot();
    throw error;
  }
  return {
    endpoint,
    owned: true,
    stop: async () => {
      await stopProcess(localstack.child, 10_000);
      removeRoot();
    },
  };
}
