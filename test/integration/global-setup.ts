/** Starts one emulator for the integration run (or uses AWS_ENDPOINT_URL) and stops it at the end. */
import type { TestProject } from 'vitest/node';
import { startEmulator } from '../../dev/moto-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    emulatorEndpoint: string;
    emulatorOwned: boolean;
  }
}

export default async function setup(project: TestProject) {
  const emulator = await startEmulator();
  project.provide('emulatorEndpoint', emulator.endpoint);
  project.provide('emulatorOwned', emulator.owned);
  return () => emulator.stop();
}
