/**
 * What starting a local emulator takes, whichever it is: a free port, the child process with the
 * tail of its output kept for errors, waiting until it answers, and stopping it for sure.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { FleetwardError } from '../functions/core/errors.ts';

/** The emulator is missing, did not start, or refused a request of the setup. */
export class EmulatorError extends FleetwardError {}

export interface Emulator {
  readonly endpoint: string;
  /** True when this process started the emulator; false when it uses one given by the environment. */
  readonly owned: boolean;
  stop(): Promise<void>;
}

export interface EmulatorProcess {
  readonly child: ChildProcess;
  /** The last 4,000 characters the process wrote. */
  output(): string;
}

export async function freePort(): Promise<number> {
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

export function spawnEmulator(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): EmulatorProcess {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { child, output: () => log };
}

/** Polls the URL until it answers 2xx; fails with the process's output if it exits or times out. */
export async function waitUntilReady(name: string, url: string, emulator: EmulatorProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (emulator.child.exitCode !== null) {
      throw new EmulatorError(`${name} exited with code ${emulator.child.exitCode} before answering:\n${emulator.output()}`);
    }
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stopProcess(emulator.child);
  throw new EmulatorError(`${name} did not answer at ${url} within ${timeoutMs} ms:\n${emulator.output()}`);
}

/** SIGTERM, then SIGKILL if it is still running after the grace period (an emulator can close its port and linger). */
export async function stopProcess(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
