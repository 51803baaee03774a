/**
 * Starts and stops the local AWS emulator (moto server from the project's .venv) for the tests
 * and the demo, or uses the endpoint in AWS_ENDPOINT_URL (e.g. LocalStack) and starts nothing.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FleetwardError } from '../functions/core/errors.ts';

/** The emulator is missing, did not start, or refused a request of the setup. */
export class EmulatorError extends FleetwardError {}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const MOTO_SERVER = join(ROOT, '.venv', 'bin', 'moto_server');
const VENV_PYTHON = join(ROOT, '.venv', 'bin', 'python');

export interface EmulatorOptions {
  /** A Python script that patches moto and starts its server (the tests' failure launcher). */
  readonly launcher?: string;
  readonly timeoutMs?: number;
}

export interface Emulator {
  readonly endpoint: string;
  /** True when this process started moto; false when it uses AWS_ENDPOINT_URL. */
  readonly owned: boolean;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilReady(endpoint: string, child: ChildProcess, output: () => string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new EmulatorError(`moto server exited with code ${child.exitCode} before answering:\n${output()}`);
    }
    try {
      const response = await fetch(`${endpoint}/moto-api/data.json`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new EmulatorError(`moto server did not answer at ${endpoint} within ${timeoutMs} ms:\n${output()}`);
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
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  await waitUntilReady(endpoint, child, () => log, timeoutMs);
  return {
    endpoint,
    owned: true,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Forgets every resource of a moto server; does nothing on an endpoint that is not moto. */
export async function resetEmulator(emulator: Pick<Emulator, 'endpoint' | 'owned'>): Promise<void> {
  if (!emulator.owned) return;
  const response = await fetch(`${emulator.endpoint}/moto-api/reset`, { method: 'POST' });
  if (!response.ok) throw new EmulatorError(`resetting moto failed: HTTP ${response.status}`);
}
