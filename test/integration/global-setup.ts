/**
 * Starts one emulator for the integration run — moto through the test launcher that can force
 * impaired instances and unhealthy targets — or uses AWS_ENDPOINT_URL, and stops it at the end.
 */
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { startEmulator } from '../../dev/moto-server.ts';
import type { EmulatorTarget } from './emulator-target.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    emulatorEndpoint: string;
    emulatorOwned: boolean;
  }
}

export default async function setup(project: TestProject) {
  const launcher = fileURLToPath(new URL('../emulator/moto_launcher.py', import.meta.url));
  const emulator = await startEmulator({ launcher });
  project.provide('emulatorEndpoint', emulator.endpoint);
  project.provide('emulatorOwned', emulator.owned);
  const target: EmulatorTarget = emulator.owned ? 'moto-launcher' : 'external';
  project.provide('emulatorTarget', target);
  return () => emulator.stop();
}
