/**
 * Starts and stops the local AWS emulator (moto server from the project's .venv) for the tests
 * and the demo, or uses the endpoint in AWS_ENDPOINT_URL (e.g. LocalStack) and starts nothing.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Emulator, EmulatorError, freePort, spawnEmulator, stopProcess, waitUntilReady } from './emulator-process.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const MOTO_SERVER = join(ROOT, '.venv', 'bin', 'moto_server');
const VENV_PYTHON = join(ROOT, '.venv', 'bin', 'python');

export interface EmulatorOptions {
  /** A Python script that patches moto and starts its server (the tests' failure launcher). */
  readonly launcher?: string;
  readonly timeoutMs?: number;
}

/** Sets what the AWS SDK needs to talk to the emulator: endpoint, region, dummy credentials. */
export function useEmulatorEnvironment(endpoint: string): void {
  process.env.AWS_ENDPOINT_URL = endpoint;
  process.env.AWS_REGION ??= 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'testing';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'testing';
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const external = process.env.AWS_ENDPOINT_URL;
  if (external !== undefined && external !== '') {
    return { endpoint: external, owned: false, stop: async () => undefined };
  }
  if (!existsSync(MOTO_SERVER)) {
    throw new EmulatorError(`${MOTO_SERVER} is missing: run \`bash scripts/ensure-setup.sh\` (npm start and npm test do it)`);
  }
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const address = ['-H', '127.0.0.1', '-p', String(port)];
  const [command, args] = options.launcher === undefined ? [MOTO_SERVER, address] : [VENV_PYTHON, [options.launcher, ...address]];
  const moto = spawnEmulator(command, args);
  await waitUntilReady('moto server', `${endpoint}/moto-api/data.json`, moto, timeoutMs);
  return { endpoint, owned: true, stop: () => stopProcess(moto.child) };
}

/** Forgets every resource of a moto server; does nothing on an endpoint that is not moto. */
export async function resetEmulator(emulator: Pick<Emulator, 'endpoint' | 'owned'>): Promise<void> {
  if (!emulator.owned) return;
  const response = await fetch(`${emulator.endpoint}/moto-api/reset`, { method: 'POST' });
  if (!response.ok) throw new EmulatorError(`resetting moto failed: HTTP ${response.status}`);
}
